package charter_test

import (
	"context"
	"testing"

	"easyjob/internal/charter"
	"easyjob/internal/easyjob"
	"easyjob/internal/store/storetest"
)

func fp(v float64) *float64 { return &v }

// An employer sets its site from a known point or coordinates, with
// field-level messages; a posting's own site is where its hires ride to.
func TestSites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, kind storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, kind)
		c := newService(f)
		for _, tc := range []struct {
			name  string
			in    charter.SiteInput
			field string
			key   string
		}{
			{"no address", charter.SiteInput{Lat: fp(22.7), Lng: fp(114.2)}, "address", "field.required"},
			{"no location", charter.SiteInput{Address: "甘李路 8 号"}, "lat", "site.point_required"},
			{"half a point", charter.SiteInput{Address: "甘李路 8 号", Lat: fp(22.7)}, "lat", "pickup.point_half"},
			{"outside China", charter.SiteInput{Address: "甘李路 8 号", Lat: fp(51.5), Lng: fp(-0.1)}, "lat", "pickup.point_outside"},
			{"unknown known point", charter.SiteInput{Address: "甘李路 8 号", Known: "451026"}, "known", "pickup.known_unknown"},
		} {
			_, err := c.SetEmployerSite(ctx, f.Boss, f.Employer.ID, tc.in)
			if fieldsOf(err)[tc.field].Key != tc.key {
				t.Errorf("%s: %v, want %s on %s", tc.name, err, tc.key, tc.field)
			}
		}
		if _, err := c.SetEmployerSite(ctx, f.Station, f.Employer.ID, charter.SiteInput{Address: "x", Lat: fp(22.7), Lng: fp(114.2)}); code(err) != easyjob.EFORBIDDEN {
			t.Fatalf("another county's station set the site: %v", err)
		}
		known := charter.KnownPoints("440307")
		if len(known) < 2 {
			t.Fatalf("known points of 龙岗区: %+v", known)
		}
		st, err := c.SetEmployerSite(ctx, f.Boss, f.Employer.ID, charter.SiteInput{Address: "吉华街道甘李路 8 号", Known: known[1].Code})
		if err != nil || !st.HasPoint() || *st.Lat != known[1].Lat || st.Address != "吉华街道甘李路 8 号" {
			t.Fatalf("site %+v %v", st, err)
		}
		if st, err = c.SetEmployerSite(ctx, f.Longgang, f.Employer.ID, charter.SiteInput{Address: "甘李路 8 号", Lat: fp(22.65), Lng: fp(114.15)}); err != nil || *st.Lng != 114.15 {
			t.Fatalf("district officer: %+v %v", st, err)
		}
		if got, _ := c.EmployerSite(ctx, f.Boss, f.Employer.ID); got.PointText() != "22.65000, 114.15000" {
			t.Fatalf("site read back %+v", got)
		}

		// Two postings: one at the employer's site, one at its own.
		here, there := f.Published(t, 5), f.Published(t, 5)
		if _, err := c.SetPostingSite(ctx, f.Station, there.ID, charter.SiteInput{Address: "坪山", Lat: fp(22.70), Lng: fp(114.35)}); code(err) != easyjob.ENOTFOUND {
			t.Fatalf("a station set a posting's site: %v", err)
		}
		ps, err := c.SetPostingSite(ctx, f.Boss, there.ID, charter.SiteInput{Address: "坪山区某园区", Lat: fp(22.70), Lng: fp(114.35)})
		if err != nil || ps.Address != "坪山区某园区" {
			t.Fatalf("posting site %+v %v", ps, err)
		}
		hire(t, f, here, easyjob.HealthGreen)
		_, a2 := hire(t, f, there, easyjob.HealthGreen)
		pk := mustPickup(t, f)
		v, err := c.ConfirmPlan(ctx, f.Station, charter.PlanRequest{Date: easyjob.DateOf(f.Clock.Now()).AddDays(1), PickupPointID: pk.ID, Seats: 45})
		if err != nil || len(v.Charters) != 1 || len(v.Charters[0].Stops) != 2 {
			t.Fatalf("plan %+v %v", v, err)
		}
		m, _ := c.Manifest(ctx, f.Station, v.Charters[0].ID)
		stops := map[float64]charter.StopView{}
		for _, s := range m.Stops {
			stops[s.Lng] = s
		}
		if stops[114.35].PostingID != there.ID || stops[114.15].PostingID != 0 || stops[114.35].EmployerID != f.Employer.ID {
			t.Fatalf("stops %+v", m.Stops)
		}
		for _, r := range m.Riders {
			if r.ApplicationID == a2.ID && m.Stops[r.StopSeq-1].PostingID != there.ID {
				t.Fatalf("the posting's hire rides to stop %+v", m.Stops[r.StopSeq-1])
			}
		}
		// A replan keeps both stops.
		if rv, err := c.Replan(ctx, f.Station, v.ID, false); err != nil || len(rv.Charters[0].Stops) != 2 {
			t.Fatalf("replan %+v %v", rv, err)
		}
		if err := c.ClearPostingSite(ctx, f.Boss, there.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := c.PostingSite(ctx, f.Boss, there.ID); got.HasPoint() {
			t.Fatalf("cleared site %+v", got)
		}
	})
}
