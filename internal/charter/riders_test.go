package charter_test

import (
	"context"
	"math"
	"sync"
	"testing"
	"time"

	"easyjob/internal/charter"
	"easyjob/internal/easyjob"
	"easyjob/internal/store/storetest"
)

func TestDepartureDay(t *testing.T) {
	start := easyjob.NewDate(2026, 3, 10)
	for _, tc := range []struct {
		name string
		km   float64
		want easyjob.Date
	}{
		{"next door", 0, start},
		{"four hours: leave at five, at work by nine", 240, start},
		{"just over four hours", 241, start.AddDays(-1)},
		{"那坡 to 深圳, about 1,100 km", 1100, start.AddDays(-1)},
		{"28 hours: still the day before", 28 * 60, start.AddDays(-1)},
		{"over 28 hours: two days before", 28*60 + 1, start.AddDays(-2)},
		{"unknown distance counts as far", -1, start.AddDays(-1)},
		{"NaN counts as far", math.NaN(), start.AddDays(-1)},
	} {
		if got := charter.DepartureDay(start, tc.km); got != tc.want {
			t.Errorf("%s: DepartureDay(%s, %v) = %s, want %s", tc.name, start, tc.km, got, tc.want)
		}
	}
}

func seekerActor(k easyjob.Seeker) easyjob.Actor {
	return easyjob.Actor{Role: easyjob.RoleSeeker, SeekerID: k.ID}
}

// A plan for a date takes the riders leaving that day, lists those for
// whom it is too late, and leaves later days' riders for their own day;
// the waiting list counts riders per day.
func TestPlanByDepartureDay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, kind storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, kind)
		c := newService(f)
		p := f.Published(t, 20)
		past, _ := hireStarting(t, f, p, easyjob.HealthGreen, easyjob.DateOf(f.Clock.Now()).AddDays(1))
		f.Clock.Advance(72 * time.Hour) // past's start date is gone
		today := easyjob.DateOf(f.Clock.Now())
		tomorrow1, _ := hireStarting(t, f, p, easyjob.HealthGreen, today.AddDays(2))
		tomorrow2, _ := hireStarting(t, f, p, easyjob.HealthGreen, today.AddDays(2))
		later, _ := hireStarting(t, f, p, easyjob.HealthGreen, today.AddDays(5))
		late, _ := hireStarting(t, f, p, easyjob.HealthGreen, today.AddDays(1)) // leaves today
		pk := mustPickup(t, f)

		w, err := c.Waiting(ctx, f.Station, "451026")
		if err != nil {
			t.Fatal(err)
		}
		wantDays := []charter.RiderDay{{Day: today, Riders: 1}, {Day: today.AddDays(1), Riders: 2}, {Day: today.AddDays(4), Riders: 1}}
		if len(w.Days) != 3 || w.Next != today || len(w.Overdue) != 1 || w.Overdue[0].SeekerID != past.ID {
			t.Fatalf("waiting %+v", w)
		}
		for i, d := range wantDays {
			if w.Days[i] != d {
				t.Fatalf("day %d: %+v, want %+v", i, w.Days[i], d)
			}
		}
		if _, err := c.Waiting(ctx, f.Boss, "451026"); code(err) != easyjob.EFORBIDDEN {
			t.Fatalf("an employer sees waiting riders: %v", err)
		}

		v, err := c.ConfirmPlan(ctx, f.Station, charter.PlanRequest{Date: today.AddDays(1), PickupPointID: pk.ID, Seats: 45})
		if err != nil {
			t.Fatal(err)
		}
		seated := map[int64]bool{}
		for _, r := range v.Charters[0].Riders {
			seated[r.SeekerID] = true
		}
		if v.Riders != 2 || !seated[tomorrow1.ID] || !seated[tomorrow2.ID] || seated[later.ID] {
			t.Fatalf("plan seated %v", seated)
		}
		lateIDs := map[int64]bool{}
		for _, r := range v.Late {
			lateIDs[r.SeekerID] = true
		}
		if len(v.Late) != 2 || !lateIDs[late.ID] || !lateIDs[past.ID] {
			t.Fatalf("late %+v", v.Late)
		}
		// The later rider waits for their own day; the plan is taken.
		w, _ = c.Waiting(ctx, f.Station, "451026")
		if len(w.Riders) != 2 || w.Next != today {
			t.Fatalf("after the plan %+v", w)
		}
		// Its health report will be stale by then: it fails the gate, by name.
		v, _ = c.PreviewPlan(ctx, f.Station, charter.PlanRequest{Date: today.AddDays(4), PickupPointID: pk.ID, Seats: 45})
		if len(v.GateFailures) != 1 || v.GateFailures[0].SeekerID != later.ID {
			t.Fatalf("the later day %+v %v", v, err)
		}
	})
}

