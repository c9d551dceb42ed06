package epidemic_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/epidemic"
	"easyjob/internal/epidemic/zeros"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
)

func zero() epidemic.ReportInput {
	return epidemic.ReportInput{NewConfirmed: epidemic.V(0), NewSuspected: epidemic.V(0), InHospital: epidemic.V(0)}
}

func mustPut(t *testing.T, e *epidemic.Service, a easyjob.Actor, code, day string, in epidemic.ReportInput) epidemic.Saved {
	t.Helper()
	s, err := e.Put(context.Background(), a, code, day, in, epidemic.SourceForm)
	if err != nil {
		t.Fatalf("put %s %s: %v", code, day, err)
	}
	return s
}

func mustStatus(t *testing.T, e *epidemic.Service, a easyjob.Actor, code, day string) epidemic.Status {
	t.Helper()
	d, _ := easyjob.ParseDate(day)
	st, err := e.Status(context.Background(), a, code, d)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func date(s string) easyjob.Date {
	d, err := easyjob.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// A value is a number, null or "" (missing), and nothing else.
func TestValueJSON(t *testing.T) {
	var in epidemic.ReportInput
	if err := json.Unmarshal([]byte(`{"new_confirmed": 0, "new_suspected": "", "in_hospital": null, "admitted": 3}`), &in); err != nil {
		t.Fatal(err)
	}
	if !in.NewConfirmed.Set() || in.NewConfirmed.Int() != 0 || in.NewSuspected.Set() || in.InHospital.Set() || in.Admitted.Int() != 3 || in.Deaths.Set() {
		t.Fatalf("%+v", in)
	}
	for _, bad := range []string{`{"new_confirmed": "3"}`, `{"new_confirmed": 1.5}`, `{"new_confirmed": true}`} {
		if err := json.Unmarshal([]byte(bad), &in); err == nil {
			t.Errorf("%s decoded", bad)
		}
	}
	b, _ := json.Marshal(in)
	if string(b) == "" {
		t.Fatal("no JSON")
	}
	for _, tc := range []struct {
		cell string
		ok   bool
		set  bool
	}{{"", true, false}, {" 12 ", true, true}, {"0", true, true}, {"3.0", true, true}, {"abc", false, false}, {"1.5", false, false}} {
		v, ok := epidemic.ParseValue(tc.cell)
		if ok != tc.ok || v.Set() != tc.set {
			t.Errorf("%q: %v %v", tc.cell, v, ok)
		}
	}
}

// Reports: missing stays missing, a correction keeps the earlier version,
// a late report is marked late, bad input is refused with named fields.
func TestReports(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k) // 2020-03-02 09:00 in Shanghai
		e := &epidemic.Service{S: f.S}

		in := epidemic.ReportInput{NewConfirmed: epidemic.V(0), NewSuspected: epidemic.Missing, InHospital: epidemic.V(2)}
		s := mustPut(t, e, f.Station, "451026", "2020-03-01", in)
		if s.Version != 1 || s.Correction || s.Late || s.Values.NewSuspected != nil || *s.Values.InHospital != 2 {
			t.Fatalf("first report %+v", s)
		}
		in.InHospital = epidemic.V(0)
		in.NewSuspected = epidemic.V(0)
		f.Clock.Advance(2 * time.Hour) // 11:00: past the deadline of 03-01
		s = mustPut(t, e, f.Longgang, "451026", "2020-03-01", in)
		if s.Version != 2 || !s.Correction || !s.Late {
			t.Fatalf("correction %+v", s)
		}
		late := mustPut(t, e, f.Station, "451026", "2020-02-28", zero())
		if !late.Late {
			t.Fatalf("a report two days after is late: %+v", late)
		}
		days, err := e.History(ctx, f.Station, "451026", date("2020-02-28"), date("2020-03-02"))
		if err != nil {
			t.Fatal(err)
		}
		if len(days) != 4 || !days[0].Missing() || days[1].Day != date("2020-03-01") || len(days[1].Versions) != 2 || !days[1].Corrected() || !days[2].Missing() || !days[3].Late {
			t.Fatalf("history %+v", days)
		}
		v := days[1].Versions
		if v[0].Values.NewSuspected != nil || v[1].Values.InHospital == nil || *v[1].Values.InHospital != 0 || fmt.Sprint(v[1].Changed) != "[new_suspected in_hospital]" || v[1].ReportedBy != f.Longgang.UserID {
			t.Fatalf("versions %+v %+v", v[0], v[1])
		}

		bad := []struct {
			name  string
			a     easyjob.Actor
			code  string
			day   string
			in    epidemic.ReportInput
			field string
			key   string
			code2 string
		}{
			{"negative", f.Station, "451026", "2020-03-01", epidemic.ReportInput{NewConfirmed: epidemic.V(-1)}, "new_confirmed", "epidemic.count_negative", easyjob.EINVALID},
			{"too many", f.Station, "451026", "2020-03-01", epidemic.ReportInput{Deaths: epidemic.V(epidemic.MaxCount + 1)}, "deaths", "epidemic.count_too_large", easyjob.EINVALID},
			{"future", f.Station, "451026", "2020-03-03", zero(), "date", "epidemic.date_future", easyjob.EINVALID},
			{"too early", f.Station, "451026", "2019-11-30", zero(), "date", "epidemic.date_too_early", easyjob.EINVALID},
			{"not a date", f.Station, "451026", "2020-02-30", zero(), "date", "field.date_invalid", easyjob.EINVALID},
			{"not a reporting region", f.Station, "450000", "2020-03-01", zero(), "region", "epidemic.region_unknown", easyjob.EINVALID},
			{"another county", f.Station, "451024", "2020-03-01", zero(), "", "", easyjob.EFORBIDDEN},
			{"a district not ours", f.Longgang, "440305", "2020-03-01", zero(), "", "", easyjob.EFORBIDDEN},
			{"an employer", f.Boss, "451026", "2020-03-01", zero(), "", "", easyjob.EFORBIDDEN},
		}
		for _, tc := range bad {
			_, err := e.Put(ctx, tc.a, tc.code, tc.day, tc.in, epidemic.SourceAPI)
			if easyjob.ErrorCode(err) != tc.code2 || (tc.field != "" && fieldKey(err, tc.field) != tc.key) {
				t.Errorf("%s: %v", tc.name, err)
			}
		}
		if days, _ := e.History(ctx, f.Station, "451026", date("2020-03-01"), date("2020-03-01")); len(days[0].Versions) != 2 {
			t.Fatalf("a refused report was written: %+v", days[0].Versions)
		}
		// A district reports for itself; the city for anyone.
		mustPut(t, e, f.Longgang, "440307", "2020-03-01", zero())
		mustPut(t, e, f.City, "451024", "2020-03-01", zero())
	})
}

