package planner_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"easyjob/internal/charter/planner"

	"pgregory.net/rapid"
)

var (
	napo    = planner.Point{Lat: 23.42, Lng: 105.83} // a pickup point in 那坡县
	sites   = []planner.Point{{Lat: 22.65, Lng: 114.02}, {Lat: 22.69, Lng: 114.35}, {Lat: 22.55, Lng: 113.88}, {Lat: 22.72, Lng: 114.25}}
	pickups = map[int64]planner.Point{1: napo, 2: {}}
)

// riders makes n riders from pickup 1 to site s (1-based), ids from id.
func riders(id int64, n int, s int64, group string) []planner.Rider {
	var out []planner.Rider
	for i := range n {
		out = append(out, planner.Rider{ID: id + int64(i), Seeker: id + int64(i), Group: group, Pickup: 1, Site: s, At: sites[s-1]})
	}
	return out
}

func concat(rs ...[]planner.Rider) []planner.Rider {
	var out []planner.Rider
	for _, r := range rs {
		out = append(out, r...)
	}
	return out
}

func mustPlan(tb testing.TB, in planner.PlanInput) planner.Plan {
	tb.Helper()
	p, err := planner.MakePlan(context.Background(), in)
	if err != nil {
		tb.Fatal(err)
	}
	checkPlan(tb, in, p)
	return p
}

// fataler is what checkPlan needs of testing.TB and rapid.T.
type fataler interface {
	Helper()
	Fatalf(format string, args ...any)
}

// checkPlan verifies the invariants every plan keeps.
func checkPlan(tb fataler, in planner.PlanInput, p planner.Plan) {
	tb.Helper()
	allowed := in.Bus.Allowed()
	byID := map[int64]planner.Rider{}
	for _, r := range in.Riders {
		byID[r.ID] = r
	}
	seen := map[int64]int{}
	groupOn := map[string]map[int]bool{}
	groupSize := map[string]int{}
	groupSites := map[string]map[int64]bool{}
	for _, r := range in.Riders {
		if r.Group != "" {
			k := fmt.Sprint(r.Pickup, "/", r.Group)
			groupSize[k]++
			if groupSites[k] == nil {
				groupSites[k] = map[int64]bool{}
			}
			groupSites[k][r.Site] = true
		}
	}
	for ci, c := range p.Charters {
		if c.Load() > allowed {
			tb.Fatalf("charter %d carries %d > %d", ci, c.Load(), allowed)
		}
		if c.Load() == 0 {
			tb.Fatalf("charter %d is empty", ci)
		}
		if in.MaxStops > 0 && len(c.Stops) > in.MaxStops {
			tb.Fatalf("charter %d has %d stops > %d", ci, len(c.Stops), in.MaxStops)
		}
		nos := map[int]bool{}
		stopUsed := make([]bool, len(c.Stops))
		for _, s := range c.Seats {
			seen[s.Rider]++
			if nos[s.No] || s.No < 1 || s.No > in.Bus.Seats {
				tb.Fatalf("charter %d: bad or repeated seat %d", ci, s.No)
			}
			nos[s.No] = true
			r, ok := byID[s.Rider]
			if !ok {
				tb.Fatalf("charter %d carries unknown rider %d", ci, s.Rider)
			}
			if r.Pickup != c.Pickup || c.Stops[s.Stop].Site != r.Site {
				tb.Fatalf("rider %d on the wrong pickup or stop", r.ID)
			}
			stopUsed[s.Stop] = true
			if r.Group != "" {
				k := fmt.Sprint(r.Pickup, "/", r.Group)
				if groupOn[k] == nil {
					groupOn[k] = map[int]bool{}
				}
				groupOn[k][ci] = true
			}
		}
		for i, u := range stopUsed {
			if !u {
				tb.Fatalf("charter %d stop %d has no riders", ci, i)
			}
		}
	}
	for _, u := range p.Unassigned {
		seen[u.Rider]++
		if u.Reason == "" {
			tb.Fatalf("rider %d unassigned without a reason", u.Rider)
		}
	}
	for _, r := range in.Riders {
		if seen[r.ID] != 1 {
			tb.Fatalf("rider %d appears %d times", r.ID, seen[r.ID])
		}
	}
	for k, on := range groupOn {
		// A group travels together unless it cannot: more riders than a
		// bus carries, or more sites than a bus stops at.
		if groupSize[k] <= allowed && (in.MaxStops == 0 || len(groupSites[k]) <= in.MaxStops) && len(on) > 1 {
			tb.Fatalf("group %s split over %d charters", k, len(on))
		}
	}
}

