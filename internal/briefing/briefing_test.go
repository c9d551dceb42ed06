package briefing_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"easyjob/internal/briefing"
	"easyjob/internal/demo"
	"easyjob/internal/easyjob"
	"easyjob/internal/i18n"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
)

type rig struct {
	s                   *store.Store
	b                   *briefing.Service
	city, station, dist easyjob.Actor
	writer, editor, ed2 easyjob.Actor
	today, from         easyjob.Date
	clock               *storetest.Clock
}

func newRig(t *testing.T, k storetest.Kind) *rig {
	t.Helper()
	ctx := context.Background()
	s, clock := storetest.NewStore(t, k)
	if _, err := demo.Load(ctx, s, demo.Options{Seed: 7, Postings: 40, Seekers: 400, Password: "demo-password-123", Now: storetest.Start}); err != nil {
		t.Fatal(err)
	}
	root := easyjob.Actor{Role: easyjob.RoleAdmin, Scope: easyjob.ScopeAll}
	user := func(name, region string) easyjob.Actor {
		u, err := s.CreateUser(ctx, root, store.NewUser{Username: name, Password: name + "-password", Name: name, Role: easyjob.RoleOfficer, Region: region})
		if err != nil {
			t.Fatal(err)
		}
		return store.ActorOf(u, "zh-CN")
	}
	r := &rig{s: s, b: briefing.New(s, i18n.MustLoad()), clock: clock}
	r.city, r.writer, r.editor, r.ed2 = user("t-city", "4403"), user("t-writer", "4403"), user("t-editor", "4403"), user("t-editor2", "4403")
	r.station, r.dist = user("t-station", "451026"), user("t-longgang", "440307")
	r.today = easyjob.DateOf(s.Now())
	r.from = r.today.AddDays(-(briefing.MaxRange - 1))
	return r
}

