package api_test

import (
	"context"
	"testing"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
)

// An officer plans, boards and departs a charter through the API; the
// employer confirms the arrival.
func TestChartersAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		e := boot(t, k)
		ctx := context.Background()
		s := e.app.Store
		cu, err := s.CreateUser(ctx, easyjob.Actor{Role: easyjob.RoleAdmin, Scope: easyjob.ScopeAll}, store.NewUser{Username: "city", Password: "city-password",
			Name: "市局", Role: easyjob.RoleOfficer, Region: "4403"})
		if err != nil {
			t.Fatal(err)
		}
		root := store.ActorOf(cu, "zh-CN")
		e.admin.must(201, "POST", "/users", map[string]any{"username": "napo", "password": "napo-station", "name": "那坡县工作站", "role": "officer", "region": "451026"})
		station := e.anon.login("napo", "napo-station")
		emp, u, err := s.RegisterEmployer(ctx, store.EmployerSignup{EmployerInput: storetest.EmployerInput(), Username: "factory", Password: "factory-pass"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.VerifyEmployer(ctx, root, emp.ID, "verify", ""); err != nil {
			t.Fatal(err)
		}
		boss := e.anon.login("factory", "factory-pass")
		today := easyjob.DateOf(time.Now())
		in := storetest.EmployerInput()
		p, err := s.CreatePosting(ctx, store.ActorOf(u, "zh-CN"), emp.ID, easyjob.PostingInput{Title: "普工", Occupation: "6-25-04-02",
			Headcount: 5, PayMin: 5000, PayMax: 6000, Dorm: true, Meals: true, Shift: easyjob.ShiftTwo, StartDate: today.AddDays(5),
			ClosingDate: today.AddDays(20), District: in.District, Street: in.Street, Address: in.Address, Description: "组装。"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReviewPosting(ctx, root, p.ID, "approve", ""); err != nil {
			t.Fatal(err)
		}
		var apps []int64
		var ids []string
		for _, health := range []string{easyjob.HealthGreen, easyjob.HealthGreen, easyjob.HealthRed} {
			si := storetest.SeekerInput()
			sk, err := s.RegisterSeeker(ctx, root, si)
			if err != nil {
				t.Fatal(err)
			}
			app, err := s.Apply(ctx, root, sk.ID, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Transition(ctx, root, app.ID, store.Move{To: easyjob.StateOffered, StartDate: today.AddDays(2), Pay: 5200}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Transition(ctx, root, app.ID, store.Move{To: easyjob.StateAccepted}); err != nil {
				t.Fatal(err)
			}
			if err := s.SetHealth(ctx, root, sk.ID, health); err != nil {
				t.Fatal(err)
			}
			apps, ids = append(apps, app.ID), append(ids, si.IDNumber)
		}

		pk := station.must(201, "POST", "/pickup-points", map[string]any{"name": "那坡县人民政府", "county_seat": true})
		if pk["lat"] == nil {
			t.Fatalf("pickup point without the county seat's coordinates: %v", pk)
		}
		// A pickup point needs a location; it can be edited and retired.
		if out := station.must(422, "POST", "/pickup-points", map[string]any{"name": "村口"}); !fieldErr(out, "lat") {
			t.Fatalf("no location: %v", out)
		}
		spare := station.must(201, "POST", "/pickup-points", map[string]any{"name": "村口", "known": "451026"})
		station.must(200, "PUT", "/pickup-points/"+itoa(id(spare)), map[string]any{"name": "村口车站", "lat": 23.4, "lng": 105.85})
		if got := station.must(200, "PUT", "/pickup-points/"+itoa(id(spare))+"/retired", map[string]any{"retired": true}); got["retired"] != true {
			t.Fatalf("retire %v", got)
		}
		day := today.AddDays(1).String()
		req := map[string]any{"date": day, "pickup_point_id": id(pk), "seats": 45}

		// Bad input: named problems, nothing written.
		out := station.must(422, "POST", "/plans", map[string]any{"date": day, "pickup_point_id": id(spare), "seats": 45})
		if !fieldErr(out, "pickup_point_id") {
			t.Fatalf("retired point: %v", out)
		}
		out = station.must(422, "POST", "/plans", map[string]any{"date": day, "pickup_point_id": id(pk), "seats": 0})
		if !fieldErr(out, "seats") {
			t.Fatalf("no seats: %v", out)
		}

		// The three hires start the day after tomorrow: they leave tomorrow.
		wr := station.must(200, "GET", "/counties/451026/riders", nil)
		if days := wr["days"].([]any); len(days) != 1 || wr["next"] != day || days[0].(map[string]any)["riders"].(float64) != 3 {
			t.Fatalf("waiting riders %v", wr)
		}
		pv := station.must(200, "POST", "/plans/preview", req)
		fails := pv["gate_failures"].([]any)
		if len(fails) != 1 || fails[0].(map[string]any)["reason"] != "gate.health_not_green" || fails[0].(map[string]any)["message"] == "" {
			t.Fatalf("gate failures %v", pv["gate_failures"])
		}
		// A high-risk county: the preview says why nobody rides.
		station.must(200, "PUT", "/counties/451026/risk", map[string]string{"level": "high"})
		pv = station.must(200, "POST", "/plans/preview", req)
		if pv["problem"] == nil || len(pv["gate_failures"].([]any)) != 3 {
			t.Fatalf("high risk preview %v", pv)
		}
		station.must(422, "POST", "/plans", req)
		station.must(200, "PUT", "/counties/451026/risk", map[string]string{"level": "low"})

		plan := station.must(201, "POST", "/plans", req)
		cs := plan["charters"].([]any)
		if len(cs) != 1 {
			t.Fatalf("plan %v", plan)
		}
		cid := itoa(id(cs[0].(map[string]any)))
		m := station.must(200, "GET", "/charters/"+cid, nil)
		if riders := m["riders"].([]any); len(riders) != 2 {
			t.Fatalf("manifest %v", m)
		}
		station.must(200, "POST", "/charters/"+cid+"/checkin", map[string]string{"code": ids[0][12:]})
		station.must(409, "POST", "/charters/"+cid+"/checkin", map[string]string{"code": ids[0][12:]})
		// Tomorrow's charter departs today only when the officer confirms.
		early := station.must(409, "POST", "/charters/"+cid+"/depart", nil)
		if early["code"] != "conflict" && early["error"] == nil {
			t.Fatalf("early depart %v", early)
		}
		dep := station.must(200, "POST", "/charters/"+cid+"/depart?confirm=true", nil)
		if dep["departed"].(float64) != 1 || dep["no_shows"].(float64) != 1 {
			t.Fatalf("depart %v", dep)
		}
		arr := boss.must(200, "GET", "/arrivals", nil)["items"].([]any)
		if len(arr) != 1 || int64(arr[0].(map[string]any)["application_id"].(float64)) != apps[0] {
			t.Fatalf("arrivals %v", arr)
		}
		got := boss.must(200, "POST", "/applications/"+itoa(apps[0])+"/arrive", nil)
		if got["state"] != "arrived" {
			t.Fatalf("arrive %v", got)
		}
		// The route table documents the charter operations.
		doc := e.anon.must(200, "GET", "/openapi.json", nil)
		if paths := doc["paths"].(map[string]any); paths["/plans/preview"] == nil || paths["/charters/{id}/checkin"] == nil {
			t.Fatal("charter routes missing from the OpenAPI document")
		}
	})
}