// Streak and level through the service: a missing day is unknown until
// its deadline, a correction that turns a zero into a positive and back,
// a county with no reports, overrides and the rule.
func TestStatusAndLevel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k) // 2020-03-02 09:00 in Shanghai
		e := &epidemic.Service{S: f.S}
		st := mustStatus(t, e, f.Station, "451026", "2020-03-02")
		if st.State != zeros.NoReports || st.ThreeZeros || st.RiskLevel != epidemic.Low || st.Risk.Source != epidemic.FromNone || st.StreakStart != nil {
			t.Fatalf("no reports: %+v", st)
		}
		for d := date("2020-02-10"); d.Before(date("2020-03-01")); d = d.AddDays(1) {
			mustPut(t, e, f.Station, "451026", d.String(), zero())
		}
		// 03-01 is awaited until 10:00 on 03-02: unknown, not broken.
		st = mustStatus(t, e, f.Station, "451026", "2020-03-02")
		if st.State != zeros.Unknown || !st.ThreeZeros || st.StreakDays != 20 || st.StreakStart.String() != "2020-02-10" || st.RiskLevel != epidemic.Low || st.Pending != 2 {
			t.Fatalf("awaited: %+v", st)
		}
		f.Clock.Advance(2 * time.Hour)
		st = mustStatus(t, e, f.Station, "451026", "2020-03-01")
		if st.State != zeros.NotZeros || st.ThreeZeros || st.StreakDays != 0 || st.RiskLevel != epidemic.Medium {
			t.Fatalf("past the deadline: %+v", st)
		}
		// Reported late, the streak is whole again.
		mustPut(t, e, f.Station, "451026", "2020-03-01", zero())
		st = mustStatus(t, e, f.Station, "451026", "2020-03-01")
		if st.State != zeros.ThreeZeros || st.StreakDays != 21 {
			t.Fatalf("late report: %+v", st)
		}
		// A correction turns a zero into a positive: high, the streak restarts.
		pos := zero()
		pos.NewConfirmed = epidemic.V(1)
		if s := mustPut(t, e, f.Station, "451026", "2020-02-25", pos); s.Risk.Level != epidemic.High {
			t.Fatalf("positive: %+v", s.Risk)
		}
		st = mustStatus(t, e, f.Station, "451026", "2020-03-01")
		if st.StreakDays != 5 || st.StreakStart.String() != "2020-02-26" || st.RiskLevel != epidemic.High {
			t.Fatalf("after the correction: %+v", st)
		}
		if r, _ := e.RiskOf(ctx, "451026"); r.Level != epidemic.High || r.Source != epidemic.FromReports {
			t.Fatalf("RiskOf: %+v", r)
		}
		// … and back.
		mustPut(t, e, f.Station, "451026", "2020-02-25", zero())
		if st = mustStatus(t, e, f.Station, "451026", "2020-03-01"); st.StreakDays != 21 || st.RiskLevel != epidemic.Low {
			t.Fatalf("corrected back: %+v", st)
		}
		// An override, with who, why and until when; lifted, the rule decides.
		until := date("2020-03-05")
		r, err := e.Override(ctx, f.Longgang, "451026", epidemic.OverrideInput{Level: epidemic.High, Reason: "邻县聚集性疫情", Until: &until})
		if err != nil || r.Level != epidemic.High || !r.Overridden() || r.Rule != epidemic.Low || r.SetBy != f.Longgang.UserID || r.Reason == "" {
			t.Fatalf("override %+v %v", r, err)
		}
		if st := mustStatus(t, e, f.Station, "451026", "2020-03-02"); st.RiskLevel != epidemic.High {
			t.Fatalf("override in force: %+v", st)
		}
		if st := mustStatus(t, e, f.Station, "451026", "2020-02-20"); st.RiskLevel != epidemic.Medium || st.Risk.Overridden() {
			t.Fatalf("an override set today does not change the past: %+v", st)
		}
		past := date("2020-03-01")
		if _, err := e.Override(ctx, f.Longgang, "451026", epidemic.OverrideInput{Level: epidemic.High, Until: &past}); fieldKey(err, "until") != "epidemic.until_past" {
			t.Errorf("until in the past: %v", err)
		}
		if r, err := e.Override(ctx, f.Station, "451026", epidemic.OverrideInput{}); err != nil || r.Source != epidemic.FromReports || r.Level != epidemic.Low {
			t.Fatalf("lifted %+v %v", r, err)
		}
		// The rule: city officers only; a shorter low window.
		rule := epidemic.DefaultRule
		rule.LowDays = 30
		if _, err := e.SetRule(ctx, f.Station, rule); easyjob.ErrorCode(err) != easyjob.EFORBIDDEN {
			t.Fatalf("a station sets the rule: %v", err)
		}
		rule.HighDays = 0
		if _, err := e.SetRule(ctx, f.City, rule); fieldKey(err, "high_days") != "epidemic.rule_days" {
			t.Fatalf("bad rule: %v", err)
		}
		rule.HighDays = 14
		if _, err := e.SetRule(ctx, f.City, rule); err != nil {
			t.Fatal(err)
		}
		if st := mustStatus(t, e, f.Station, "451026", "2020-03-01"); st.RiskLevel != epidemic.Medium {
			t.Fatalf("30 days needed: %+v", st)
		}
		// Bad as_of; not a region.
		if _, err := e.Status(ctx, f.Station, "451026", date("2020-03-03")); fieldKey(err, "as_of") != "epidemic.date_future" {
			t.Errorf("future as_of: %v", err)
		}
		if _, err := e.Status(ctx, f.Station, "999999", easyjob.Date{}); easyjob.ErrorCode(err) != easyjob.ENOTFOUND {
			t.Errorf("unknown region: %v", err)
		}
		// The board rolls up: 百色市 (4510) is not all clear.
		b, err := e.Board(ctx, f.Station, date("2020-03-01"))
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range b.Rollups {
			if r.Code == "4510" {
				found = true
				if r.State != zeros.NotZeros || r.ThreeZeros != 1 || r.Regions < 5 {
					t.Errorf("百色市 %+v", r)
				}
			}
		}
		if !found || len(b.Regions) != len(epidemic.Regions()) {
			t.Fatalf("board %d regions, rollups %+v", len(b.Regions), b.Rollups)
		}
		// Events for the briefing.
		ev, err := e.Events(ctx, date("2020-02-10"), date("2020-03-02"))
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[zeros.EventKind]int{}
		overrides := 0
		for _, x := range ev {
			kinds[x.Kind]++
			if x.Override {
				overrides++
			}
		}
		if kinds[zeros.Reached] != 1 || kinds[zeros.RiskChanged] != 3 || overrides != 2 {
			t.Fatalf("events %+v", ev)
		}
	})
}

