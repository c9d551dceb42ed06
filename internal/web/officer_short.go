package web

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"

	"easyjob/internal/easyjob"
	"easyjob/internal/httpx"
	"easyjob/internal/store"
)

// shortRow is one county on the officer's page of seekers short of
// recommendations.
type shortRow struct {
	store.CountyShort
	Percent string // share of the county's seekers, "12.5%"
}

type officerShortData struct {
	Below int
	AsOf  string
	Rows  []shortRow
}

// officerShort shows, per home county in the officer's scope, how many
// seekers have fewer than store.ShortBelow recommendations (matches and
// fallbacks together), the most first, with a link to each county's seekers.
func (h *Handler) officerShort(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	c, err := h.S.ShortCounts(r.Context(), httpx.Actor(r.Context()))
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	d := officerShortData{Below: c.Below, AsOf: c.AsOf.In(easyjob.Shanghai).Format("2006-01-02 15:04")}
	for _, x := range c.Items {
		row := shortRow{CountyShort: x, Percent: "0%"}
		if x.Seekers > 0 {
			row.Percent = percent(x.Short, x.Seekers)
		}
		d.Rows = append(d.Rows, row)
	}
	slices.SortStableFunc(d.Rows, func(a, b shortRow) int {
		if c := cmp.Compare(b.Short, a.Short); c != 0 {
			return c
		}
		return cmp.Compare(a.County, b.County)
	})
	h.R.Render(w, r, http.StatusOK, "officer_short", h.page(r, "officer_short.title", d))
}

// percent formats n/total with one decimal: "5.8%".
func percent(n, total int) string {
	tenths := (n*1000 + total/2) / total
	return strconv.Itoa(tenths/10) + "." + strconv.Itoa(tenths%10) + "%"
}
