package store_test

import (
	"context"
	"testing"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/ident"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
)

// TestSetHealthMany: an officer records one status for a list, all or
// nothing (one seeker outside the region refuses the whole list), each
// audited; a seeker reports only their own, marked self-reported.
func TestSetHealthMany(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		s := f.S
		a, me := f.Seeker(t)
		b, _ := f.Seeker(t)
		outsider, err := s.RegisterSeeker(ctx, f.Admin, otherCounty())
		if err != nil {
			t.Fatal(err)
		}
		// One outside the station's region: nothing is written.
		if _, err := s.SetHealthMany(ctx, f.Station, []int64{a.ID, b.ID, outsider.ID}, easyjob.HealthGreen); easyjob.ErrorCode(err) != easyjob.EFORBIDDEN {
			t.Fatalf("outsider in the list: %v", err)
		}
		if got, _ := s.SeekerRow(ctx, a.ID); got.Health != "" {
			t.Fatalf("partly written: %+v", got.Health)
		}
		// Bad status and empty list: field messages.
		if _, err := s.SetHealthMany(ctx, f.Station, []int64{a.ID}, "blue"); easyjob.ErrorCode(err) != easyjob.EINVALID {
			t.Fatalf("blue: %v", err)
		}
		if _, err := s.SetHealthMany(ctx, f.Station, nil, easyjob.HealthGreen); easyjob.ErrorCode(err) != easyjob.EINVALID {
			t.Fatalf("empty: %v", err)
		}
		n, err := s.SetHealthMany(ctx, f.Station, []int64{b.ID, a.ID, a.ID}, easyjob.HealthGreen)
		if err != nil || n != 2 {
			t.Fatalf("bulk: %d %v", n, err)
		}
		for _, id := range []int64{a.ID, b.ID} {
			got, _ := s.SeekerRow(ctx, id)
			if got.Health != easyjob.HealthGreen || got.HealthBy != easyjob.HealthByOfficer || !got.HealthAt.Equal(f.Clock.Now().Truncate(time.Millisecond)) {
				t.Fatalf("seeker %d: %q %q %v", id, got.Health, got.HealthBy, got.HealthAt)
			}
			log, err := s.AuditLog(ctx, f.Station, id)
			if err != nil || len(log) == 0 || log[0].Action != "set_health" || log[0].Reason != "green by officer" {
				t.Fatalf("audit %d: %+v %v", id, log, err)
			}
		}
		// The seeker: own status only, marked self.
		if err := s.SetHealth(ctx, me, b.ID, easyjob.HealthGreen); easyjob.ErrorCode(err) != easyjob.EFORBIDDEN {
			t.Fatalf("seeker for another: %v", err)
		}
		if err := s.SetHealth(ctx, me, a.ID, easyjob.HealthYellow); err != nil {
			t.Fatal(err)
		}
		got, _ := s.SeekerRow(ctx, a.ID)
		if got.Health != easyjob.HealthYellow || got.HealthBy != easyjob.HealthBySelf {
			t.Fatalf("self: %q %q", got.Health, got.HealthBy)
		}
		// An employer may not.
		if err := s.SetHealth(ctx, f.Boss, a.ID, easyjob.HealthGreen); easyjob.ErrorCode(err) != easyjob.EFORBIDDEN {
			t.Fatalf("employer: %v", err)
		}
	})
}

// TestSeekerSearch: an officer finds the seekers of the region by a part of
// the name, the whole phone or ID number (blind indexes); the list shows
// names and masks ID numbers and phones; nobody outside the region.
func TestSeekerSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		s := f.S
		in := storetest.SeekerInput()
		in.Name = "韦小宝"
		a, err := s.RegisterSeeker(ctx, f.Station, in)
		if err != nil {
			t.Fatal(err)
		}
		f.Seeker(t)
		find := func(a easyjob.Actor, q string) []easyjob.Seeker {
			t.Helper()
			pg, err := s.Seekers(ctx, a, store.SeekerFilter{Query: q})
			if err != nil {
				t.Fatal(err)
			}
			return pg.Items
		}
		for _, q := range []string{"小宝", in.Phone, "+86 " + in.Phone, in.IDNumber} {
			got := find(f.Station, q)
			if len(got) != 1 || got[0].ID != a.ID {
				t.Fatalf("%q: %+v", q, got)
			}
			if got[0].Name != "韦小宝" || got[0].Phone == in.Phone || got[0].IDNumber == in.IDNumber {
				t.Fatalf("%q: name hidden or contact shown: %+v", q, got[0])
			}
		}
		if got := find(f.Station, "%"); len(got) != 0 {
			t.Fatalf("%% is not a wildcard: %d", len(got))
		}
		other := otherOfficer(t, f)
		if got := find(other, "小宝"); len(got) != 0 {
			t.Fatalf("outside the region: %+v", got)
		}
		if _, err := s.OfficerSeeker(ctx, other, a.ID); easyjob.ErrorCode(err) != easyjob.ENOTFOUND {
			t.Fatalf("officer seeker outside: %v", err)
		}
		k2, err := s.OfficerSeeker(ctx, f.Station, a.ID)
		if err != nil || k2.Name != "韦小宝" || k2.Phone == in.Phone {
			t.Fatalf("officer seeker: %+v %v", k2, err)
		}
	})
}

// otherCounty is a seeker of 合浦县 (450521), outside the station's region.
func otherCounty() easyjob.SeekerInput {
	in := storetest.SeekerInput()
	in.IDNumber = ident.GenerateResidentID("450521", time.Date(1990, 5, 1, 0, 0, 0, 0, time.UTC), 7, true)
	in.County = "450521"
	in.Phone = "13700000521"
	return in
}

// otherOfficer is an officer of 合浦县 only.
func otherOfficer(t *testing.T, f *storetest.Fixture) easyjob.Actor {
	t.Helper()
	u, err := f.S.CreateUser(context.Background(), f.Admin, store.NewUser{Username: "hepu", Password: "hepu-password", Name: "合浦",
		Role: easyjob.RoleOfficer, Region: "450521"})
	if err != nil {
		t.Fatal(err)
	}
	return store.ActorOf(u, "zh-CN")
}