// Concurrent corrections of one day number their versions one after the
// other; the last one written is current.
func TestCorrectionsRace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		e := &epidemic.Service{S: f.S}
		const n = 8
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				in := zero()
				in.InHospital = epidemic.V(int64(i))
				_, err := e.Put(ctx, f.Station, "451026", "2020-03-01", in, epidemic.SourceAPI)
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		days, err := e.History(ctx, f.Station, "451026", date("2020-03-01"), date("2020-03-01"))
		if err != nil {
			t.Fatal(err)
		}
		vs := days[0].Versions
		if len(vs) != n {
			t.Fatalf("%d versions", len(vs))
		}
		for i, v := range vs {
			if v.Version != i+1 {
				t.Fatalf("version %d numbered %d", i, v.Version)
			}
		}
		if days[0].Current.ID != vs[n-1].ID {
			t.Fatalf("current %d, last %d", days[0].Current.ID, vs[n-1].ID)
		}
	})
}

// The consistency checks are shown, never fixed.
func TestChecks(t *testing.T) {
	n := zeros.N
	prev := &epidemic.Report{Day: date("2020-03-01"), Values: zeros.Values{InHospital: n(5), NewSuspected: n(2), NewConfirmed: n(0)}}
	cur := &epidemic.Report{Day: date("2020-03-02"), Values: zeros.Values{InHospital: n(4), Admitted: n(1), Discharged: n(1), Deaths: n(0), NewConfirmed: n(0), NewSuspected: n(0)}}
	if c := epidemic.Checks(cur, prev, []epidemic.Report{*prev, *cur}); len(c) != 1 || c[0].Key != "epidemic.check_hospital" || c[0].Args["want"] != 5 {
		t.Fatalf("hospital: %+v", c)
	}
	cur.Values.InHospital = n(5)
	if c := epidemic.Checks(cur, prev, []epidemic.Report{*prev, *cur}); len(c) != 0 {
		t.Fatalf("consistent: %+v", c)
	}
	zeroDay := &epidemic.Report{Day: date("2020-03-03"), Values: zeros.Values{InHospital: n(0), NewConfirmed: n(0), NewSuspected: n(0)}}
	if c := epidemic.Checks(zeroDay, nil, []epidemic.Report{*prev, *cur, *zeroDay}); len(c) != 1 || c[0].Key != "epidemic.check_suspected" {
		t.Fatalf("suspected unresolved: %+v", c)
	}
	zeroDay.Excluded = n(2)
	if c := epidemic.Checks(zeroDay, nil, []epidemic.Report{*prev, *cur, *zeroDay}); len(c) != 0 {
		t.Fatalf("suspected excluded: %+v", c)
	}
}

// RemindDue reminds once per region and day, within its window.
func TestRemindDue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k) // 09:00: 03-01 due at 10:00
		e := &epidemic.Service{S: f.S}
		mustPut(t, e, f.Station, "451026", "2020-03-01", zero())
		rs, err := e.RemindDue(ctx, f.Clock.Now())
		if err != nil || len(rs) != len(epidemic.Regions())-1 || rs[0].Day != date("2020-03-01") {
			t.Fatalf("%d reminders %v", len(rs), err)
		}
		if again, _ := e.RemindDue(ctx, f.Clock.Now()); len(again) != 0 {
			t.Fatalf("reminded twice: %d", len(again))
		}
		early := f.Clock.Now().Add(5 * time.Hour) // 14:00: 03-02 due tomorrow 10:00
		if rs, _ := e.RemindDue(ctx, early); len(rs) != 0 {
			t.Fatalf("too early: %d", len(rs))
		}
		due, err := e.Due(ctx, f.Station)
		if err != nil || len(due) != 0 {
			t.Fatalf("the station reported: %+v %v", due, err)
		}
		if due, _ := e.Due(ctx, f.Longgang); len(due) == 0 {
			t.Fatal("龙岗 has regions due")
		}
		_ = store.Forbidden
	})
}
