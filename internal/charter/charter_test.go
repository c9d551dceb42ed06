package charter_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"easyjob/internal/charter"
	"easyjob/internal/easyjob"
	"easyjob/internal/epidemic"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
)

// hire makes a seeker of 那坡县 with an accepted offer on p starting the
// day after tomorrow (so leaving tomorrow: 那坡 is far from 深圳); health
// is reported green now unless health is "".
func hire(t *testing.T, f *storetest.Fixture, p easyjob.Posting, health string) (easyjob.Seeker, easyjob.Application) {
	t.Helper()
	return hireStarting(t, f, p, health, easyjob.DateOf(f.Clock.Now()).AddDays(2))
}

// hireStarting is hire with the offer's start date.
func hireStarting(t *testing.T, f *storetest.Fixture, p easyjob.Posting, health string, start easyjob.Date) (easyjob.Seeker, easyjob.Application) {
	t.Helper()
	ctx := context.Background()
	k, me := f.Seeker(t)
	app, err := f.S.Apply(ctx, me, k.ID, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.S.Transition(ctx, f.Boss, app.ID, store.Move{To: easyjob.StateOffered, StartDate: start, Pay: 5200}); err != nil {
		t.Fatal(err)
	}
	if app, err = f.S.Transition(ctx, me, app.ID, store.Move{To: easyjob.StateAccepted}); err != nil {
		t.Fatal(err)
	}
	if health != "" {
		if err := f.S.SetHealth(ctx, f.Station, k.ID, health); err != nil {
			t.Fatal(err)
		}
	}
	return k, app
}

// newService is the charter system on a fixture's store.
func newService(f *storetest.Fixture) *charter.Service {
	return &charter.Service{S: f.S, Risk: &epidemic.Service{S: f.S}}
}

func code(err error) string { return easyjob.ErrorCode(err) }

func fieldsOf(err error) map[string]easyjob.Msg {
	var e *easyjob.Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

func countRows(t *testing.T, s *store.Store, table string) int {
	t.Helper()
	var n int
	if err := s.DB.R.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func mustPickup(t *testing.T, f *storetest.Fixture) charter.PickupPoint {
	t.Helper()
	pk, err := newService(f).AddPickupPoint(context.Background(), f.Station, charter.CountySeatPoint("451026"))
	if err != nil {
		t.Fatal(err)
	}
	if !pk.HasPoint() || pk.County != "451026" {
		t.Fatalf("pickup %+v", pk)
	}
	return pk
}

func TestCharterJourney(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		s := f.S
		c := newService(f)
		p := f.Published(t, 10)
		stale, _ := hireStarting(t, f, p, easyjob.HealthGreen, easyjob.DateOf(f.Clock.Now()).AddDays(4))
		f.Clock.Advance(48 * time.Hour)
		var riders []easyjob.Seeker
		for range 3 {
			r, _ := hire(t, f, p, easyjob.HealthGreen)
			riders = append(riders, r)
		}
		yellow, _ := hire(t, f, p, easyjob.HealthYellow)
		unknown, _ := hire(t, f, p, "")
		pk := mustPickup(t, f)
		day := easyjob.DateOf(f.Clock.Now()).AddDays(1) // departure at 08:00 tomorrow
		req := charter.PlanRequest{Date: day, PickupPointID: pk.ID, Seats: 45}

		v, err := c.PreviewPlan(ctx, f.Station, req)
		if err != nil {
			t.Fatal(err)
		}
		want := map[int64]string{stale.ID: "gate.health_stale", yellow.ID: "gate.health_not_green", unknown.ID: "gate.health_missing"}
		if len(v.GateFailures) != 3 {
			t.Fatalf("gate failures %+v", v.GateFailures)
		}
		for _, g := range v.GateFailures {
			if want[g.SeekerID] != g.Reason {
				t.Fatalf("seeker %d failed with %q, want %q", g.SeekerID, g.Reason, want[g.SeekerID])
			}
		}
		if len(v.Charters) != 1 || v.Riders != 3 || v.Allowed != 22 || v.Charters[0].Km < 500 {
			t.Fatalf("preview: %d charters, %d riders, allowed %d, %+v", len(v.Charters), v.Riders, v.Allowed, v.Charters)
		}
		if countRows(t, s, "plans") != 0 {
			t.Fatal("a preview wrote a plan")
		}

		// A high-risk county: nobody rides, everyone is listed, nothing written.
		if _, err := c.Risk.SetCountyRisk(ctx, f.Station, "451026", epidemic.High); err != nil {
			t.Fatal(err)
		}
		v, err = c.ConfirmPlan(ctx, f.Station, req)
		if code(err) != easyjob.EINVALID || len(v.GateFailures) != 6 || v.GateFailures[0].Reason != "gate.county_high_risk" {
			t.Fatalf("high risk: %v %+v", err, v.GateFailures)
		}
		if countRows(t, s, "plans")+countRows(t, s, "charters")+countRows(t, s, "charter_seats") != 0 {
			t.Fatal("a failing plan wrote rows")
		}
		if _, err := c.Risk.SetCountyRisk(ctx, f.Station, "451026", epidemic.Low); err != nil {
			t.Fatal(err)
		}

		v, err = c.ConfirmPlan(ctx, f.Station, req)
		if err != nil {
			t.Fatal(err)
		}
		if v.ID == 0 || len(v.Charters) != 1 || v.Charters[0].ID == 0 {
			t.Fatalf("confirmed %+v", v)
		}
		// The plan keeps its health window for replanning and late additions.
		if kept, err := c.Plan(ctx, f.Station, v.ID); err != nil || kept.Request.HealthHours != charter.DefaultHealthHours {
			t.Fatalf("health window kept as %d, confirmed with the default %d: %v", kept.Request.HealthHours, charter.DefaultHealthHours, err)
		}
		cid := v.Charters[0].ID
		msgs, _ := s.Outbox(ctx, riders[0].Phone, 1)
		if len(msgs) != 1 || !strings.Contains(msgs[0].Body, "座位") || !strings.Contains(msgs[0].Body, pk.Name) {
			t.Fatalf("notification %+v", msgs)
		}
		// Planning again finds nobody new: the riders have seats.
		if _, err := c.PreviewPlan(ctx, f.Station, req); code(err) != easyjob.EINVALID {
			t.Fatalf("second plan: %v", err)
		}

		// The manifest: names, masked ID numbers, phones; districts see it
		// (the charter delivers to 龙岗), the employer does not.
		m, err := c.Manifest(ctx, f.Longgang, cid)
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Riders) != 3 || !strings.Contains(m.Riders[0].IDNumber, "*") || m.Riders[0].Phone == "" || m.Stops[0].EmployerID != f.Employer.ID {
			t.Fatalf("manifest %+v", m)
		}
		if _, err := c.Manifest(ctx, f.Boss, cid); code(err) != easyjob.ENOTFOUND {
			t.Fatalf("employer reads manifest: %v", err)
		}

		// Boarding by the last six ID digits and by the pass token.
		first, _ := s.Seeker(ctx, f.Station, riders[0].ID, "full")
		row, err := c.CheckIn(ctx, f.Station, cid, first.IDNumber[12:])
		if err != nil || row.SeekerID != riders[0].ID || row.Status != charter.SeatBoarded {
			t.Fatalf("check in: %+v %v", row, err)
		}
		if _, err := c.CheckIn(ctx, f.Station, cid, first.IDNumber[12:]); code(err) != easyjob.ECONFLICT {
			t.Fatalf("boarding twice: %v", err)
		}
		seats, err := c.MySeats(ctx, easyjob.Actor{Role: easyjob.RoleSeeker, SeekerID: riders[1].ID})
		if err != nil || len(seats) != 1 {
			t.Fatalf("my seats %v %v", seats, err)
		}
		var pass charter.Pass
		for _, ps := range seats {
			pass = ps
		}
		if _, err := c.CheckIn(ctx, f.Station, cid, "https://example.test/seeker/pass/"+pass.Token); err != nil {
			t.Fatal(err)
		}
		// The third does not come.
		m, _ = c.Manifest(ctx, f.Station, cid)
		var third charter.ManifestRow
		for _, r := range m.Riders {
			if r.SeekerID == riders[2].ID {
				third = r
			}
		}
		if err := c.MarkNoShow(ctx, f.Station, third.SeatID); err != nil {
			t.Fatal(err)
		}

		// The clock is far from the planned time: departing needs a
		// confirmation, and asking without one changes nothing.
		planned := m.DepartAt
		if off := charter.OffSchedule(planned, f.Clock.Now()); off == 0 {
			f.Clock.Advance(planned.Sub(f.Clock.Now()) - 3*time.Hour)
		}
		if _, err := c.Depart(ctx, f.Station, cid, false); !charter.DepartOutOfWindow(err) {
			t.Fatalf("depart out of window without confirmation: %v", err)
		}
		if cv, _ := c.Manifest(ctx, f.Station, cid); cv.Status.Boardable() != true {
			t.Fatalf("departed without confirmation: %s", cv.Status)
		}
		res, err := c.Depart(ctx, f.Station, cid, true)
		if err != nil || res.Departed != 2 {
			t.Fatalf("depart %+v %v", res, err)
		}
		arrPage, err := c.Arrivals(ctx, f.Boss, store.ListOptions{})
		arr := arrPage.Items
		if err != nil || len(arr) != 2 || arr[0].CharterNumber != 1 || arr[0].SeatNo == 0 {
			t.Fatalf("arrivals %+v %v", arr, err)
		}
		for _, x := range arr {
			app, err := c.ConfirmArrival(ctx, f.Boss, x.ApplicationID)
			if err != nil || app.State != easyjob.StateArrived {
				t.Fatalf("arrival %+v %v", app, err)
			}
		}
		csPage, _ := c.Charters(ctx, f.Station, charter.CharterFilter{Date: day})
		cs := csPage.Items
		if len(cs) != 1 || cs[0].Status != charter.Arrived {
			t.Fatalf("charters %+v", cs)
		}
		evs, _ := s.Events(ctx, f.Boss, arr[0].ApplicationID)
		if last := evs[len(evs)-1]; last.To != easyjob.StateArrived || evs[len(evs)-2].To != easyjob.StateDeparted {
			t.Fatalf("events %+v", evs)
		}
	})
}

func TestPlanBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		s := f.S
		c := newService(f)
		p := f.Published(t, 5)
		hire(t, f, p, easyjob.HealthGreen)
		pk := mustPickup(t, f)
		// A point without a location is refused; one left from before
		// (no coordinates) cannot be planned from.
		if _, err := c.AddPickupPoint(ctx, f.Station, charter.PickupPointInput{County: "451026", Name: "村口"}); fieldsOf(err)["lat"].Key != "pickup.point_required" {
			t.Fatalf("pickup without a location: %v", err)
		}
		var bare charter.PickupPoint
		if err := s.DB.W.QueryRowContext(ctx, `INSERT INTO pickup_points (county, name, address, created_by, created_at)
			VALUES ('451026', '村口', '', 0, 0) RETURNING id`).Scan(&bare.ID); err != nil {
			t.Fatal(err)
		}
		retired, err := c.AddPickupPoint(ctx, f.Station, charter.PickupPointInput{County: "451026", Name: "老车站", Known: "451026"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.RetirePickupPoint(ctx, f.Station, retired.ID, true); err != nil {
			t.Fatal(err)
		}
		day := easyjob.DateOf(f.Clock.Now()).AddDays(1)
		tests := []struct {
			name  string
			req   charter.PlanRequest
			field string
			key   string
		}{
			{"pickup without coordinates", charter.PlanRequest{Date: day, PickupPointID: bare.ID, Seats: 45}, "pickup_point_id", "plan.pickup_no_point"},
			{"retired pickup", charter.PlanRequest{Date: day, PickupPointID: retired.ID, Seats: 45}, "pickup_point_id", "plan.pickup_retired"},
			{"no seats", charter.PlanRequest{Date: day, PickupPointID: pk.ID, Seats: 0}, "seats", "plan.seats_positive"},
			{"load factor", charter.PlanRequest{Date: day, PickupPointID: pk.ID, Seats: 45, LoadFactor: 1.5}, "load_factor", "plan.load_factor"},
			{"unknown pickup", charter.PlanRequest{Date: day, PickupPointID: 999, Seats: 45}, "pickup_point_id", "plan.pickup_unknown"},
			{"past", charter.PlanRequest{Date: day.AddDays(-5), PickupPointID: pk.ID, Seats: 45}, "date", "field.date_past"},
		}
		for _, tc := range tests {
			_, err := c.ConfirmPlan(ctx, f.Station, tc.req)
			if fs := fieldsOf(err); fs[tc.field].Key != tc.key {
				t.Errorf("%s: %v", tc.name, err)
			}
		}
		// No riders: another county's officer has a pickup with nobody hired.
		other, err := c.AddPickupPoint(ctx, f.Admin, charter.CountySeatPoint("451024"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.ConfirmPlan(ctx, f.Admin, charter.PlanRequest{Date: day, PickupPointID: other.ID, Seats: 45})
		var de *easyjob.Error
		if code(err) != easyjob.EINVALID || !asErr(err, &de) || de.Msg.Key != "plan.no_riders" {
			t.Fatalf("no riders: %v", err)
		}
		// Another county's station may not plan from this pickup point.
		if _, err := c.PreviewPlan(ctx, f.Longgang, charter.PlanRequest{Date: day, PickupPointID: pk.ID, Seats: 45}); err != nil {
			t.Fatalf("twinned district plans: %v", err)
		}
		if countRows(t, s, "plans")+countRows(t, s, "charters")+countRows(t, s, "charter_seats") != 0 {
			t.Fatal("failing plans wrote rows")
		}
	})
}

// Seat capacity holds under concurrent additions and reassignments.
func TestSeatCapacityRace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		s := f.S
		c := newService(f)
		p := f.Published(t, 40)
		pk := mustPickup(t, f)
		day := easyjob.DateOf(f.Clock.Now()).AddDays(1)
		// Two plans of two riders each on 6-seat buses at 0.5: allowed 3.
		var cids []int64
		for range 2 {
			hire(t, f, p, easyjob.HealthGreen)
			hire(t, f, p, easyjob.HealthGreen)
			v, err := c.ConfirmPlan(ctx, f.Station, charter.PlanRequest{Date: day, PickupPointID: pk.ID, Seats: 6})
			if err != nil || len(v.Charters) != 1 || v.Charters[0].Allowed != 3 {
				t.Fatalf("plan %+v %v", v, err)
			}
			cids = append(cids, v.Charters[0].ID)
		}
		target, source := cids[0], cids[1]
		var apps []int64
		for range 12 {
			_, a := hire(t, f, p, easyjob.HealthGreen)
			apps = append(apps, a.ID)
		}
		src, _ := c.Manifest(ctx, f.Station, source)
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok := 0
		for _, id := range apps {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := c.AddToCharter(ctx, f.Station, target, id)
				if err == nil {
					mu.Lock()
					ok++
					mu.Unlock()
				} else if code(err) != easyjob.ECONFLICT {
					t.Error(err)
				}
			}()
		}
		for _, r := range src.Riders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := c.ReassignSeat(ctx, f.Station, r.SeatID, target)
				if err == nil {
					mu.Lock()
					ok++
					mu.Unlock()
				} else if code(err) != easyjob.ECONFLICT {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if ok != 1 {
			t.Fatalf("%d seats taken on a charter with one place left", ok)
		}
		for _, cid := range cids {
			var taken, allowed, active, numbers int
			s.DB.R.QueryRow(`SELECT taken, allowed FROM charters WHERE id = $1`, cid).Scan(&taken, &allowed)
			s.DB.R.QueryRow(`SELECT COUNT(*), COUNT(DISTINCT seat_no) FROM charter_seats WHERE charter_id = $1 AND status IN ('assigned', 'boarded')`, cid).Scan(&active, &numbers)
			if taken != active || active > allowed || numbers != active {
				t.Fatalf("charter %d: taken %d, active %d, seat numbers %d, allowed %d", cid, taken, active, numbers, allowed)
			}
		}
	})
}

