package charter_test

import (
	"context"
	"testing"
	"time"

	"easyjob/internal/charter"
	"easyjob/internal/easyjob"
	"easyjob/internal/epidemic"
	"easyjob/internal/store/storetest"
)

// The health gate follows the level the reports give, and a county that
// turns high after its riders were seated puts their seats on hold; the
// holds are released when it is no longer high.
func TestGateFollowsReportsAndHolds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		e := &epidemic.Service{S: f.S}
		c := &charter.Service{S: f.S, Risk: e}
		e.Hold = c.HoldCounty
		p := f.Published(t, 10)
		var riders []easyjob.Seeker
		for range 2 {
			k, _ := hire(t, f, p, easyjob.HealthGreen)
			riders = append(riders, k)
		}
		pk := mustPickup(t, f)
		req := charter.PlanRequest{Date: easyjob.DateOf(f.Clock.Now()).AddDays(1), PickupPointID: pk.ID, Seats: 45}
		zero := epidemic.ReportInput{NewConfirmed: epidemic.V(0), NewSuspected: epidemic.V(0), InHospital: epidemic.V(0)}
		today := easyjob.DateOf(f.Clock.Now())
		for d := today.AddDays(-20); !d.After(today.AddDays(-1)); d = d.AddDays(1) {
			if _, err := e.Put(ctx, f.Station, "451026", d.String(), zero, epidemic.SourceForm); err != nil {
				t.Fatal(err)
			}
		}
		if r, _ := e.RiskOf(ctx, "451026"); r.Level != epidemic.Low || r.Source != epidemic.FromReports {
			t.Fatalf("twenty clear days: %+v", r)
		}
		v, err := c.ConfirmPlan(ctx, f.Station, req)
		if err != nil || v.Riders != 2 {
			t.Fatalf("plan %+v %v", v, err)
		}
		// A confirmed case today: the county turns high, the seats are held.
		pos := zero
		pos.NewConfirmed = epidemic.V(1)
		s, err := e.Put(ctx, f.Station, "451026", today.String(), pos, epidemic.SourceForm)
		if err != nil || s.Risk.Level != epidemic.High || s.HeldSeats != 2 {
			t.Fatalf("positive: %+v %v", s, err)
		}
		holds, err := c.Holds(ctx, f.Station)
		if err != nil || len(holds) != 2 || holds[0].County != "451026" {
			t.Fatalf("holds %+v %v", holds, err)
		}
		if held, _ := c.Held(ctx, holds[0].SeatID); !held {
			t.Fatal("seat not held")
		}
		// A held seat cannot board.
		full, err := f.S.Seeker(ctx, f.Station, riders[0].ID, "full")
		if err != nil {
			t.Fatal(err)
		}
		id := full.IDNumber
		var he *easyjob.Error
		if _, err := c.CheckIn(ctx, f.Station, v.Charters[0].ID, id[len(id)-6:]); !asErr(err, &he) || he.Msg.Key != "charter.seat_held" {
			t.Fatalf("boarded a held seat: %v", err)
		}
		if other, _ := c.Holds(ctx, f.Boss); other != nil {
			t.Fatal("an employer sees holds")
		}
		// The gate refuses a new rider now.
		_, app := hire(t, f, p, easyjob.HealthGreen)
		var de *easyjob.Error
		if _, err := c.AddToCharter(ctx, f.Station, v.Charters[0].ID, app.ID); !asErr(err, &de) || de.Msg.Key != "gate.county_high_risk" {
			t.Fatalf("added a rider from a high county: %v", err)
		}
		// Corrected (a typing error): no longer high, the holds are released.
		f.Clock.Advance(time.Minute)
		if s, err := e.Put(ctx, f.Station, "451026", today.String(), zero, epidemic.SourceForm); err != nil || s.Risk.Level == epidemic.High {
			t.Fatalf("corrected: %+v %v", s, err)
		}
		if holds, _ := c.Holds(ctx, f.Station); len(holds) != 0 {
			t.Fatalf("holds after the correction %+v", holds)
		}
		// An override to high holds again; the same seat is held once.
		if _, err := e.Override(ctx, f.Longgang, "451026", epidemic.OverrideInput{Level: epidemic.High, Reason: "核查中"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Override(ctx, f.Longgang, "451026", epidemic.OverrideInput{Level: epidemic.High, Reason: "核查中"}); err != nil {
			t.Fatal(err)
		}
		if holds, _ := c.Holds(ctx, f.Station); len(holds) != 2 {
			t.Fatalf("holds after the override %+v", holds)
		}
	})
}

// A high level runs out without a new report (fourteen days after the last
// confirmed case): the queue's Settle releases the holds then.
func TestHoldsSettleWhenHighRunsOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		e := &epidemic.Service{S: f.S}
		c := &charter.Service{S: f.S, Risk: e}
		e.Hold = c.HoldCounty
		p := f.Published(t, 10)
		hire(t, f, p, easyjob.HealthGreen)
		pk := mustPickup(t, f)
		today := easyjob.DateOf(f.Clock.Now())
		req := charter.PlanRequest{Date: today.AddDays(1), PickupPointID: pk.ID, Seats: 45}
		if _, err := c.ConfirmPlan(ctx, f.Station, req); err != nil {
			t.Fatal(err)
		}
		pos := epidemic.ReportInput{NewConfirmed: epidemic.V(1), NewSuspected: epidemic.V(0), InHospital: epidemic.V(1)}
		if s, err := e.Put(ctx, f.Station, "451026", today.String(), pos, epidemic.SourceForm); err != nil || s.HeldSeats != 1 {
			t.Fatalf("positive: %+v %v", s, err)
		}
		if err := e.Settle(ctx); err != nil {
			t.Fatal(err)
		}
		if holds, _ := c.Holds(ctx, f.Station); len(holds) != 1 {
			t.Fatalf("settle released a hold while high: %+v", holds)
		}
		f.Clock.Advance(16 * 24 * time.Hour)
		if r, _ := e.RiskOf(ctx, "451026"); r.Level.High() {
			t.Fatalf("still high 16 days on: %+v", r)
		}
		if holds, _ := c.Holds(ctx, f.Station); len(holds) != 1 {
			t.Fatalf("holds before settling %+v", holds)
		}
		if err := e.Settle(ctx); err != nil {
			t.Fatal(err)
		}
		if holds, _ := c.Holds(ctx, f.Station); len(holds) != 0 {
			t.Fatalf("holds after settling %+v", holds)
		}
	})
}
