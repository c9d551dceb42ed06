package api_test

import (
	"context"
	"testing"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/retention"
	"easyjob/internal/store/storetest"
	"easyjob/internal/support"
)

// walk is TestAPIMatchesOpenAPI's tour of the systems on the kernel, as
// the roles that use them, with an error answer each where one is cheap.
type walk struct {
	t                                   *testing.T
	e                                   *env
	anon, city, district, station, boss *client
	me                                  *client          // the seeker, signed in again after the clock moved
	clock                               *storetest.Clock // the store's clock, set by retention
	empID, aid                          string
	phone                               string
}

// signInAgain signs everyone in again: API sessions last 30 days.
func (w *walk) signInAgain() {
	w.city, w.district, w.station = w.anon.login("city", "city-password"), w.anon.login("longgang", "longgang-pass"), w.anon.login("napo", "napo-station")
	w.boss = w.anon.login("factory", "factory-pass")
	w.e.admin = w.anon.login("root", "root-password")
	w.anon.must(202, "POST", "/login/code", map[string]string{"phone": w.phone})
	w.me = w.anon.as(w.anon.must(200, "POST", "/login", map[string]string{"phone": w.phone, "code": w.e.codeFor(w.phone)})["token"].(string))
}

// retention: the 90-day check-in of the arrived worker, a wage dispute,
// two subsidy claims (one paid, one rejected) and the ledger.
func (w *walk) retention() {
	t, s := w.t, w.e.app.Store
	clock := storetest.NewClock(time.Now().UTC())
	s.Clock = clock
	w.clock = clock
	clock.Advance(90 * 24 * time.Hour)
	if err := w.e.app.Retention.Sweep(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	w.signInAgain()
	city, district, station, boss, me := w.city, w.district, w.station, w.boss, w.me
	today := s.Today()

	// Check-ins.
	due := station.must(200, "GET", "/checkins"+query("due_before", today.String(), "limit", "5"), nil)
	items := due["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("due check-ins %v", due)
	}
	station.must(200, "GET", "/checkins"+query("waiting", "true", "escalated", "false", "disagree", "0"), nil)
	station.must(422, "GET", "/checkins"+query("waiting", "maybe"), nil)
	ci := itoa(id(items[0].(map[string]any)))
	me.must(200, "GET", "/checkins/"+ci, nil)
	boss.must(200, "GET", "/checkins/"+ci, nil)
	station.must(404, "GET", "/checkins/999999", nil)
	boss.must(403, "POST", "/checkins/"+ci+"/lost-contact", nil)
	station.must(200, "POST", "/checkins/"+ci+"/lost-contact", nil)
	boss.must(422, "POST", "/checkins/"+ci+"/answer", map[string]any{"answer": "left", "left_on": today.AddDays(3).String(), "reason": "pay"})
	boss.must(200, "POST", "/checkins/"+ci+"/answer", map[string]any{"answer": "employed"})
	station.must(409, "POST", "/checkins/"+ci+"/lost-contact", nil)
	if r := city.must(200, "GET", "/applications/"+w.aid+"/retention", nil); r["retention"].(map[string]any)["state"] != "retained_90" {
		t.Fatalf("retention %v", r)
	}
	city.must(404, "GET", "/applications/999999/retention", nil)

	// A wage dispute: reported by the station for the worker, answered by
	// the employer, resolved by the employer's district.
	station.must(422, "POST", "/disputes", map[string]any{"application_id": mustID(w.aid), "kind": "arrears", "amount": -5, "months": []string{"2020-04"}})
	d := itoa(id(station.must(201, "POST", "/disputes", map[string]any{"application_id": mustID(w.aid), "kind": "arrears", "amount": 3200, "months": []string{"2020-04"}, "description": "四月工资未发"})))
	district.must(200, "GET", "/disputes"+query("pending", "true", "escalated", "false", "employer_id", w.empID, "limit", "5"), nil)
	me.must(200, "GET", "/disputes", nil)
	boss.must(200, "GET", "/disputes/"+d, nil)
	boss.must(200, "POST", "/disputes/"+d+"/replies", map[string]any{"action": "reply", "note": "核对中"})
	station.must(403, "POST", "/disputes/"+d+"/replies", map[string]any{"action": "take"})
	district.must(200, "POST", "/disputes/"+d+"/replies", map[string]any{"action": "resolved_paid"})
	district.must(409, "POST", "/disputes/"+d+"/replies", map[string]any{"action": "resolved_unpaid"})

	// Subsidies: two rules for the same placement; one claim paid, one rejected.
	rule := func(code string) map[string]any {
		return map[string]any{"code": code, "name": "稳岗补贴", "payee": "worker", "amount": 1000, "condition": retention.PoorRetained90,
			"budget_line": "就业补助资金", "valid_from": today.AddDays(-30).String(), "valid_to": today.AddDays(365).String()}
	}
	city.must(201, "POST", "/subsidy-rules", rule("gd-poor-90"))
	city.must(201, "POST", "/subsidy-rules", rule("gd-poor-90-b"))
	city.must(422, "POST", "/subsidy-rules", map[string]any{"code": "", "amount": -1})
	boss.must(403, "POST", "/subsidy-rules", rule("gd-poor-90-c"))
	city.must(200, "GET", "/subsidy-rules", nil)
	c1 := itoa(id(city.must(201, "POST", "/subsidy-claims", map[string]any{"rule": "gd-poor-90", "application_id": mustID(w.aid)})))
	city.must(409, "POST", "/subsidy-claims", map[string]any{"rule": "gd-poor-90", "application_id": mustID(w.aid)})
	c2 := itoa(id(city.must(201, "POST", "/subsidy-claims", map[string]any{"rule": "gd-poor-90-b", "application_id": mustID(w.aid)})))
	city.must(200, "GET", "/subsidy-claims"+query("status", "claimed", "limit", "5"), nil)
	city.must(409, "POST", "/subsidy-claims/"+c1+"/pay", map[string]any{"reference": "X-1", "paid_on": today.String()})
	city.must(200, "POST", "/subsidy-claims/bulk-approve", map[string]any{"ids": []int64{mustID(c1)}})
	city.must(200, "POST", "/subsidy-claims/"+c1+"/pay", map[string]any{"reference": "X-1", "paid_on": today.String()})
	city.must(200, "POST", "/subsidy-claims/"+c2+"/approve", nil)
	city.must(200, "POST", "/subsidy-claims/"+c2+"/reject", map[string]any{"reason": "重复申报"})
	city.must(409, "POST", "/subsidy-claims/"+c1+"/reject", map[string]any{"reason": "已支付"})

	// The ledger: list, correct the payment with a reversing entry, totals, export.
	led := city.must(200, "GET", "/ledger"+query("rule", "gd-poor-90", "month", today.String()[:7], "limit", "10"), nil)
	es := led["items"].([]any)
	if len(es) != 3 {
		t.Fatalf("ledger %v", led)
	}
	city.must(201, "POST", "/ledger/"+itoa(id(es[len(es)-1].(map[string]any)))+"/reverse", map[string]any{"reason": "金额录错"})
	city.must(422, "GET", "/ledger"+query("cursor", "!!"), nil)
	city.must(200, "GET", "/ledger/totals"+query("by", "county"), nil)
	city.must(422, "GET", "/ledger/totals"+query("by", "colour"), nil)
	city.must(200, "GET", "/ledger/export"+query("rule", "gd-poor-90"), nil)
	boss.must(403, "GET", "/ledger/export", nil)
}

// epidemic: a county's report with missing values, a correction, a
// refused one; status, board, override, rule and events.
func (w *walk) epidemic() {
	t := w.t
	city, station, boss := w.city, w.station, w.boss
	day := "2020-02-20"
	station.must(200, "PUT", "/regions/451026/reports/"+day, `{"new_confirmed": 0, "new_suspected": "", "in_hospital": null}`)
	station.must(200, "PUT", "/regions/451026/reports/"+day, map[string]any{"new_confirmed": 0, "new_suspected": 0, "in_hospital": 0, "note": "更正"})
	station.must(422, "PUT", "/regions/451026/reports/"+day, `{"new_confirmed": -1}`)
	station.must(403, "PUT", "/regions/451024/reports/"+day, `{}`)
	list := station.must(200, "GET", "/regions/451026/reports"+query("from", "2020-02-19", "to", day), nil)
	if len(list["items"].([]any)) != 2 {
		t.Fatalf("reports %v", list)
	}
	station.must(422, "GET", "/regions/451026/reports"+query("from", "yesterday"), nil)
	if st := station.must(200, "GET", "/regions/451026/status"+query("as_of", day), nil); st["three_zeros"] != true {
		t.Fatalf("status %v", st)
	}
	station.must(200, "GET", "/regions/451026/status", nil)
	station.must(404, "GET", "/regions/999999/status", nil)
	city.must(200, "GET", "/regions"+query("as_of", day), nil)
	boss.must(403, "GET", "/regions", nil)
	station.must(422, "PUT", "/counties/451026/override", map[string]any{"level": "low", "reason": "复核", "until": "2020-03-01"})
	station.must(200, "PUT", "/counties/451026/override", map[string]any{"level": "low", "reason": "复核", "until": w.e.app.Store.Today().AddDays(7).String()})
	station.must(200, "PUT", "/counties/451026/override", map[string]any{"level": ""})
	boss.must(403, "PUT", "/counties/451026/override", map[string]any{"level": "high", "reason": "x"})
	rule := city.must(200, "GET", "/epidemic/rule", nil)
	boss.must(403, "GET", "/epidemic/rule", nil)
	station.must(403, "PUT", "/epidemic/rule", rule)
	city.must(200, "PUT", "/epidemic/rule", rule)
	city.must(200, "GET", "/epidemic/events"+query("from", "2020-02-01", "to", day), nil)
	boss.must(403, "GET", "/epidemic/events", nil)
}

// support: the employer's eligibility and profile, a claim, a ticket
// answered by its department and closed; statistics and notices.
func (w *walk) support() {
	t, ctx := w.t, context.Background()
	boss, station := w.boss, w.station
	u := w.e.admin.must(201, "POST", "/users", map[string]any{"username": "hrss", "password": "hrss-password", "name": "人社局", "role": "officer", "region": "4403"})
	if err := w.e.app.Support.SetMember(ctx, easyjob.Actor{Role: easyjob.RoleAdmin, Scope: easyjob.ScopeAll}, support.Member{UserID: id(u), Department: "sz-hrss"}); err != nil {
		t.Fatal(err)
	}
	hrss := w.anon.login("hrss", "hrss-password")
	emp := "/employers/" + w.empID

	profile := map[string]any{"staff": 120, "staff_same_month_last_year": 110, "sme": true, "state_owned": false,
		"industry": "C", "district": "440307", "activities": []string{}, "epidemic_difficulty": true, "landlord": "soe",
		"monthly_rent_cny": 30000, "unemployment_insurance_last_year_cny": 60000}
	boss.must(200, "POST", "/eligibility", map[string]any{"profile": profile, "as_of": "2020-03-02"})
	boss.must(422, "POST", "/eligibility", map[string]any{"profile": map[string]any{"staff": -1}, "as_of": "2035-01-01"})
	boss.must(200, "GET", "/measures", nil)
	boss.must(200, "PUT", emp+"/profile", profile)
	boss.must(422, "PUT", emp+"/profile", map[string]any{"staff": -1, "industry": "Z"})
	boss.must(200, "GET", emp+"/profile", nil)
	station.must(403, "GET", emp+"/profile", nil)
	boss.must(200, "GET", emp+"/eligibility"+query("as_of", "2020-03-02"), nil)
	boss.must(422, "GET", emp+"/eligibility"+query("as_of", "2019-01-01"), nil)
	boss.must(200, "POST", emp+"/claims", map[string]any{"measure": "job-retention-refund", "applied": true})
	boss.must(422, "POST", emp+"/claims", map[string]any{"measure": "no-such-measure", "applied": true})

	change := map[string]any{"measure": "job-retention-refund", "param": "refund_rate", "from": "2030-01-01", "value": 1.0, "source": "test"}
	boss.must(403, "POST", "/measures/params", change)
	hrss.must(200, "POST", "/measures/params", change)

	tk := boss.must(201, "POST", "/tickets", map[string]any{"employer_id": mustID(w.empID), "kind": "measure", "measure": "job-retention-refund", "subject": "稳岗返还未到账"})
	tid := itoa(id(tk))
	boss.must(422, "POST", "/tickets", map[string]any{"employer_id": mustID(w.empID), "kind": "measure", "subject": ""})
	hrss.must(200, "GET", "/tickets"+query("open", "true", "overdue", "false", "department", "sz-hrss", "measure", "job-retention-refund"), nil)
	boss.must(200, "GET", "/tickets", nil)
	boss.must(200, "GET", "/tickets/"+tid, nil)
	station.must(403, "GET", "/tickets/"+tid, nil)
	hrss.must(201, "POST", "/tickets/"+tid+"/replies", map[string]any{"outcome": "answered_helped", "body": "已办理，五个工作日内到账"})
	boss.must(422, "POST", "/tickets/"+tid+"/close", map[string]any{"received": true, "rating": 0})
	boss.must(200, "POST", "/tickets/"+tid+"/close", map[string]any{"received": true, "received_cny": 30000, "received_on": "2020-03-02", "rating": 5})
	hrss.must(200, "GET", "/support/stats"+query("as_of", "2020-03-02"), nil)
	boss.must(403, "GET", "/support/stats", nil)
	boss.must(200, "GET", "/support/notices", nil)
	hrss.must(200, "GET", "/support/notices", nil)
}