func asErr(err error, target **easyjob.Error) bool { return errors.As(err, target) }

// Replanning after a cancellation keeps notified riders on their seats,
// seats a late hire, and says who moved.
func TestReplan(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		s := f.S
		c := newService(f)
		p := f.Published(t, 20)
		var apps []easyjob.Application
		var mes []easyjob.Actor
		for range 4 {
			kk, app := hire(t, f, p, easyjob.HealthGreen)
			apps = append(apps, app)
			mes = append(mes, easyjob.Actor{Role: easyjob.RoleSeeker, SeekerID: kk.ID, UserID: -kk.ID})
		}
		pk := mustPickup(t, f)
		day := easyjob.DateOf(f.Clock.Now()).AddDays(1)
		v, err := c.ConfirmPlan(ctx, f.Station, charter.PlanRequest{Date: day, PickupPointID: pk.ID, Seats: 10})
		if err != nil || len(v.Charters) != 1 {
			t.Fatalf("plan %+v %v", v, err)
		}
		before, _ := c.MySeats(ctx, mes[1])
		// One withdraws, one is hired late.
		if _, err := s.Transition(ctx, mes[0], apps[0].ID, store.Move{To: easyjob.StateWithdrawn}); err != nil {
			t.Fatal(err)
		}
		_, late := hire(t, f, p, easyjob.HealthGreen)
		pv, err := c.Replan(ctx, f.Station, v.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(pv.Moves) != 0 || len(pv.Charters) != 1 || pv.Riders != 4 {
			t.Fatalf("replan preview %+v", pv)
		}
		if _, err := c.Replan(ctx, f.Station, v.ID, true); err != nil {
			t.Fatal(err)
		}
		after, _ := c.MySeats(ctx, mes[1])
		if before[apps[1].ID].SeatNo != after[apps[1].ID].SeatNo || before[apps[1].ID].CharterID != after[apps[1].ID].CharterID {
			t.Fatalf("a notified rider moved: %+v → %+v", before, after)
		}
		m, _ := c.Manifest(ctx, f.Station, v.Charters[0].ID)
		seen := map[int64]bool{}
		for _, r := range m.Riders {
			if r.Status == charter.SeatAssigned {
				seen[r.ApplicationID] = true
			}
		}
		if seen[apps[0].ID] || !seen[late.ID] || len(seen) != 4 {
			t.Fatalf("after replan %v", seen)
		}
		var taken int
		s.DB.R.QueryRow(`SELECT taken FROM charters WHERE id = $1`, v.Charters[0].ID).Scan(&taken)
		if taken != 4 {
			t.Fatalf("taken %d", taken)
		}
	})
}

