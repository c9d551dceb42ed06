package api_test

import (
	"context"
	"testing"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/retention"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
)

// A registered-poor worker stays 90 days; the city officer sees the
// retention state, the due check-ins, claims the subsidy once and reads the
// ledger through the API.
func TestRetentionAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		e := boot(t, k)
		ctx := context.Background()
		s := e.app.Store
		clock := storetest.NewClock(time.Now().UTC())
		s.Clock = clock
		cu, err := s.CreateUser(ctx, easyjob.Actor{Role: easyjob.RoleAdmin, Scope: easyjob.ScopeAll}, store.NewUser{Username: "city",
			Password: "city-password", Name: "市局", Role: easyjob.RoleOfficer, Region: "4403"})
		if err != nil {
			t.Fatal(err)
		}
		root := store.ActorOf(cu, "zh-CN")
		emp, u, err := s.RegisterEmployer(ctx, store.EmployerSignup{EmployerInput: storetest.EmployerInput(), Username: "factory", Password: "factory-pass"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.VerifyEmployer(ctx, root, emp.ID, "verify", ""); err != nil {
			t.Fatal(err)
		}
		today := s.Today()
		in := storetest.EmployerInput()
		p, err := s.CreatePosting(ctx, store.ActorOf(u, "zh-CN"), emp.ID, easyjob.PostingInput{Title: "普工", Occupation: "6-25-04-02",
			Headcount: 5, PayMin: 5000, PayMax: 6000, Dorm: true, Meals: true, Shift: easyjob.ShiftTwo, StartDate: today.AddDays(1),
			ClosingDate: today.AddDays(20), District: in.District, Street: in.Street, Address: in.Address, Description: "组装。"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReviewPosting(ctx, root, p.ID, "approve", ""); err != nil {
			t.Fatal(err)
		}
		sk, err := s.RegisterSeeker(ctx, root, storetest.SeekerInput())
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetPoor(ctx, root, sk.ID, true); err != nil {
			t.Fatal(err)
		}
		app, err := s.Apply(ctx, root, sk.ID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range []store.Move{{To: easyjob.StateOffered, StartDate: today.AddDays(1), Pay: 5200}, {To: easyjob.StateAccepted}, {To: easyjob.StateArrived}} {
			if _, err := s.Transition(ctx, root, app.ID, m); err != nil {
				t.Fatal(err)
			}
		}
		r := e.app.Retention
		clock.Advance(90 * 24 * time.Hour)
		if err := r.Sweep(ctx, nil); err != nil {
			t.Fatal(err)
		}
		city := e.anon.login("city", "city-password")
		path := "/applications/" + strconvI(app.ID)
		got := city.must(200, "GET", path, nil)
		ret, _ := got["retention"].(map[string]any)
		if ret == nil || ret["state"] != "arrived" || len(ret["checkins"].([]any)) != 1 {
			t.Fatalf("retention before the answer: %v", got["retention"])
		}
		due := city.must(200, "GET", "/checkins?due_before="+s.Today().String(), nil)
		items := due["items"].([]any)
		if len(items) != 1 || due["next_cursor"] != "" {
			t.Fatalf("due check-ins %v", due)
		}
		city.must(422, "GET", "/checkins?due_before=tomorrow", nil)
		cid := strconvI(id(items[0].(map[string]any)))
		out := city.must(422, "POST", "/checkins/"+cid+"/answer", map[string]any{"answer": "left", "left_on": s.Today().AddDays(3).String(), "reason": "pay"})
		if out["error"].(map[string]any)["fields"].(map[string]any)["left_on"] == nil {
			t.Fatalf("422 without fields: %v", out)
		}
		boss := e.anon.login("factory", "factory-pass")
		boss.must(200, "POST", "/checkins/"+cid+"/answer", map[string]any{"answer": "employed"})
		got = city.must(200, "GET", path, nil)
		if st := got["retention"].(map[string]any)["state"]; st != "retained_90" || got["state"] != "retained_90" {
			t.Fatalf("retention after the answer: %v", got)
		}

		city.must(201, "POST", "/subsidy-rules", map[string]any{"code": "gd-poor-90", "name": "稳岗补贴", "payee": "worker", "amount": 1000,
			"condition": retention.PoorRetained90, "budget_line": "就业补助资金", "valid_from": today.AddDays(-30).String(), "valid_to": today.AddDays(365).String()})
		req := map[string]any{"rule": "gd-poor-90", "application_id": app.ID}
		c := city.must(201, "POST", "/subsidy-claims", req)
		city.must(409, "POST", "/subsidy-claims", req)
		boss.must(403, "POST", "/subsidy-claims", req)
		led := city.must(200, "GET", "/ledger", nil)
		if es := led["items"].([]any); len(es) != 1 || led["next_cursor"] != "" {
			t.Fatalf("ledger %v", led)
		}
		city.must(409, "POST", "/subsidy-claims/"+strconvI(id(c))+"/pay", map[string]any{"reference": "X-1", "paid_on": s.Today().String()})
		city.must(200, "POST", "/subsidy-claims/bulk-approve", map[string]any{"ids": []int64{id(c)}})
		city.must(200, "POST", "/subsidy-claims/"+strconvI(id(c))+"/pay", map[string]any{"reference": "X-1", "paid_on": s.Today().String()})
		tot := city.must(200, "GET", "/ledger/totals?by=month", nil)
		if ts := tot["items"].([]any); len(ts) != 1 || ts[0].(map[string]any)["paid"].(float64) != 1000 {
			t.Fatalf("totals %v", tot)
		}
		// A dispute with a negative amount is refused, naming the field.
		bad := city.must(422, "POST", "/disputes", map[string]any{"application_id": app.ID, "kind": "arrears", "amount": -5, "months": []string{"2020-04"}})
		if bad["error"].(map[string]any)["fields"].(map[string]any)["amount"] == nil {
			t.Fatalf("negative amount: %v", bad)
		}
		d := city.must(201, "POST", "/disputes", map[string]any{"application_id": app.ID, "kind": "arrears", "amount": 3200, "months": []string{"2020-04"}})
		boss.must(200, "POST", "/disputes/"+strconvI(id(d))+"/replies", map[string]any{"action": "reply", "note": "核对中"})
		d = city.must(200, "POST", "/disputes/"+strconvI(id(d))+"/replies", map[string]any{"action": "resolved_paid"})
		if d["status"] != "resolved_paid" || len(d["replies"].([]any)) != 3 {
			t.Fatalf("dispute %v", d)
		}
	})
}