// A hire who travels on their own is no candidate; saying it gives up an
// assigned seat; undoing waits until no seat is held; a boarded rider
// cannot say it.
func TestOwnTravel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, kind storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, kind)
		c := newService(f)
		p := f.Published(t, 20)
		k1, a1 := hire(t, f, p, easyjob.HealthGreen)
		k2, a2 := hire(t, f, p, easyjob.HealthGreen)
		k3s, a3 := hire(t, f, p, easyjob.HealthGreen)
		pk := mustPickup(t, f)
		day := easyjob.DateOf(f.Clock.Now()).AddDays(1)
		req := charter.PlanRequest{Date: day, PickupPointID: pk.ID, Seats: 45}

		tr, err := c.SetOwnTravel(ctx, seekerActor(k1), a1.ID, true)
		if err != nil || !tr.OwnTravel || tr.Seated {
			t.Fatalf("own travel %+v %v", tr, err)
		}
		if _, err := c.SetOwnTravel(ctx, seekerActor(k2), a1.ID, true); code(err) != easyjob.ENOTFOUND {
			t.Fatalf("another seeker spoke for a hire: %v", err)
		}
		if _, err := c.SetOwnTravel(ctx, f.Longgang, a1.ID, true); err != nil {
			t.Fatalf("an officer of the twinned district: %v", err)
		}
		w, _ := c.Waiting(ctx, f.Station, "451026")
		if len(w.OwnTravel) != 1 || w.OwnTravel[0].ApplicationID != a1.ID || len(w.Riders) != 2 {
			t.Fatalf("waiting %+v", w)
		}
		v, err := c.ConfirmPlan(ctx, f.Station, req)
		if err != nil || v.Riders != 2 {
			t.Fatalf("plan %+v %v", v, err)
		}
		for _, r := range v.Charters[0].Riders {
			if r.ApplicationID == a1.ID {
				t.Fatal("a hire travelling on their own is on the bus")
			}
		}
		// k2 has a seat: saying "on my own" gives it up, in one go.
		tr, err = c.SetOwnTravel(ctx, seekerActor(k2), a2.ID, true)
		if err != nil || !tr.OwnTravel || tr.Seated {
			t.Fatalf("own travel when seated %+v %v", tr, err)
		}
		m, _ := c.Manifest(ctx, f.Station, v.Charters[0].ID)
		if m.Taken != 1 {
			t.Fatalf("taken %d after a seat was given up", m.Taken)
		}
		// Undo, then a seat again by a late addition; undo is refused while seated.
		if tr, err = c.SetOwnTravel(ctx, seekerActor(k2), a2.ID, false); err != nil || tr.OwnTravel {
			t.Fatalf("undo %+v %v", tr, err)
		}
		if _, err := c.AddToCharter(ctx, f.Station, v.Charters[0].ID, a1.ID); code(err) != easyjob.ECONFLICT {
			t.Fatalf("seated a hire travelling on their own: %v", err)
		}
		if _, err := c.AddToCharter(ctx, f.Station, v.Charters[0].ID, a2.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := c.SetOwnTravel(ctx, seekerActor(k2), a2.ID, false); err != nil {
			t.Fatalf("undo with nothing to undo: %v", err)
		}
		full, _ := f.S.Seeker(ctx, f.Station, k3s.ID, "full")
		if _, err := c.CheckIn(ctx, f.Station, v.Charters[0].ID, full.IDNumber[12:]); err != nil {
			t.Fatal(err)
		}
		if _, err := c.SetOwnTravel(ctx, seekerActor(k3s), a3.ID, true); code(err) != easyjob.ECONFLICT {
			t.Fatalf("a boarded rider travels on their own: %v", err)
		}
	})
}

// The seeker's "on my own" and an officer's plan confirmation at the same
// time never leave a hire both seated and travelling on their own.
func TestOwnTravelRace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, kind storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, kind)
		c := newService(f)
		p := f.Published(t, 40)
		pk := mustPickup(t, f)
		day := easyjob.DateOf(f.Clock.Now()).AddDays(1)
		// The seekers speak at staggered moments: before the plan reads its
		// riders, while it plans, while it writes, after.
		for round := range 10 {
			var ks []easyjob.Seeker
			var apps []easyjob.Application
			for range 3 {
				k, a := hire(t, f, p, easyjob.HealthGreen)
				ks, apps = append(ks, k), append(apps, a)
			}
			var wg sync.WaitGroup
			wg.Add(1 + len(apps))
			go func() {
				defer wg.Done()
				if _, err := c.ConfirmPlan(ctx, f.Station, charter.PlanRequest{Date: day, PickupPointID: pk.ID, Seats: 45}); err != nil &&
					code(err) != easyjob.ECONFLICT && code(err) != easyjob.EINVALID {
					t.Error(err)
				}
			}()
			for i := range apps {
				go func() {
					defer wg.Done()
					time.Sleep(time.Duration(round*(i+1)) * time.Millisecond)
					if _, err := c.SetOwnTravel(ctx, seekerActor(ks[i]), apps[i].ID, true); err != nil && code(err) != easyjob.ECONFLICT {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			var both int
			f.S.DB.R.QueryRow(`SELECT COUNT(*) FROM charter_travel t JOIN charter_seats cs ON cs.application_id = t.application_id
				WHERE t.own_since > 0 AND cs.status IN ('assigned', 'boarded')`).Scan(&both)
			if both != 0 {
				t.Fatalf("round %d: %d hires both seated and travelling on their own", round, both)
			}
			var bad int
			f.S.DB.R.QueryRow(`SELECT COUNT(*) FROM charters c WHERE c.taken <> (SELECT COUNT(*) FROM charter_seats cs
				WHERE cs.charter_id = c.id AND cs.status IN ('assigned', 'boarded'))`).Scan(&bad)
			if bad != 0 {
				t.Fatalf("round %d: %d charters count their riders wrong", round, bad)
			}
		}
	})
}