// TestOppositeSeatMoves races many opposite moves (riders of A to B and of
// B to A at once, round after round) on both databases: PostgreSQL used to
// end one swap in 10–15 with "deadlock detected" (a 500). Every move must
// succeed or lose with a conflict, and no charter may carry more riders
// than it allows or count them wrong.
func TestOppositeSeatMoves(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		s := f.S
		c := newService(f)
		p := f.Published(t, 40)
		pk := mustPickup(t, f)
		day := easyjob.DateOf(f.Clock.Now()).AddDays(1)
		// Two charters of five riders each, 8 allowed on each.
		var cids []int64
		for range 2 {
			for range 5 {
				hire(t, f, p, easyjob.HealthGreen)
			}
			v, err := c.ConfirmPlan(ctx, f.Station, charter.PlanRequest{Date: day, PickupPointID: pk.ID, Seats: 8, LoadFactor: 1})
			if err != nil || len(v.Charters) != 1 || v.Charters[0].Allowed != 8 {
				t.Fatalf("plan %+v %v", v, err)
			}
			cids = append(cids, v.Charters[0].ID)
		}
		moved, conflicts := 0, 0
		for round := range 6 {
			var wg sync.WaitGroup
			var mu sync.Mutex
			for i, cid := range cids {
				m, err := c.Manifest(ctx, f.Station, cid)
				if err != nil {
					t.Fatal(err)
				}
				to := cids[1-i]
				for _, r := range m.Riders {
					if !r.Status.Assigned() {
						continue
					}
					wg.Add(1)
					go func() {
						defer wg.Done()
						_, err := c.ReassignSeat(ctx, f.Station, r.SeatID, to)
						mu.Lock()
						defer mu.Unlock()
						switch code(err) {
						case "":
							moved++
						case easyjob.ECONFLICT:
							conflicts++
						default:
							t.Errorf("round %d: move %d → %d: %v", round, cid, to, err)
						}
					}()
				}
			}
			wg.Wait()
			if t.Failed() {
				t.FailNow()
			}
		}
		t.Logf("%d moves, %d conflicts", moved, conflicts)
		if moved == 0 {
			t.Fatal("no move succeeded")
		}
		total := 0
		for _, cid := range cids {
			var taken, allowed, active, numbers, riders int
			s.DB.R.QueryRow(`SELECT taken, allowed FROM charters WHERE id = $1`, cid).Scan(&taken, &allowed)
			s.DB.R.QueryRow(`SELECT COUNT(*), COUNT(DISTINCT seat_no), COUNT(DISTINCT application_id) FROM charter_seats
				WHERE charter_id = $1 AND status IN ('assigned', 'boarded')`, cid).Scan(&active, &numbers, &riders)
			if taken != active || active > allowed || numbers != active || riders != active {
				t.Fatalf("charter %d: taken %d, active %d, seat numbers %d, riders %d, allowed %d", cid, taken, active, numbers, riders, allowed)
			}
			total += active
		}
		if total != 10 {
			t.Fatalf("%d riders seated, want 10", total)
		}
	})
}

