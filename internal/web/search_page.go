package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"easyjob/internal/easyjob"
	"easyjob/internal/i18n"
	"easyjob/internal/occupation"
	"easyjob/internal/region"
	"easyjob/internal/store"
)

// searchFilter is the search's filters as the page offers them (the API's:
// dorm and meals, minimum pay, trade, start by a date).
type searchFilter struct {
	Dorm, Meals bool
	PayMin      int
	Trade       string // an occupation code
	StartBy     easyjob.Date
	// As typed, to refill the form.
	PayText, StartText string
}

// readSearchFilter reads the filters; what does not parse is left out
// (a search is not a form to correct).
func readSearchFilter(q url.Values) searchFilter {
	f := searchFilter{Dorm: q.Get("dorm") != "", Meals: q.Get("meals") != "", PayText: strings.TrimSpace(q.Get("pay_min")),
		StartText: q.Get("start_by")}
	if n, err := strconv.Atoi(strings.ReplaceAll(f.PayText, ",", "")); err == nil && n > 0 && n <= 1000000 {
		f.PayMin = n
	} else {
		f.PayText = ""
	}
	if c := q.Get("trade"); occupation.IsLeaf(c) {
		f.Trade = c
	}
	if d, err := easyjob.ParseDate(f.StartText); err == nil {
		f.StartBy = d
	} else {
		f.StartText = ""
	}
	return f
}

// searchedWords says what was asked, for the results' heading and for an
// empty result; "" when nothing was.
func (h *Handler) searchedWords(r *http.Request, d *seekerHomeData) string {
	lang := langOf(r)
	var parts []string
	if d.Query != "" {
		parts = append(parts, "“"+d.Query+"”")
	}
	if d.District != "" {
		parts = append(parts, region.NameIn(lang, d.District))
	}
	f := d.Filter
	if f.Trade != "" {
		parts = append(parts, tradeChoice(lang, f.Trade).Label)
	}
	if f.Dorm {
		parts = append(parts, h.Cat.T(lang, "posting.dorm"))
	}
	if f.Meals {
		parts = append(parts, h.Cat.T(lang, "posting.meals"))
	}
	if f.PayMin > 0 {
		parts = append(parts, h.Cat.T(lang, "search.pay_at_least", "pay", i18n.Thousands(int64(f.PayMin))))
	}
	if !f.StartBy.IsZero() {
		parts = append(parts, h.Cat.T(lang, "search.starts_by", "date", f.StartBy.String()))
	}
	return strings.Join(parts, " · ")
}

// searchExamples are the placeholder's examples: the everyday names of the
// three trades with the most open postings, so each example finds work.
func (h *Handler) searchExamples(r *http.Request, a easyjob.Actor) string {
	lang := langOf(r)
	res, err := h.S.Search(r.Context(), a, store.SearchQuery{ListOptions: store.ListOptions{Limit: 1}})
	if err != nil || len(res.Facets.Occupation) == 0 {
		return h.Cat.T(lang, "search.placeholder")
	}
	type oc struct {
		code string
		n    int
	}
	var list []oc
	for c, n := range res.Facets.Occupation {
		if _, ok := occupation.EverydayOf(c); ok {
			list = append(list, oc{c, n})
		}
	}
	slices.SortFunc(list, func(x, y oc) int {
		if x.n != y.n {
			return y.n - x.n
		}
		return strings.Compare(x.code, y.code)
	})
	var names []string
	for _, o := range list[:min(3, len(list))] {
		names = append(names, tradeChoice(lang, o.code).Label)
	}
	if len(names) == 0 {
		return h.Cat.T(lang, "search.placeholder")
	}
	return h.Cat.T(lang, "search.placeholder_of", "examples", strings.Join(names, h.Cat.T(lang, "search.sep")))
}