func TestPlanTable(t *testing.T) {
	bus := planner.Bus{Seats: 45, LoadFactor: 0.5} // 22 riders
	tests := []struct {
		name       string
		in         planner.PlanInput
		buses      int
		unassigned int
		err        error
	}{
		{"one site, one bus", planner.PlanInput{Riders: riders(1, 20, 1, "")}, 1, 0, nil},
		{"exactly full", planner.PlanInput{Riders: riders(1, 22, 1, "")}, 1, 0, nil},
		{"one over", planner.PlanInput{Riders: riders(1, 23, 1, "")}, 2, 0, nil},
		{"big site split", planner.PlanInput{Riders: riders(1, 100, 1, "")}, 5, 0, nil},
		{"four sites pooled", planner.PlanInput{Riders: concat(riders(1, 10, 1, ""), riders(100, 10, 2, ""), riders(200, 10, 3, ""), riders(300, 10, 4, ""))}, 2, 0, nil},
		{"stop limit", planner.PlanInput{MaxStops: 1, Riders: concat(riders(1, 5, 1, ""), riders(100, 5, 2, ""), riders(200, 5, 3, ""))}, 3, 0, nil},
		{"groups whole", planner.PlanInput{Riders: concat(riders(1, 12, 1, "a"), riders(100, 12, 1, "b"))}, 2, 0, nil},
		{"group larger than a bus", planner.PlanInput{Riders: riders(1, 30, 1, "big")}, 2, 0, nil},
		{"group to two sites", planner.PlanInput{MaxStops: 2, Riders: concat(riders(1, 5, 1, "v"), riders(100, 5, 3, "v"), riders(200, 10, 2, ""), riders(300, 10, 4, ""))}, 2, 0, nil},
		{"group to more sites than stops", planner.PlanInput{MaxStops: 1, Riders: concat(riders(1, 3, 1, "v"), riders(100, 3, 2, "v"))}, 2, 0, nil},
		{"pickup without a point", planner.PlanInput{Riders: append(riders(1, 3, 1, ""), planner.Rider{ID: 50, Pickup: 2, Site: 1, At: sites[0]})}, 1, 1, nil},
		{"unknown pickup", planner.PlanInput{Riders: append(riders(1, 3, 1, ""), planner.Rider{ID: 50, Pickup: 9, Site: 1, At: sites[0]})}, 1, 1, nil},
		{"site without a point", planner.PlanInput{Riders: append(riders(1, 3, 1, ""), planner.Rider{ID: 50, Pickup: 1, Site: 7})}, 1, 1, nil},
		{"no riders", planner.PlanInput{}, 0, 0, planner.ErrNoRiders},
		{"no seats", planner.PlanInput{Bus: planner.Bus{Seats: 0, LoadFactor: 0.5}, Riders: riders(1, 3, 1, "")}, 0, 0, planner.ErrNoSeats},
		{"factor rounds to zero", planner.PlanInput{Bus: planner.Bus{Seats: 1, LoadFactor: 0.5}, Riders: riders(1, 3, 1, "")}, 0, 0, planner.ErrNoSeats},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.Pickups = pickups
			if in.Bus == (planner.Bus{}) {
				in.Bus = bus
			}
			in.Seed = 1
			p, err := planner.MakePlan(context.Background(), in)
			if !errors.Is(err, tc.err) {
				t.Fatalf("err %v, want %v", err, tc.err)
			}
			if err != nil {
				return
			}
			checkPlan(t, in, p)
			if len(p.Charters) != tc.buses || len(p.Unassigned) != tc.unassigned {
				t.Fatalf("%d buses %d unassigned, want %d and %d", len(p.Charters), len(p.Unassigned), tc.buses, tc.unassigned)
			}
		})
	}
}