// live counts a county's funnel from the hiring core's rows, as the lists
// show it: seekers registered in the range, and their applications that
// ever reached each step (an event into it).
func live(t *testing.T, r *rig, county string, from, to easyjob.Date) briefing.Counts {
	t.Helper()
	ctx := context.Background()
	var c briefing.Counts
	lo := easyjob.Millis(from.Time().Add(-8 * 3600e9))
	hi := easyjob.Millis(to.AddDays(1).Time().Add(-8 * 3600e9))
	if err := r.s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM seekers WHERE home_county LIKE $1 AND created_at >= $2 AND created_at < $3`,
		county+"%", lo, hi).Scan(&c.Registered); err != nil {
		t.Fatal(err)
	}
	for i, st := range briefing.Steps {
		if err := r.s.DB.R.QueryRowContext(ctx, `SELECT COUNT(DISTINCT a.id) FROM applications a JOIN seekers s ON s.id = a.seeker_id
			JOIN application_events e ON e.application_id = a.id AND e.to_state = $1
			WHERE s.home_county LIKE $2 AND s.created_at >= $3 AND s.created_at < $4`, st, county+"%", lo, hi).Scan(c.At(i + 1)); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func outcomes(t *testing.T, r *rig, a easyjob.Actor, q briefing.Query) briefing.Outcome {
	t.Helper()
	o, err := r.b.Outcomes(context.Background(), a, q)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// consistent checks that the counties add up to the city and that each
// county's figures are what the rows show.
func consistent(t *testing.T, r *rig) {
	t.Helper()
	q := briefing.Query{From: r.from, To: r.today, GroupBy: "origin_county"}
	o := outcomes(t, r, r.city, q)
	if len(o.Items) < 3 {
		t.Fatalf("only %d counties", len(o.Items))
	}
	var sum, poor briefing.Counts
	for _, it := range o.Items {
		c := it.Counts()
		for i := range briefing.StepNames {
			*sum.At(i) += *c.At(i)
			*poor.At(i) += *it.Poor.At(i)
		}
		if want := live(t, r, it.Key, r.from, r.today); c != want {
			t.Errorf("county %s: dashboard %+v, rows %+v", it.Key, c, want)
		}
	}
	if sum != o.Total.Counts() {
		t.Errorf("sum over counties %+v, city total %+v", sum, o.Total.Counts())
	}
	if poor != o.Total.Poor {
		t.Errorf("poor: sum over counties %+v, city total %+v", poor, o.Total.Poor)
	}
	if o.Total.Applied == 0 || o.Total.Arrived == 0 {
		t.Errorf("empty funnel: %+v", o.Total)
	}
	// One county filtered = its row.
	one := outcomes(t, r, r.city, briefing.Query{From: r.from, To: r.today, Region: o.Items[0].Key})
	if one.Total.Counts() != o.Items[0].Counts() {
		t.Errorf("filtered to %s: %+v, row %+v", o.Items[0].Key, one.Total.Counts(), o.Items[0].Counts())
	}
	// By week and by trade (the facts), the steps add up to the total.
	for _, g := range []string{"week", "trade", "employer", "district"} {
		o := outcomes(t, r, r.city, briefing.Query{From: r.from, To: r.today, GroupBy: g})
		var applied, arrived int64
		for _, it := range o.Items {
			applied += it.Applied
			arrived += it.Arrived
		}
		if applied != o.Total.Applied || arrived != o.Total.Arrived {
			t.Errorf("by %s: applied %d arrived %d, total %d %d", g, applied, arrived, o.Total.Applied, o.Total.Arrived)
		}
	}
}

func TestConsistency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		r := newRig(t, k)
		ctx := context.Background()
		if _, err := r.b.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		consistent(t, r)

		// Changes after the first build reach the rollups: moves and a new registration.
		apps, err := store.Select(ctx, r.s.DB.R, func(sc store.Scanner) (int64, error) {
			var id int64
			return id, sc.Scan(&id)
		}, `SELECT id FROM applications WHERE state = 'accepted' ORDER BY id LIMIT 5`)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range apps {
			if _, err := r.s.Transition(ctx, r.city, id, store.Move{To: easyjob.StateArrived}); err != nil {
				t.Fatal(err)
			}
		}
		if len(apps) == 0 {
			t.Fatal("no accepted applications in the demo")
		}
		var seeker int64
		if err := r.s.DB.R.QueryRowContext(ctx, `SELECT id FROM seekers ORDER BY id LIMIT 1`).Scan(&seeker); err != nil {
			t.Fatal(err)
		}
		if err := r.s.SetPoor(ctx, r.city, seeker, true); err != nil {
			t.Fatal(err)
		}
		r.clock.Advance(10e9)
		if _, err := r.b.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		consistent(t, r)

		// Scope: a station sees its county only; another county is 403.
		o := outcomes(t, r, r.station, briefing.Query{From: r.from, To: r.today, GroupBy: "origin_county"})
		for _, it := range o.Items {
			if !strings.HasPrefix(it.Key, "451026") {
				t.Errorf("station sees county %s", it.Key)
			}
		}
		if _, err := r.b.Outcomes(ctx, r.station, briefing.Query{From: r.from, To: r.today, Region: "440307"}); easyjob.ErrorCode(err) != easyjob.EFORBIDDEN {
			t.Errorf("station reading a district: %v", err)
		}
	})
}

func TestQueryChecks(t *testing.T) {
	today := easyjob.NewDate(2020, 3, 2)
	get := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	for _, c := range []struct {
		name  string
		in    func(string) string
		field string
	}{
		{"reversed", get("from", "2020-02-01", "to", "2020-01-01"), "to"},
		{"too long", get("from", "2019-01-01", "to", "2020-03-01"), "to"},
		{"future", get("to", "2020-04-01"), "to"},
		{"too early", get("from", "2010-01-01", "to", "2010-02-01"), "from"},
		{"not a date", get("from", "2020-13-01"), "from"},
		{"bad region", get("region", "999999"), "region"},
		{"bad group", get("group_by", "planet"), "group_by"},
		{"bad employer", get("employer", "x"), "employer"},
	} {
		_, err := briefing.ParseQuery(c.in, today)
		var e *easyjob.Error
		if !asErr(err, &e) || e.Code != easyjob.EINVALID || e.Fields[c.field].Key == "" {
			t.Errorf("%s: %v, want 422 naming %s", c.name, err, c.field)
		}
	}
	if _, err := briefing.ParseQuery(get(), today); err != nil {
		t.Errorf("defaults: %v", err)
	}
}

func asErr(err error, e **easyjob.Error) bool {
	x, ok := err.(*easyjob.Error)
	if ok {
		*e = x
	}
	return ok
}

func TestBriefingWorkflow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		r := newRig(t, k)
		ctx := context.Background()
		day := r.today.AddDays(-1)
		b, err := r.b.Draft(ctx, r.writer, day, "zh-CN")
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Items) < 2 || b.Status != briefing.StatusDraft {
			t.Fatalf("draft: %+v", b)
		}
		// Every figure equals the dashboard's for the same day and scope.
		f, err := r.b.Day(ctx, r.city, day, "")
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int64{"registered": f.ToDate.Registered, "applied": f.ToDate.Applied, "offered": f.ToDate.Offered,
			"accepted": f.ToDate.Accepted, "arrived": f.ToDate.Arrived, "arrived_on_day": f.OnDay.Arrived, "departed_on_day": f.OnDay.Departed}
		for _, it := range b.Items {
			for _, fg := range it.Figures {
				if w, ok := want[fg.Key]; ok && w != fg.Value {
					t.Errorf("%s %s = %d, dashboard %d", it.Provider, fg.Key, fg.Value, w)
				}
			}
			if it.Source == "" || it.Body == "" || strings.Contains(it.Body, "{") {
				t.Errorf("item %+v", it)
			}
		}
		// The writer edits, reorders, removes and adds (with a source).
		first, second := b.Items[0].ID, b.Items[1].ID
		if b, err = r.b.Change(ctx, r.writer, b.ID, briefing.Edit{Op: "down", ItemID: first}); err != nil || b.Items[1].ID != first {
			t.Fatalf("down: %v %+v", err, b.Items)
		}
		if _, err = r.b.Change(ctx, r.writer, b.ID, briefing.Edit{Op: "add", Item: briefing.ItemInput{Body: "补充说明"}}); easyjob.ErrorCode(err) != easyjob.EINVALID {
			t.Errorf("added without a source: %v", err)
		}
		if b, err = r.b.Change(ctx, r.writer, b.ID, briefing.Edit{Op: "add", Item: briefing.ItemInput{Body: "补充说明", Source: "市人力资源局"}}); err != nil {
			t.Fatal(err)
		}
		n := len(b.Items)
		if b, err = r.b.Change(ctx, r.writer, b.ID, briefing.Edit{Op: "remove", ItemID: second}); err != nil || len(b.Items) != n-1 {
			t.Fatalf("remove: %v", err)
		}
		if b, err = r.b.Change(ctx, r.writer, b.ID, briefing.Edit{Op: "edit", ItemID: first, Item: briefing.ItemInput{Body: b.Items[0].Body + "（已核）", Source: b.Items[0].Source}}); err != nil {
			t.Fatal(err)
		}
		// Publishing without approval: 403. Approving one's own: 409.
		if _, err := r.b.Publish(ctx, r.writer, b.ID); easyjob.ErrorCode(err) != easyjob.EFORBIDDEN {
			t.Errorf("publish unapproved: %v", err)
		}
		if _, err := r.b.Approve(ctx, r.writer, b.ID); easyjob.ErrorCode(err) != easyjob.ECONFLICT {
			t.Errorf("self-approval: %v", err)
		}
		// Two editors at once: one publishes.
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, ed := range []easyjob.Actor{r.editor, r.ed2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = r.b.Approve(ctx, ed, b.ID)
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case easyjob.ErrorCode(err) != easyjob.ECONFLICT:
				t.Errorf("approve: %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d approvals published: %v", ok, errs)
		}
		pub, err := r.b.Published(ctx, day, "zh-CN")
		if err != nil {
			t.Fatal(err)
		}
		if len(pub.Revisions) != 1 || pub.Revisions[0].Body.Header.Writer != "t-writer" || pub.Revisions[0].Body.Header.Editor == "" {
			t.Fatalf("published: %+v", pub.Revisions)
		}
		frozen := fmt.Sprint(pub.Items)

		// Later data changes do not change it.
		apps, _ := store.Select(ctx, r.s.DB.R, func(sc store.Scanner) (int64, error) {
			var id int64
			return id, sc.Scan(&id)
		}, `SELECT id FROM applications WHERE state = 'accepted' ORDER BY id LIMIT 3`)
		for _, id := range apps {
			if _, err := r.s.Transition(ctx, r.city, id, store.Move{To: easyjob.StateArrived}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := r.b.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		again, _ := r.b.Published(ctx, day, "zh-CN")
		if fmt.Sprint(again.Items) != frozen {
			t.Errorf("a published briefing changed with the data")
		}
		// A correction keeps the earlier text as a revision.
		it := again.Items[0]
		if _, err := r.b.Correct(ctx, r.writer, b.ID, briefing.Correction{ItemID: it.ID, Item: briefing.ItemInput{Body: "更正：" + it.Body, Source: it.Source}}); easyjob.ErrorCode(err) != easyjob.EINVALID {
			t.Errorf("correction without a note: %v", err)
		}
		c, err := r.b.Correct(ctx, r.writer, b.ID, briefing.Correction{ItemID: it.ID, Item: briefing.ItemInput{Body: "更正：" + it.Body, Source: it.Source}, Note: "数字更正"})
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Revisions) != 2 || c.Revisions[1].Body.Items[0].Body != it.Body || !strings.HasPrefix(c.Items[0].Body, "更正：") {
			t.Errorf("correction: %+v", c.Revisions)
		}
		if _, err := r.b.Change(ctx, r.writer, b.ID, briefing.Edit{Op: "remove", ItemID: it.ID}); easyjob.ErrorCode(err) != easyjob.ECONFLICT {
			t.Errorf("editing a published briefing as a draft: %v", err)
		}
		// Archive; English is its own briefing; a station may not write.
		if es, err := r.b.Archive(ctx, "zh-CN", 10); err != nil || len(es) != 1 {
			t.Errorf("archive: %v %v", es, err)
		}
		en, err := r.b.Draft(ctx, r.writer, day, "en")
		if err != nil || en.Lang != "en" || en.ID == b.ID || !strings.Contains(en.Items[0].Body, "registered") {
			t.Errorf("english draft: %v %+v", err, en.Items)
		}
		if _, err := r.b.Draft(ctx, r.station, day, "zh-CN"); easyjob.ErrorCode(err) != easyjob.EFORBIDDEN {
			t.Errorf("station drafting: %v", err)
		}
	})
}
