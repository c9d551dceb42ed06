package api_test

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"easyjob/internal/api"
	"easyjob/internal/config"
	"easyjob/internal/easyjob"
	"easyjob/internal/store/storetest"
)

// TestAPIMatchesOpenAPI walks the API as admin, officers, an employer and
// seekers on both databases — lists, details, creates, moves and the usual
// refusals (401, 403, 404, 409, 422, 429, a cross-origin write) — and the
// checker validates every request and answer against the served document
// (#10 item 19). Every documented operation must be walked.
func TestAPIMatchesOpenAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		// The walk signs in more often than one client may in a minute
		// (TestSignInsPerClientAreLimited holds the limit).
		e := bootWith(t, k, func(c *config.Config) { c.SignInPerMinute, c.CodesPerHour = 1000, 1000 })
		admin, anon := e.admin, e.anon
		ctx := context.Background()

		// Accounts.
		anon.must(401, "GET", "/me", nil)
		admin.must(200, "GET", "/me", nil)
		admin.must(201, "POST", "/users", map[string]any{"username": "city", "password": "city-password", "name": "市局", "role": "officer", "region": "4403"})
		admin.must(201, "POST", "/users", map[string]any{"username": "longgang", "password": "longgang-pass", "name": "龙岗区人社局", "role": "officer", "region": "440307"})
		admin.must(201, "POST", "/users", map[string]any{"username": "napo", "password": "napo-station", "name": "那坡县工作站", "role": "officer", "region": "451026"})
		admin.must(422, "POST", "/users", map[string]any{"username": "x", "password": "short", "name": "", "role": "officer", "region": "999999"})
		city, district, station := anon.login("city", "city-password"), anon.login("longgang", "longgang-pass"), anon.login("napo", "napo-station")
		anon.must(401, "POST", "/login", map[string]string{"username": "napo", "password": "wrong-password"})

		// Employers.
		emp := storetest.EmployerInput()
		out := anon.must(201, "POST", "/employers", map[string]any{
			"name": emp.Name, "credit_code": emp.CreditCode, "district": emp.District, "street": emp.Street,
			"address": emp.Address, "contact_name": emp.ContactName, "contact_phone": emp.ContactPhone,
			"industry": emp.Industry, "username": "factory", "password": "factory-pass"})
		empID := itoa(id(out["employer"].(map[string]any)))
		boss := anon.login("factory", "factory-pass")
		boss.must(201, "POST", "/users", map[string]any{"username": "factory2", "password": "factory2-pass", "name": "HR", "role": "employer", "employer_id": mustID(empID)})
		district.must(200, "GET", "/employers"+query("verified", "false", "limit", "5"), nil)
		station.must(200, "GET", "/employers/"+empID, nil)
		station.must(404, "GET", "/employers/999999", nil)
		boss.must(403, "POST", "/employers/"+empID+"/review", map[string]string{"decision": "verify"})
		district.must(200, "POST", "/employers/"+empID+"/review", map[string]string{"decision": "verify", "comment": "ok"})
		boss.must(200, "GET", "/employers/"+empID+"/reviews", nil)
		boss.must(200, "PUT", "/employers/"+empID+"/point", map[string]float64{"lat": 22.72, "lng": 114.25})
		boss.must(422, "PUT", "/employers/"+empID+"/point", map[string]float64{"lat": 0, "lng": 0})

		// Postings.
		start := time.Now().In(easyjob.Shanghai).AddDate(0, 0, 2).Format(time.DateOnly) // leaves tomorrow
		closing := time.Now().In(easyjob.Shanghai).AddDate(0, 0, 30).Format(time.DateOnly)
		posting := map[string]any{"title": "手机厂普工", "occupation": "6-25-04-02", "headcount": 5, "pay_min": 5200,
			"pay_max": 6800, "dorm": true, "meals": true, "shift": "two_shifts", "social_insurance": true, "pay_day": 10,
			"start_date": start, "closing_date": closing, "district": "440307", "street": "440307018",
			"address": "甘李路 8 号", "description": "入职不收任何费用。"}
		pid := itoa(id(boss.must(201, "POST", "/postings", posting)))
		posting["headcount"] = 6
		boss.must(200, "PUT", "/postings/"+pid, posting)
		district.must(200, "POST", "/postings/"+pid+"/review", map[string]string{"decision": "approve"})
		boss.must(422, "POST", "/postings", map[string]any{"title": "", "headcount": 0})
		other := itoa(id(boss.must(201, "POST", "/postings", posting)))
		boss.must(200, "POST", "/postings/"+other+"/close", nil)
		anon.must(200, "GET", "/postings"+query("limit", "1"), nil)
		anon.must(200, "GET", "/postings"+query("q", "普工", "dorm", "true", "pay_min", "1000", "start_from", start), nil)
		boss.must(200, "GET", "/postings"+query("status", "published", "district", "440307"), nil)
		anon.must(200, "GET", "/postings/"+pid, nil)
		anon.must(404, "GET", "/postings/999999", nil)
		boss.must(200, "GET", "/postings/"+pid+"/reviews", nil)

		// Seekers.
		sk := storetest.SeekerInput()
		seeker := map[string]any{"name": sk.Name, "id_number": sk.IDNumber, "phone": sk.Phone, "trades": sk.Trades,
			"expected_pay": 4800, "wants_dorm": true, "wants_meals": true, "consent_method": "signed"}
		sid := itoa(id(station.must(201, "POST", "/seekers", seeker)))
		station.must(422, "POST", "/seekers", seeker)
		station.must(200, "GET", "/seekers"+query("limit", "5", "health", "green"), nil)
		station.must(200, "GET", "/seekers/"+sid, nil)
		station.must(200, "GET", "/seekers/"+sid+query("reveal", "核对乘车身份"), nil)
		boss.must(404, "GET", "/seekers/"+sid, nil)
		station.must(200, "PUT", "/seekers/"+sid, map[string]any{"trades": sk.Trades, "expected_pay": 5000, "wants_dorm": true, "available_from": start})
		station.must(200, "POST", "/seekers/"+sid+"/poor", map[string]bool{"registered_poor": true})
		station.must(200, "POST", "/seekers/"+sid+"/health", map[string]string{"health": "green"})
		station.must(200, "GET", "/seekers/"+sid+"/audit", nil)

		// The seeker signs in with a code and applies.
		anon.must(202, "POST", "/login/code", map[string]string{"phone": sk.Phone})
		anon.must(429, "POST", "/login/code", map[string]string{"phone": sk.Phone})
		anon.must(422, "POST", "/login", map[string]string{"phone": sk.Phone, "code": "000000"})
		me := anon.as(anon.must(200, "POST", "/login", map[string]string{"phone": sk.Phone, "code": e.codeFor(sk.Phone)})["token"].(string))
		me.must(200, "GET", "/me", nil)
		aid := itoa(id(me.must(201, "POST", "/postings/"+pid+"/apply", nil)))
		me.must(409, "POST", "/postings/"+pid+"/apply", nil)
		me.must(200, "GET", "/applications", nil)
		me.must(200, "GET", "/applications/"+aid, nil) // no offer yet: no offer_start_date
		boss.must(200, "GET", "/postings/"+pid+"/applications"+query("state", "applied", "limit", "10"), nil)
		boss.must(200, "GET", "/seekers/"+sid, nil)
		boss.must(200, "POST", "/applications/"+aid+"/transition", map[string]any{"to": "shortlisted"})
		boss.must(200, "POST", "/applications/"+aid+"/transition", map[string]any{"to": "offered", "start_date": start, "pay": 5200})
		me.must(200, "POST", "/applications/"+aid+"/transition", map[string]any{"to": "accepted"})
		me.must(409, "POST", "/applications/"+aid+"/transition", map[string]any{"to": "arrived"})
		boss.must(200, "GET", "/applications/"+aid+"/events", nil)
		station.must(200, "GET", "/applications"+query("seeker_id", sid, "posting_id", pid), nil)

		// A seeker new to the platform writes their own profile.
		sk2 := storetest.SeekerInput()
		anon.must(202, "POST", "/login/code", map[string]string{"phone": sk2.Phone})
		me2 := anon.as(anon.must(200, "POST", "/login", map[string]string{"phone": sk2.Phone, "code": e.codeFor(sk2.Phone)})["token"].(string))
		me2.must(201, "POST", "/me/profile", map[string]any{"name": sk2.Name, "id_number": sk2.IDNumber, "phone": sk2.Phone,
			"trades": sk2.Trades, "consent_method": "app"})

		// Matching.
		station.must(200, "GET", "/seekers/"+sid+"/recommendations"+query("limit", "5"), nil)
		boss.must(200, "GET", "/postings/"+pid+"/candidates"+query("limit", "5"), nil)
		policy := city.must(200, "GET", "/matching/policy", nil)
		city.must(200, "PUT", "/matching/policy", policy)
		boss.must(403, "PUT", "/matching/policy", policy)
		run := station.must(201, "POST", "/matchdays", map[string]any{"date": time.Now().In(easyjob.Shanghai).AddDate(0, 0, 3).Format(time.DateOnly)})
		station.must(200, "GET", "/matchdays/"+itoa(id(run)), nil)
		if st, _ := station.do("POST", "/matchdays/"+itoa(id(run))+"/convert", map[string]any{"proposal_ids": []int64{}}); st >= 500 {
			t.Fatalf("convert: %d", st)
		}

		// Charters: pickup points (a location is required); one edited,
		// retired and offered again.
		pk := station.must(201, "POST", "/pickup-points", map[string]any{"name": "那坡县人民政府", "county_seat": true})
		station.must(422, "POST", "/pickup-points", map[string]any{"name": "村口"})
		spare := station.must(201, "POST", "/pickup-points", map[string]any{"name": "村口", "known": "451026"})
		station.must(201, "POST", "/pickup-points", map[string]any{"name": "百省乡路口", "lat": 23.3, "lng": 105.95})
		station.must(200, "PUT", "/pickup-points/"+itoa(id(spare)), map[string]any{"name": "村口车站", "lat": 23.4, "lng": 105.85})
		station.must(404, "PUT", "/pickup-points/999999", map[string]any{"name": "村口车站", "lat": 23.4, "lng": 105.85})
		boss.must(403, "PUT", "/pickup-points/"+itoa(id(spare)), map[string]any{"name": "村口车站", "lat": 23.4, "lng": 105.85})
		station.must(200, "PUT", "/pickup-points/"+itoa(id(spare))+"/retired", map[string]any{"retired": true})
		station.must(200, "PUT", "/pickup-points/"+itoa(id(spare))+"/retired", map[string]any{"retired": false})
		boss.must(403, "PUT", "/pickup-points/"+itoa(id(spare))+"/retired", map[string]any{"retired": true})
		page := station.must(200, "GET", "/pickup-points"+query("limit", "1"), nil)
		if page["next_cursor"] == "" || len(page["items"].([]any)) != 1 {
			t.Fatalf("pickup points page %v", page)
		}
		station.must(200, "GET", "/pickup-points"+query("limit", "2", "cursor", page["next_cursor"].(string)), nil)
		station.must(422, "GET", "/pickup-points"+query("cursor", "!!"), nil)
		station.must(422, "GET", "/pickup-points"+query("limit", "0"), nil)
		boss.must(403, "GET", "/pickup-points", nil)
		station.must(200, "GET", "/counties/451026/risk", nil)
		station.must(200, "PUT", "/counties/451026/risk", map[string]string{"level": "low"})
		boss.must(403, "GET", "/counties/451026/risk", nil)
		// Work sites, riders by departure day, and travelling on one's own.
		eid := itoa(int64(boss.must(200, "GET", "/postings/"+pid, nil)["employer_id"].(float64)))
		boss.must(200, "GET", "/employers/"+eid+"/site", nil)
		boss.must(422, "PUT", "/employers/"+eid+"/site", map[string]any{"address": "", "lat": 22.7})
		boss.must(200, "PUT", "/employers/"+eid+"/site", map[string]any{"address": "吉华街道甘李路 8 号", "known": "440307"})
		station.must(403, "PUT", "/employers/"+eid+"/site", map[string]any{"address": "x", "lat": 22.7, "lng": 114.2})
		boss.must(200, "GET", "/postings/"+pid+"/site", nil)
		boss.must(200, "PUT", "/postings/"+pid+"/site", map[string]any{"address": "坪山区某园区", "lat": 22.70, "lng": 114.35})
		boss.must(200, "DELETE", "/postings/"+pid+"/site", nil)
		station.must(404, "PUT", "/postings/"+pid+"/site", map[string]any{"address": "x", "lat": 22.7, "lng": 114.2})
		station.must(200, "GET", "/counties/451026/riders", nil)
		boss.must(403, "GET", "/counties/451026/riders", nil)
		me.must(200, "GET", "/applications/"+aid+"/travel", nil)
		me.must(200, "PUT", "/applications/"+aid+"/travel", map[string]bool{"own_travel": true})
		station.must(200, "PUT", "/applications/"+aid+"/travel", map[string]bool{"own_travel": false})
		me2.must(404, "GET", "/applications/"+aid+"/travel", nil)
		day := time.Now().In(easyjob.Shanghai).AddDate(0, 0, 1).Format(time.DateOnly)
		req := map[string]any{"date": day, "pickup_point_id": id(pk), "seats": 45}
		station.must(200, "POST", "/plans/preview", req)
		plan := station.must(201, "POST", "/plans", req)
		planID := itoa(id(plan))
		station.must(200, "GET", "/plans/"+planID, nil)
		station.must(200, "POST", "/plans/"+planID+"/replan", map[string]bool{"confirm": false})
		station.must(200, "GET", "/charters"+query("date", day, "plan_id", planID, "limit", "1"), nil)
		station.must(422, "GET", "/charters"+query("date", "tomorrow"), nil)
		cid := itoa(id(plan["charters"].([]any)[0].(map[string]any)))
		m := station.must(200, "GET", "/charters/"+cid, nil)
		seat := itoa(int64(m["riders"].([]any)[0].(map[string]any)["seat_id"].(float64)))
		station.must(404, "GET", "/charters/999999", nil)
		seats, err := e.app.Charter.MySeats(ctx, easyjob.Actor{Role: easyjob.RoleSeeker, SeekerID: mustID(sid)})
		if err != nil || len(seats) != 1 {
			t.Fatalf("seats %v %v", seats, err)
		}
		for _, p := range seats {
			me.must(200, "GET", "/passes/"+p.Token, nil)
		}
		me.must(404, "GET", "/passes/no-such-pass", nil)
		if st, _ := station.do("POST", "/charters/"+cid+"/riders", map[string]int64{"application_id": mustID(aid)}); st != 409 && st != 422 {
			t.Fatalf("seating a seated rider: %d", st)
		}
		if st, _ := station.do("POST", "/seats/"+seat+"/reassign", map[string]int64{"charter_id": mustID(cid)}); st < 400 || st >= 500 {
			t.Fatalf("reassign to the same charter: %d", st)
		}
		station.must(200, "POST", "/charters/"+cid+"/checkin", map[string]string{"code": sk.IDNumber[12:]})
		station.must(409, "POST", "/charters/"+cid+"/checkin", map[string]string{"code": sk.IDNumber[12:]})
		if st, _ := station.do("POST", "/seats/"+seat+"/no-show", nil); st != 409 && st != 200 {
			t.Fatalf("no-show of a boarded rider: %d", st)
		}
		station.must(409, "POST", "/charters/"+cid+"/depart"+query("confirm", "false"), nil)
		station.must(200, "POST", "/charters/"+cid+"/depart"+query("confirm", "true"), nil)
		boss.must(200, "GET", "/arrivals"+query("limit", "10"), nil)
		me.must(403, "GET", "/arrivals", nil)
		boss.must(200, "POST", "/applications/"+aid+"/arrive", nil)
		station.must(200, "GET", "/recommendations/short-counts", nil)
		boss.must(403, "GET", "/recommendations/short-counts", nil)

		// Dashboards and the daily briefing.
		today := time.Now().In(easyjob.Shanghai)
		from, to := today.AddDate(0, 0, -30).Format(time.DateOnly), today.Format(time.DateOnly)
		city.must(200, "GET", "/outcomes", nil)
		for _, g := range []string{"origin_county", "district", "employer", "trade", "week"} {
			city.must(200, "GET", "/outcomes"+query("group_by", g, "from", from, "to", to), nil)
		}
		city.must(200, "GET", "/outcomes"+query("region", "440307", "employer", empID, "trade", "6-24-05-04", "from", from, "to", to), nil)
		city.must(422, "GET", "/outcomes"+query("group_by", "colour"), nil)
		station.must(200, "GET", "/outcomes"+query("region", "451026"), nil)
		station.must(403, "GET", "/outcomes"+query("region", "440307"), nil)
		anon.must(401, "GET", "/outcomes", nil)
		anon.must(404, "GET", "/briefings/"+from+query("lang", "en"), nil)
		anon.must(422, "GET", "/briefings/yesterday", nil)

		// The systems: retention (90 days on), epidemic reports, enterprise support.
		w := &walk{t: t, e: e, anon: anon, city: city, district: district, station: station, boss: boss,
			empID: empID, aid: aid, phone: sk.Phone}
		w.retention()
		w.epidemic()
		w.support()
		w.equipment()
		w.goodwill()
		me = w.me

		// A cross-origin write is refused in the error shape.
		status, body := crossOrigin(t, me, "/logout")
		if status != 403 || body["error"] == nil || body["error"].(map[string]any)["code"] != "forbidden" {
			t.Fatalf("cross-origin: %d %v", status, body)
		}
		me.must(200, "POST", "/logout", nil)
		me.must(401, "GET", "/me", nil)

		// Every documented operation was walked.
		seen := e.check.operations()
		var missing []string
		for _, r := range (&api.Handler{}).Table() {
			if seen[r.ID] == nil {
				missing = append(missing, r.ID)
			}
		}
		sort.Strings(missing)
		if len(missing) > 0 {
			t.Errorf("operations not walked: %s", strings.Join(missing, ", "))
		}
		_ = http.StatusOK
	})
}

func mustID(s string) int64 {
	var n int64
	for _, c := range s {
		n = n*10 + int64(c-'0')
	}
	return n
}
