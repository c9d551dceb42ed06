package api_test

import (
	"testing"

	"easyjob/internal/store/storetest"
)

// The funnel and the briefing through the API: the grouping's items and the
// total, bad input named in a 422, a region outside the scope a 403, a day
// without a published briefing a 404.
func TestBriefingAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		e := boot(t, k)
		e.admin.must(201, "POST", "/users", map[string]any{"username": "napo", "password": "napo-station", "name": "那坡县工作站", "role": "officer", "region": "451026"})
		station := e.anon.login("napo", "napo-station")
		for _, g := range []string{"origin_county", "district", "employer", "trade", "week"} {
			out := e.admin.must(200, "GET", "/outcomes?group_by="+g+"&from=2020-01-01&to=2020-03-01", nil)
			if _, ok := out["items"].([]any); !ok {
				t.Fatalf("%s: %v", g, out)
			}
			if _, ok := out["total"].(map[string]any)["retained_180"]; !ok {
				t.Fatalf("%s: %v", g, out)
			}
		}
		for q, field := range map[string]string{
			"from=2020-02-01&to=2020-01-01": "to",
			"from=2018-01-01&to=2018-02-01": "from",
			"from=2019-01-01&to=2020-03-01": "to",
			"from=2020-01-01&to=2099-01-01": "to",
			"group_by=planet":               "group_by",
			"from=yesterday":                "from",
		} {
			out := e.admin.must(422, "GET", "/outcomes?"+q, nil)
			if _, ok := out["error"].(map[string]any)["fields"].(map[string]any)[field]; !ok {
				t.Errorf("%s: %v, want %s named", q, out, field)
			}
		}
		station.must(403, "GET", "/outcomes?region=440307&from=2020-01-01&to=2020-03-01", nil)
		station.must(200, "GET", "/outcomes?region=451026&from=2020-01-01&to=2020-03-01", nil)
		e.anon.must(401, "GET", "/outcomes", nil)
		e.anon.must(404, "GET", "/briefings/2020-02-01", nil)
		e.anon.must(422, "GET", "/briefings/yesterday", nil)
	})
}
