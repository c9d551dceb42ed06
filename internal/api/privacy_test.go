package api_test

import (
	"strings"
	"testing"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/ident"
	"easyjob/internal/store/storetest"
)

// TestPrivacyAndOneOffer over HTTP, on both databases: another employer
// reads an employer's public record without its contact and cannot read the
// officers' comments; a second open offer to one seeker is a 409 with its
// message.
func TestPrivacyAndOneOffer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		e := boot(t, k)
		e.admin.must(201, "POST", "/users", map[string]any{"username": "longgang", "password": "longgang-pass", "name": "龙岗区", "role": "officer", "region": "440307"})
		e.admin.must(201, "POST", "/users", map[string]any{"username": "napo", "password": "napo-station", "name": "那坡", "role": "officer", "region": "451026"})
		district := e.anon.login("longgang", "longgang-pass")
		station := e.anon.login("napo", "napo-station")
		register := func(code, user string) int64 {
			emp := storetest.EmployerInput()
			out := e.anon.must(201, "POST", "/employers", map[string]any{
				"name": emp.Name + user, "credit_code": code, "district": emp.District, "street": emp.Street,
				"address": emp.Address, "contact_name": emp.ContactName, "contact_phone": emp.ContactPhone,
				"industry": emp.Industry, "username": user, "password": user + "-pass"})
			return id(out["employer"].(map[string]any))
		}
		first := register(storetest.EmployerInput().CreditCode, "factory")
		second := register(ident.GenerateCreditCode("9144030735912997"), "rival")
		boss, rival := e.anon.login("factory", "factory-pass"), e.anon.login("rival", "rival-pass")
		district.must(200, "POST", "/employers/"+itoa(first)+"/review", map[string]string{"decision": "verify", "comment": "材料齐全"})

		if got := rival.must(200, "GET", "/employers/"+itoa(first), nil); got["contact_phone"] != "" || got["contact_name"] != "" || got["name"] == "" {
			t.Errorf("another employer reads the contact: %v", got)
		}
		if got := boss.must(200, "GET", "/employers/"+itoa(first), nil); got["contact_phone"] != storetest.EmployerInput().ContactPhone {
			t.Errorf("the employer's own record: %v", got)
		}
		rival.must(403, "GET", "/employers/"+itoa(first)+"/reviews", nil)
		boss.must(200, "GET", "/employers/"+itoa(first)+"/reviews", nil)
		_ = second

		start := time.Now().In(easyjob.Shanghai).AddDate(0, 0, 7).Format(time.DateOnly)
		closing := time.Now().In(easyjob.Shanghai).AddDate(0, 0, 30).Format(time.DateOnly)
		var pids []int64
		for range 2 {
			p := boss.must(201, "POST", "/postings", map[string]any{"title": "手机厂普工", "occupation": "6-25-04-02", "headcount": 3,
				"pay_min": 5200, "pay_max": 6800, "pay_day": 15, "shift": "two_shifts", "start_date": start, "closing_date": closing,
				"district": "440307", "street": "440307018", "address": "甘李路 8 号", "description": "入职不收任何费用。"})
			pids = append(pids, id(p))
			district.must(200, "POST", "/postings/"+itoa(id(p))+"/review", map[string]string{"decision": "approve", "comment": "注意加班"})
		}
		rival.must(403, "GET", "/postings/"+itoa(pids[0])+"/reviews", nil)

		sk := storetest.SeekerInput()
		sid := id(station.must(201, "POST", "/seekers", map[string]any{"name": sk.Name, "id_number": sk.IDNumber, "phone": sk.Phone,
			"trades": sk.Trades, "expected_pay": 4800, "consent_method": "signed"}))
		var aids []int64
		for _, pid := range pids {
			aids = append(aids, id(station.must(201, "POST", "/postings/"+itoa(pid)+"/apply", map[string]any{"seeker_id": sid})))
		}
		boss.must(200, "POST", "/applications/"+itoa(aids[0])+"/transition", map[string]any{"to": "offered", "start_date": start, "pay": 5200})
		out := boss.must(409, "POST", "/applications/"+itoa(aids[1])+"/transition", map[string]any{"to": "offered", "start_date": start, "pay": 5200})
		if msg := out["error"].(map[string]any)["message"].(string); !strings.Contains(msg, "录用") {
			t.Errorf("409 message %q", msg)
		}
	})
}
