package demo_test

import (
	"context"
	"testing"

	"easyjob/internal/demo"
	"easyjob/internal/easyjob"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
	"easyjob/internal/support"
)

// The support demo: demo-dept is an HRSS officer, demo-employer qualifies for several
// measures, and tickets stand in several states.
func TestLoadSupport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		s, _ := storetest.NewStore(t, k)
		o := opts()
		o.Support = true
		sum := mustLoad(t, s, o)
		found := false
		for _, a := range sum.Accounts {
			found = found || a.Username == demo.DeptUser
		}
		if !found {
			t.Fatalf("no %s in %v", demo.DeptUser, sum.Accounts)
		}
		sv := support.New(s)
		var uid int64
		if err := s.DB.R.QueryRowContext(ctx, `SELECT id FROM users WHERE username = $1`, demo.DeptUser).Scan(&uid); err != nil {
			t.Fatal(err)
		}
		u, err := s.User(ctx, uid)
		if err != nil {
			t.Fatal(err)
		}
		m, err := sv.Membership(ctx, u.ID)
		if err != nil || m == nil || m.Department != "sz-hrss" {
			t.Fatalf("membership %+v %v", m, err)
		}
		boss := easyjob.Actor{UserID: 4, Role: easyjob.RoleEmployer, EmployerID: 1, Lang: "zh-CN"}
		_, res, err := sv.CheckEmployer(ctx, boss, 1, easyjob.NewDate(2020, 3, 2))
		if err != nil || len(res.Eligible()) < 4 {
			t.Fatalf("demo-employer eligible for %d: %v", len(res.Eligible()), err)
		}
		ts, err := sv.Tickets(ctx, store.ActorOf(u, "zh-CN"), support.TicketFilter{})
		if err != nil {
			t.Fatal(err)
		}
		states := map[support.Status]bool{}
		overdue := false
		for _, tk := range ts {
			states[tk.Status] = true
			overdue = overdue || tk.Overdue()
		}
		if len(ts) < 3 || !states[support.StatusInHand] || !states[support.StatusNew] || !overdue {
			t.Fatalf("hrss tickets %+v", ts)
		}
	})
}
