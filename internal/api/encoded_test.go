package api_test

import (
	"testing"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/store/storetest"
)

// TestListedPostingsFollowChanges: postings in recommendations and search
// (as cards: what a list shows) and the detail (the whole posting) are
// written from bytes encoded once per version of the posting (and
// language, for the detail); a change — an application moving a counter,
// an edit approved again — is served at once, in every language.
func TestListedPostingsFollowChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		e := boot(t, k)
		district, station, boss := officesAndFactory(e)
		start := time.Now().In(easyjob.Shanghai).AddDate(0, 0, 3).Format(time.DateOnly)
		closing := time.Now().In(easyjob.Shanghai).AddDate(0, 0, 30).Format(time.DateOnly)
		posting := map[string]any{"title": "手机厂普工", "occupation": "6-25-04-02", "headcount": 3,
			"pay_min": 5500, "pay_max": 6800, "pay_day": 10, "dorm": true, "meals": true, "shift": "two_shifts",
			"start_date": start, "closing_date": closing, "district": "440307", "street": "440307018",
			"address": "甘李路 8 号", "description": "手机主板组装。"}
		pid := id(boss.must(201, "POST", "/postings", posting))
		district.must(200, "POST", "/postings/"+itoa(pid)+"/review", map[string]string{"decision": "approve"})
		var sids []int64
		for range 2 {
			sk := storetest.SeekerInput()
			sids = append(sids, id(station.must(201, "POST", "/seekers", map[string]any{"name": sk.Name, "id_number": sk.IDNumber,
				"phone": sk.Phone, "trades": sk.Trades, "expected_pay": 4500, "wants_dorm": true, "wants_meals": true,
				"consent_method": "signed"})))
		}
		// Every place a posting is listed or shown, in both languages.
		shown := func(when, title string, pending int) {
			t.Helper()
			for _, c := range []*client{station, station.in("en")} {
				var ps []map[string]any
				items := c.must(200, "GET", "/seekers/"+itoa(sids[1])+"/recommendations", nil)["items"].([]any)
				for _, x := range items {
					ps = append(ps, x.(map[string]any)["posting"].(map[string]any))
				}
				for _, x := range c.must(200, "GET", "/postings?q=手机&limit=20", nil)["items"].([]any) {
					ps = append(ps, x.(map[string]any))
				}
				ps = append(ps, c.must(200, "GET", "/postings/"+itoa(pid), nil))
				if len(ps) != 3 {
					t.Fatalf("%s: the posting is listed %d times, want 3: %v", when, len(ps), ps)
				}
				for i, p := range ps {
					if id(p) != pid || p["title"] != title || int(p["pending"].(float64)) != pending {
						t.Fatalf("%s: posting %v, want title %q and %d pending", when, p, title, pending)
					}
					// Lists carry the card, the detail the whole posting.
					_, whole := p["description"]
					_, card := p["remaining"]
					if detail := i == len(ps)-1; whole != detail || card == detail || !detail && int(p["remaining"].(float64)) != 3 {
						t.Fatalf("%s: %d-th posting shown %v: want the card in lists (remaining 3) and the whole posting in the detail", when, i, p)
					}
				}
			}
		}
		shown("published", "手机厂普工", 0)
		station.must(201, "POST", "/postings/"+itoa(pid)+"/apply", map[string]any{"seeker_id": sids[0]})
		shown("after an application", "手机厂普工", 1)
		posting["title"] = "手机厂普工（夜班补贴）"
		boss.must(200, "PUT", "/postings/"+itoa(pid), posting)
		district.must(200, "POST", "/postings/"+itoa(pid)+"/review", map[string]string{"decision": "approve"})
		shown("edited and approved again", "手机厂普工（夜班补贴）", 1)
	})
}
