package api_test

import (
	"context"
	"testing"

	"easyjob/internal/easyjob"
	"easyjob/internal/ident"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
	"easyjob/internal/support"
)

// An employer checks its eligibility, saves its profile, raises a ticket; the department
// replies; the employer closes it; an officer changes a parameter from a future date.
func TestSupportAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		e := boot(t, k)
		ctx := context.Background()
		root := easyjob.Actor{Role: easyjob.RoleAdmin, Scope: easyjob.ScopeAll}
		in := storetest.EmployerInput()
		out := e.anon.must(201, "POST", "/employers", map[string]any{"name": in.Name, "credit_code": in.CreditCode,
			"district": in.District, "street": in.Street, "address": in.Address, "contact_name": in.ContactName,
			"contact_phone": in.ContactPhone, "industry": in.Industry, "username": "boss", "password": "boss-password"})
		empID := int64(out["employer"].(map[string]any)["id"].(float64))
		boss := e.anon.login("boss", "boss-password")

		in2 := storetest.EmployerInput()
		in2.CreditCode = ident.GenerateCreditCode("9144030735912399")
		e.anon.must(201, "POST", "/employers", map[string]any{"name": "另一家公司", "credit_code": in2.CreditCode,
			"district": in2.District, "street": in2.Street, "address": in2.Address, "contact_name": "李", "contact_phone": "13900139000",
			"industry": "服务", "username": "other", "password": "other-password"})
		other := e.anon.login("other", "other-password")

		u, err := e.app.Store.CreateUser(ctx, root, store.NewUser{Username: "hrss", Password: "hrss-password", Name: "人社局", Role: easyjob.RoleOfficer, Region: "4403"})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.app.Support.SetMember(ctx, root, support.Member{UserID: u.ID, Department: "sz-hrss"}); err != nil {
			t.Fatal(err)
		}
		hrss := e.anon.login("hrss", "hrss-password")

		profile := map[string]any{"staff": 120, "staff_same_month_last_year": 110, "sme": true, "state_owned": false,
			"industry": "C", "district": "440307", "activities": []string{}, "epidemic_difficulty": true, "landlord": "soe",
			"monthly_rent_cny": 30000, "unemployment_insurance_last_year_cny": 60000}
		res := boss.must(200, "POST", "/eligibility", map[string]any{"profile": profile, "as_of": "2020-03-02"})
		items := res["items"].([]any)
		if len(items) != 16 {
			t.Fatalf("%d items", len(items))
		}
		found := false
		for _, it := range items {
			m := it.(map[string]any)
			for _, f := range []string{"measure", "status", "estimate_cny", "reasons", "missing"} {
				if _, ok := m[f]; !ok {
					t.Fatalf("item lacks %s: %v", f, m)
				}
			}
			if m["measure"] == "job-retention-refund" {
				found = m["status"] == "eligible" && m["estimate_cny"].(float64) == 30000
			}
		}
		if !found {
			t.Fatalf("job retention not eligible: %v", items)
		}
		// Bad input: impossible values, a date outside 2020–2030, an unknown field.
		bad := map[string]any{"staff": -1, "monthly_rent_cny": 1e12, "district": "110101", "industry": "Z"}
		got := boss.must(422, "POST", "/eligibility", map[string]any{"profile": bad, "as_of": "2035-01-01"})
		fields := got["error"].(map[string]any)["fields"].(map[string]any)
		for _, f := range []string{"staff", "monthly_rent_cny", "district", "industry", "as_of"} {
			if fields[f] == nil {
				t.Errorf("no message for %s: %v", f, fields)
			}
		}
		got = boss.must(422, "POST", "/eligibility", map[string]any{"profile": map[string]any{"staf": 3}})
		if got["error"].(map[string]any)["fields"].(map[string]any)["staf"] == nil {
			t.Errorf("typo not named: %v", got)
		}

		path := "/employers/" + itoa(empID)
		boss.must(200, "PUT", path+"/profile", profile)
		other.must(403, "PUT", path+"/profile", profile)
		other.must(403, "GET", path+"/profile", nil)
		res = boss.must(200, "GET", path+"/eligibility?as_of=2020-03-02", nil)
		if len(res["items"].([]any)) != 16 {
			t.Fatal("stored profile not checked")
		}
		boss.must(422, "GET", path+"/eligibility?as_of=2019-01-01", nil)

		ms := boss.must(200, "GET", "/measures", nil)["items"].([]any)
		if len(ms) != 16 || ms[0].(map[string]any)["params"] == nil {
			t.Fatalf("measures %v", ms)
		}

		// A ticket on another's behalf is forbidden.
		tk := map[string]any{"employer_id": empID, "kind": "measure", "measure": "job-retention-refund", "subject": "稳岗返还未到账"}
		other.must(403, "POST", "/tickets", tk)
		created := boss.must(201, "POST", "/tickets", tk)
		tid := itoa(id(created))
		if created["department"] != "sz-hrss" || created["status"] != "new" {
			t.Fatalf("ticket %v", created)
		}
		other.must(403, "GET", "/tickets/"+tid, nil)
		if q := hrss.must(200, "GET", "/tickets?open=true", nil)["items"].([]any); len(q) != 1 {
			t.Fatalf("queue %v", q)
		}
		hrss.must(201, "POST", "/tickets/"+tid+"/replies", map[string]any{"outcome": "could_not_reach", "body": "电话未接通"})
		r := hrss.must(201, "POST", "/tickets/"+tid+"/replies", map[string]any{"outcome": "answered_helped", "body": "已办理，五个工作日内到账"})
		if r["status"] != "answered_helped" || len(r["replies"].([]any)) != 2 {
			t.Fatalf("replied %v", r)
		}
		boss.must(422, "POST", "/tickets/"+tid+"/close", map[string]any{"received": true, "rating": 0})
		c := boss.must(200, "POST", "/tickets/"+tid+"/close", map[string]any{"received": true, "received_cny": 30000, "received_on": "2020-03-02", "rating": 5})
		if c["rating"].(float64) != 5 {
			t.Fatalf("closed %v", c)
		}
		st := hrss.must(200, "GET", "/support/stats?as_of=2020-03-02", nil)["items"].([]any)
		if len(st) != 16 {
			t.Fatalf("stats %v", st)
		}
		boss.must(403, "GET", "/support/stats", nil)

		// A parameter from a future date: preview, then confirm; a typo saves nothing.
		change := map[string]any{"measure": "job-retention-refund", "param": "refund_rate", "from": "2030-01-01", "value": 1.0, "source": "test"}
		boss.must(403, "POST", "/measures/params", change)
		typo := map[string]any{"measure": "job-retention-refund", "param": "refund_rat", "from": "2030-01-01", "value": 1.0, "source": "test"}
		if f := hrss.must(422, "POST", "/measures/params", typo)["error"].(map[string]any)["fields"].(map[string]any); f["param"] == nil {
			t.Fatalf("typo: %v", f)
		}
		pv := hrss.must(200, "POST", "/measures/params", change)
		if pv["measure"] != nil || len(pv["preview"].([]any)) == 0 {
			t.Fatalf("preview %v", pv)
		}
		change["confirm"] = true
		done := hrss.must(200, "POST", "/measures/params", change)
		if done["measure"].(map[string]any)["versions"].(float64) != 1 {
			t.Fatalf("confirmed %v", done)
		}
	})
}