// TestOffSchedule: within two hours either side of the planned time a
// departure needs no confirmation.
func TestOffSchedule(t *testing.T) {
	planned := time.Date(2020, 3, 3, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		d    time.Duration
		want int
	}{{-24 * time.Hour, -1}, {-2*time.Hour - time.Minute, -1}, {-2 * time.Hour, 0}, {0, 0}, {2 * time.Hour, 0}, {2*time.Hour + time.Second, 1}} {
		if got := charter.OffSchedule(planned, planned.Add(c.d)); got != c.want {
			t.Errorf("%v: %d, want %d", c.d, got, c.want)
		}
	}
}

// TestPickupEditRetire: a pickup point takes its location from the
// county's known points, coordinates or the county seat; it can be edited
// (not moved to another county) and retired, and comes back when offered
// again; another county's officer cannot touch it.
func TestPickupEditRetire(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		c := newService(f)
		kp := charter.KnownPoints("451026")
		if len(kp) == 0 || kp[0].Code != "451026" {
			t.Fatalf("known points %+v", kp)
		}
		pk, err := c.AddPickupPoint(ctx, f.Station, charter.PickupPointInput{Name: "县城", Known: "451026"})
		if err != nil || !pk.HasPoint() || *pk.Lat != kp[0].Lat || pk.County != "451026" {
			t.Fatalf("add %+v %v", pk, err)
		}
		if _, err := c.AddPickupPoint(ctx, f.Station, charter.PickupPointInput{Name: "x", Known: "440307003"}); fieldsOf(err)["known"].Key != "pickup.known_unknown" {
			t.Fatalf("another county's known point: %v", err)
		}
		lat, lng := 23.4, 105.9
		up, err := c.UpdatePickupPoint(ctx, f.Station, pk.ID, charter.PickupPointInput{County: "440307", Name: "城厢镇车站", Address: "车站路 1 号", Lat: &lat, Lng: &lng})
		if err != nil || up.Name != "城厢镇车站" || *up.Lat != lat || up.County != "451026" {
			t.Fatalf("update %+v %v", up, err)
		}
		if _, err := c.UpdatePickupPoint(ctx, f.Station, pk.ID, charter.PickupPointInput{Name: "无坐标"}); fieldsOf(err)["lat"].Key != "pickup.point_required" {
			t.Fatalf("update without location: %v", err)
		}
		hepu, err := f.S.CreateUser(ctx, f.Admin, store.NewUser{Username: "hepu", Password: "hepu-password", Name: "合浦", Role: easyjob.RoleOfficer, Region: "450521"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.RetirePickupPoint(ctx, store.ActorOf(hepu, "zh-CN"), pk.ID, true); code(err) != easyjob.ENOTFOUND {
			t.Fatalf("other county retires: %v", err)
		}
		r, err := c.RetirePickupPoint(ctx, f.Station, pk.ID, true)
		if err != nil || !r.Retired {
			t.Fatalf("retire %+v %v", r, err)
		}
		ptsPage, _ := c.PickupPoints(ctx, f.Station, store.ListOptions{})
		pts := ptsPage.Items
		if len(pts) != 1 || !pts[0].Retired {
			t.Fatalf("list %+v", pts)
		}
		if r, err = c.RetirePickupPoint(ctx, f.Station, pk.ID, false); err != nil || r.Retired {
			t.Fatalf("offer again %+v %v", r, err)
		}
	})
}
