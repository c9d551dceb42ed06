package api_test

import (
	"testing"

	"easyjob/internal/store/storetest"
)

// Reports and status through the API: missing values sent as null or ""
// stay missing, corrections keep versions, bad input is named, scope is
// a 403.
func TestEpidemicAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		e := boot(t, k)
		e.admin.must(201, "POST", "/users", map[string]any{"username": "napo", "password": "napo-station", "name": "那坡县工作站", "role": "officer", "region": "451026"})
		station := e.anon.login("napo", "napo-station")
		day := "2020-02-20"
		out := station.must(200, "PUT", "/regions/451026/reports/"+day, `{"new_confirmed": 0, "new_suspected": "", "in_hospital": null}`)
		vals := out["values"].(map[string]any)
		if out["version"].(float64) != 1 || vals["new_confirmed"] != 0.0 || vals["new_suspected"] != nil || vals["in_hospital"] != nil || out["late"] != true {
			t.Fatalf("first report %v", out)
		}
		st := station.must(200, "GET", "/regions/451026/status?as_of="+day, nil)
		if st["three_zeros"] != false || st["streak_start"] != nil || st["streak_days"] != 0.0 || st["risk_level"] != "medium" {
			t.Fatalf("missing values are not zeros: %v", st)
		}
		out = station.must(200, "PUT", "/regions/451026/reports/"+day, map[string]any{"new_confirmed": 0, "new_suspected": 0, "in_hospital": 0})
		if out["version"].(float64) != 2 || out["correction"] != true {
			t.Fatalf("correction %v", out)
		}
		st = station.must(200, "GET", "/regions/451026/status?as_of="+day, nil)
		if st["three_zeros"] != true || st["streak_start"] != day || st["streak_days"] != 1.0 || st["risk_level"] != "medium" {
			t.Fatalf("three zeros: %v", st)
		}
		list := station.must(200, "GET", "/regions/451026/reports?from=2020-02-19&to="+day, nil)
		items := list["items"].([]any)
		if len(items) != 2 || len(items[0].(map[string]any)["versions"].([]any)) != 2 {
			t.Fatalf("reports %v", list)
		}
		board := station.must(200, "GET", "/regions?as_of="+day, nil)
		if len(board["regions"].([]any)) < 20 || len(board["rollups"].([]any)) == 0 {
			t.Fatalf("board %v", board)
		}
		station.must(200, "GET", "/epidemic/events?from=2020-02-01&to="+day, nil)

		for _, tc := range []struct {
			name, method, path string
			body               any
			status             int
			field, key         string
		}{
			{"negative", "PUT", "/regions/451026/reports/" + day, `{"new_confirmed": -1}`, 422, "new_confirmed", "epidemic.count_negative"},
			{"a word", "PUT", "/regions/451026/reports/" + day, `{"in_hospital": "three"}`, 422, "in_hospital", ""},
			{"future", "PUT", "/regions/451026/reports/2099-01-01", `{}`, 422, "date", "epidemic.date_future"},
			{"too early", "PUT", "/regions/451026/reports/2019-11-30", `{}`, 422, "date", "epidemic.date_too_early"},
			{"another county", "PUT", "/regions/451024/reports/" + day, `{}`, 403, "", ""},
			{"bad as_of", "GET", "/regions/451026/status?as_of=yesterday", nil, 422, "as_of", ""},
			{"future as_of", "GET", "/regions/451026/status?as_of=2099-01-01", nil, 422, "as_of", "epidemic.date_future"},
			{"unknown region", "GET", "/regions/999999/status", nil, 404, "", ""},
			{"rule by a station", "PUT", "/epidemic/rule", map[string]any{"high_days": 14, "medium_days": 14, "low_days": 14, "no_reports": "low", "deadline_hour": 10}, 403, "", ""},
		} {
			got, body := station.do(tc.method, tc.path, tc.body)
			if got != tc.status {
				t.Errorf("%s: %d %v", tc.name, got, body)
				continue
			}
			if tc.field != "" {
				errBody, _ := body["error"].(map[string]any)
				fields, _ := errBody["fields"].(map[string]any)
				msg, ok := fields[tc.field].(string)
				if !ok || msg == "" || (tc.key != "" && msg == tc.key) {
					t.Errorf("%s: %v", tc.name, body)
				}
			}
		}
		// Nothing refused was written.
		list = station.must(200, "GET", "/regions/451026/reports?from="+day+"&to="+day, nil)
		if n := len(list["items"].([]any)[0].(map[string]any)["versions"].([]any)); n != 2 {
			t.Fatalf("%d versions after refused reports", n)
		}
		// Overrides: who, why, until when.
		ov := station.must(200, "PUT", "/counties/451026/override", map[string]any{"level": "high", "reason": "复核"})
		if ov["level"] != "high" || ov["source"] != "override" || ov["reason"] != "复核" {
			t.Fatalf("override %v", ov)
		}
		if rk := station.must(200, "GET", "/counties/451026/risk", nil); rk["level"] != "high" {
			t.Fatalf("risk %v", rk)
		}
		station.must(200, "PUT", "/counties/451026/override", map[string]any{"level": ""})
		rule := e.admin.must(200, "GET", "/epidemic/rule", nil)
		if rule["deadline_hour"] != 10.0 || rule["low_days"] != 14.0 {
			t.Fatalf("rule %v", rule)
		}
	})
}
