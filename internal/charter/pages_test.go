package charter_test

import (
	"context"
	"testing"

	"easyjob/internal/charter"
	"easyjob/internal/easyjob"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
)

// walk reads a list page by page with limit, checking every page's size,
// and returns the ids in order.
func walk[T any](t *testing.T, limit int, list func(store.ListOptions) (easyjob.Page[T], error), id func(T) int64) []int64 {
	t.Helper()
	var ids []int64
	o := store.ListOptions{Limit: limit}
	for pages := 0; ; pages++ {
		p, err := list(o)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Items) > limit || (p.NextCursor != "" && len(p.Items) != limit) {
			t.Fatalf("page %d: %d items with limit %d, next %q", pages, len(p.Items), limit, p.NextCursor)
		}
		for _, it := range p.Items {
			ids = append(ids, id(it))
		}
		if p.NextCursor == "" {
			return ids
		}
		if pages > 100 {
			t.Fatal("no end")
		}
		o.Cursor = p.NextCursor
	}
}

func sameIDs(t *testing.T, what string, got, want []int64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: paged %v, whole %v", what, got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s: paged %v, whole %v", what, got, want)
		}
	}
}

// Charters, pickup points and arrivals page like every list: limit and
// cursor, the same rows in the same order as one big page, only the rows
// the reader may see (#10 item 20).
func TestListsPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		c := newService(f)
		p := f.Published(t, 10)
		var apps []easyjob.Application
		for range 5 {
			_, app := hire(t, f, p, easyjob.HealthGreen)
			apps = append(apps, app)
		}
		pk := mustPickup(t, f)
		for _, name := range []string{"百省乡路口", "德隆乡政府", "城厢镇车站"} {
			if _, err := c.AddPickupPoint(ctx, f.Station, charter.PickupPointInput{County: "451026", Name: name, Known: "451026"}); err != nil {
				t.Fatal(err)
			}
		}
		pickups := func(a easyjob.Actor) func(store.ListOptions) (easyjob.Page[charter.PickupPoint], error) {
			return func(o store.ListOptions) (easyjob.Page[charter.PickupPoint], error) { return c.PickupPoints(ctx, a, o) }
		}
		pid := func(p charter.PickupPoint) int64 { return p.ID }
		whole := walk(t, 100, pickups(f.Station), pid)
		if len(whole) != 4 {
			t.Fatalf("pickup points %v", whole)
		}
		sameIDs(t, "pickup points", walk(t, 1, pickups(f.Station), pid), whole)
		sameIDs(t, "pickup points", walk(t, 3, pickups(f.Station), pid), whole)

		// Two riders a bus: three charters.
		day := easyjob.DateOf(f.Clock.Now()).AddDays(1)
		v, err := c.ConfirmPlan(ctx, f.Station, charter.PlanRequest{Date: day, PickupPointID: pk.ID, Seats: 2, LoadFactor: 1})
		if err != nil || len(v.Charters) != 3 {
			t.Fatalf("plan %d charters, %v", len(v.Charters), err)
		}
		charters := func(a easyjob.Actor) func(store.ListOptions) (easyjob.Page[charter.CharterView], error) {
			return func(o store.ListOptions) (easyjob.Page[charter.CharterView], error) {
				return c.Charters(ctx, a, charter.CharterFilter{ListOptions: o, Date: day})
			}
		}
		cid := func(c charter.CharterView) int64 { return c.ID }
		for _, a := range []easyjob.Actor{f.Station, f.Longgang, f.City} {
			whole := walk(t, 100, charters(a), cid)
			if len(whole) != 3 {
				t.Fatalf("%s sees charters %v", a.Region, whole)
			}
			for _, n := range []int{1, 2} {
				sameIDs(t, "charters", walk(t, n, charters(a), cid), whole)
			}
		}
		// An officer of another county sees none, and no page is padded.
		ou, err := f.S.CreateUser(ctx, f.Admin, store.NewUser{Username: "lingyun", Password: "lingyun-password", Name: "凌云县工作站",
			Role: easyjob.RoleOfficer, Region: "451027"})
		if err != nil {
			t.Fatal(err)
		}
		other := store.ActorOf(ou, "zh-CN")
		if got := walk(t, 1, charters(other), cid); len(got) != 0 {
			t.Fatalf("another county's station sees %v", got)
		}

		// Riders on their way (moved to departed by hand, without seats).
		for _, app := range apps {
			if _, err := f.S.Transition(ctx, f.Station, app.ID, store.Move{To: easyjob.StateDeparted}); err != nil {
				t.Fatal(err)
			}
		}
		arrivals := func(o store.ListOptions) (easyjob.Page[charter.Arrival], error) { return c.Arrivals(ctx, f.Boss, o) }
		aid := func(x charter.Arrival) int64 { return x.ApplicationID }
		whole = walk(t, 100, arrivals, aid)
		if len(whole) != 5 {
			t.Fatalf("arrivals %v", whole)
		}
		sameIDs(t, "arrivals", walk(t, 2, arrivals, aid), whole)

		if _, err := c.Charters(ctx, f.Station, charter.CharterFilter{ListOptions: store.ListOptions{Cursor: "!!"}}); fieldsOf(err)["cursor"].Key == "" {
			t.Fatalf("bad cursor: %v", err)
		}
	})
}
