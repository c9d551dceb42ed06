package demo_test

import (
	"context"
	"testing"

	"easyjob/internal/demo"
	"easyjob/internal/goodwill"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
)

// The goodwill demo: demo-charity manages a verified organisation with a campaign part-way
// to its 5,000 target, stock derived from the ledger, and a full course with a waiting list.
func TestLoadGoodwill(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		s, _ := storetest.NewStore(t, k)
		o := opts()
		o.Support = true
		mustLoad(t, s, o)
		var uid int64
		if err := s.DB.R.QueryRowContext(ctx, `SELECT id FROM users WHERE username = $1`, demo.CharityUser).Scan(&uid); err != nil {
			t.Fatal(err)
		}
		u, err := s.User(ctx, uid)
		if err != nil {
			t.Fatal(err)
		}
		g := goodwill.New(s)
		a := store.ActorOf(u, "zh-CN")
		org, err := g.OrgOf(ctx, a)
		if err != nil || org == 0 {
			t.Fatalf("demo-charity manages no organisation: %v", err)
		}
		cs, err := g.Campaigns(ctx, a, org)
		if err != nil || len(cs) != 1 {
			t.Fatalf("campaigns %v %v", cs, err)
		}
		p, err := g.Progress(ctx, a, cs[0].ID)
		if err != nil || p.Target != 5000 || p.Delivered == 0 || p.Delivered >= p.Target || p.Registered <= p.Delivered || len(p.ByDistrict) != 3 {
			t.Fatalf("progress %+v %v", p, err)
		}
		if bad, err := g.Reconcile(ctx, org); err != nil || len(bad) > 0 {
			t.Fatalf("ledger %v %v", bad, err)
		}
		courses, err := g.Courses(ctx, a, org)
		if err != nil || len(courses) != 2 || !courses[0].Full() || courses[0].Waiting == 0 || courses[1].Full() {
			t.Fatalf("courses %+v %v", courses, err)
		}
	})
}