func TestSeatNumbersSpread(t *testing.T) {
	got := planner.Bus{Seats: 10, LoadFactor: 0.5}.SeatNumbers()
	if want := []int{1, 3, 5, 7, 9}; !reflect.DeepEqual(got, want) {
		t.Fatalf("seats %v, want %v", got, want)
	}
	if n := (planner.Bus{Seats: 45, LoadFactor: 0.5}).Allowed(); n != 22 {
		t.Fatalf("allowed %d", n)
	}
	if n := (planner.Bus{Seats: 45, LoadFactor: 1}).Allowed(); n != 45 {
		t.Fatalf("allowed %d", n)
	}
}

func TestPlanDeterministic(t *testing.T) {
	in := planner.PlanInput{Pickups: pickups, Bus: planner.Bus{Seats: 45, LoadFactor: 0.5}, Seed: 7, MaxStops: 2,
		Riders: concat(riders(1, 17, 1, "g"), riders(100, 9, 2, ""), riders(200, 30, 3, ""), riders(300, 4, 4, "h"))}
	a, b := mustPlan(t, in), mustPlan(t, in)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two runs with one seed differ")
	}
}

func TestReplanKeepsNotified(t *testing.T) {
	bus := planner.Bus{Seats: 45, LoadFactor: 0.5}
	first := concat(riders(1, 15, 1, ""), riders(100, 15, 2, ""))
	in := planner.PlanInput{Pickups: pickups, Bus: bus, Seed: 1, Riders: first}
	p1 := mustPlan(t, in)
	if len(p1.Charters) != 2 {
		t.Fatalf("%d charters", len(p1.Charters))
	}
	notified := map[int64]bool{}
	for i := range p1.Charters {
		p1.Charters[i].Ref = int64(i + 1)
		for _, s := range p1.Charters[i].Seats {
			notified[s.Rider] = true
		}
	}
	seatOf := func(p planner.Plan) map[int64][2]int64 {
		m := map[int64][2]int64{}
		for _, c := range p.Charters {
			for _, s := range c.Seats {
				m[s.Rider] = [2]int64{c.Ref, int64(s.No)}
			}
		}
		return m
	}
	before := seatOf(p1)

	// Five cancel, four join site 1, three join site 4: everyone notified
	// stays on their seat; newcomers fill the room.
	var second []planner.Rider
	for _, r := range first {
		if r.ID > 5 {
			second = append(second, r)
		}
	}
	second = concat(second, riders(500, 4, 1, ""), riders(600, 3, 4, ""))
	in2 := planner.PlanInput{Pickups: pickups, Bus: bus, Seed: 1, Riders: second, Previous: p1.Charters, Notified: notified}
	p2 := mustPlan(t, in2)
	after := seatOf(p2)
	for id, was := range before {
		if id <= 5 {
			if _, ok := after[id]; ok {
				t.Fatalf("cancelled rider %d still seated", id)
			}
			continue
		}
		if after[id] != was {
			t.Fatalf("rider %d moved from %v to %v", id, was, after[id])
		}
	}
	if len(p2.Moves) != 0 || len(p2.Charters) != 2 {
		t.Fatalf("moves %v, %d charters", p2.Moves, len(p2.Charters))
	}

	// A lower load factor forces a change: moves are reported, and the
	// riders who were not notified move first.
	delete(notified, 100)
	in3 := planner.PlanInput{Pickups: pickups, Bus: planner.Bus{Seats: 45, LoadFactor: 0.3}, Seed: 1, Riders: first,
		Previous: p1.Charters, Notified: notified}
	p3 := mustPlan(t, in3)
	if len(p3.Moves) == 0 {
		t.Fatal("no moves reported")
	}
	moved := map[int64]bool{}
	for _, m := range p3.Moves {
		moved[m.Rider] = true
		if m.To != 0 || m.ToIndex < 0 || m.ToIndex >= len(p3.Charters) {
			t.Fatalf("move %+v", m)
		}
	}
	if !moved[100] {
		t.Fatalf("the not-notified rider 100 stayed while notified ones moved: %v", p3.Moves)
	}
}

func TestPlanProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		bus := planner.Bus{Seats: rapid.IntRange(1, 50).Draw(t, "seats"), LoadFactor: rapid.SampledFrom([]float64{0.5, 0.75, 1}).Draw(t, "factor")}
		if bus.Allowed() < 1 {
			bus.LoadFactor = 1
		}
		nSites := rapid.IntRange(1, 4).Draw(t, "sites")
		n := rapid.IntRange(1, 60).Draw(t, "riders")
		var rs []planner.Rider
		for i := range n {
			s := int64(rapid.IntRange(1, nSites).Draw(t, fmt.Sprint("site", i)))
			g := rapid.SampledFrom([]string{"", "", "a", "b", "c"}).Draw(t, fmt.Sprint("group", i))
			pk := int64(rapid.SampledFrom([]int{1, 1, 1, 3}).Draw(t, fmt.Sprint("pickup", i)))
			rs = append(rs, planner.Rider{ID: int64(i + 1), Group: g, Pickup: pk, Site: s, At: sites[s-1]})
		}
		in := planner.PlanInput{Pickups: map[int64]planner.Point{1: napo, 3: {Lat: 25.1, Lng: 107.2}}, Bus: bus,
			MaxStops: rapid.IntRange(0, 3).Draw(t, "maxStops"), Riders: rs, Seed: 1, MaxIterations: 200}
		p, err := planner.MakePlan(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		checkPlan(t, in, p)
		// Replan after random cancellations and with a random factor:
		// invariants hold again.
		for i := range p.Charters {
			p.Charters[i].Ref = int64(i + 1)
		}
		var keep []planner.Rider
		notified := map[int64]bool{}
		for i, r := range rs {
			if !rapid.Bool().Draw(t, fmt.Sprint("cancel", i)) || i%3 != 0 {
				keep = append(keep, r)
			}
			notified[r.ID] = i%2 == 0
		}
		keep = append(keep, planner.Rider{ID: 1000, Pickup: 1, Site: 1, At: sites[0], Group: "a"})
		in2 := in
		in2.Riders, in2.Previous, in2.Notified = keep, p.Charters, notified
		in2.Bus.LoadFactor = rapid.SampledFrom([]float64{0.5, 0.75, 1}).Draw(t, "factor2")
		if in2.Bus.Allowed() < 1 {
			in2.Bus.LoadFactor = 1
		}
		p2, err := planner.MakePlan(context.Background(), in2)
		if err != nil {
			t.Fatal(err)
		}
		checkPlan(t, in2, p2)
	})
}

func BenchmarkPlanDay(b *testing.B) {
	// A planning day at one pickup point: riders to employer sites spread
	// over Shenzhen, 45-seat coaches at 0.5, at most 4 drop-offs a bus,
	// every fifth rider in a group of four.
	for _, size := range []struct{ riders, sites, iters int }{{400, 60, 3000}, {1000, 200, 3000}, {1000, 200, 30000}} {
		b.Run(fmt.Sprintf("riders=%d/sites=%d/iters=%d", size.riders, size.sites, size.iters), func(b *testing.B) {
			var rs []planner.Rider
			for i := range size.riders {
				s := (i * 7) % size.sites
				g := ""
				if i%5 == 0 { // a group of four hired by one employer
					g = fmt.Sprint("g", i/20)
					s = (i / 20 * 11) % size.sites
				}
				at := planner.Point{Lat: 22.45 + float64(s%15)*0.025, Lng: 113.75 + float64(s/15)*0.04}
				rs = append(rs, planner.Rider{ID: int64(i + 1), Pickup: 1, Site: int64(s + 1), At: at, Group: g})
			}
			in := planner.PlanInput{Pickups: pickups, Bus: planner.Bus{Seats: 45, LoadFactor: 0.5}, MaxStops: 4, Riders: rs,
				Seed: 1, MaxIterations: size.iters}
			for b.Loop() {
				p, err := planner.MakePlan(context.Background(), in)
				if err != nil {
					b.Fatal(err)
				}
				km := 0.0
				for _, c := range p.Charters {
					km += c.Km
				}
				b.ReportMetric(float64(len(p.Charters)), "buses")
				b.ReportMetric(float64((size.riders+21)/22), "min_buses")
				b.ReportMetric(km, "km")
			}
		})
	}
}
