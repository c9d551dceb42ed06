package zeros_test

import (
	"testing"

	"easyjob/internal/easyjob"
	"easyjob/internal/epidemic/zeros"

	"pgregory.net/rapid"
)

var day0 = easyjob.NewDate(2020, 2, 1)

func d(i int) easyjob.Date { return day0.AddDays(i) }

// series builds days from a compact code, one letter a day from day0:
// z a zero day, c a new confirmed case, s a suspected one, h someone in
// hospital, m a report with a value missing, '.' no report.
func series(code string) zeros.Series {
	var days []zeros.Day
	for i, r := range code {
		v := zeros.Values{NewConfirmed: zeros.N(0), NewSuspected: zeros.N(0), InHospital: zeros.N(0)}
		switch r {
		case '.':
			continue
		case 'c':
			v.NewConfirmed = zeros.N(2)
		case 's':
			v.NewSuspected = zeros.N(1)
		case 'h':
			v.InHospital = zeros.N(3)
		case 'm':
			v.InHospital = nil
		}
		days = append(days, zeros.Day{Date: d(i), Values: v})
	}
	return zeros.NewSeries(days)
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		v    zeros.Values
		want zeros.Class
	}{
		{zeros.Values{}, zeros.Missing},
		{zeros.Values{NewConfirmed: zeros.N(0), NewSuspected: zeros.N(0), InHospital: zeros.N(0)}, zeros.Zero},
		{zeros.Values{NewConfirmed: zeros.N(0), NewSuspected: zeros.N(0)}, zeros.Missing},
		{zeros.Values{NewConfirmed: zeros.N(1)}, zeros.Positive},
		{zeros.Values{NewConfirmed: zeros.N(0), NewSuspected: zeros.N(0), InHospital: zeros.N(4)}, zeros.Positive},
		// admitted and the others do not count
		{zeros.Values{NewConfirmed: zeros.N(0), NewSuspected: zeros.N(0), InHospital: zeros.N(0), Deaths: zeros.N(1)}, zeros.Zero},
	} {
		if got := tc.v.Classify(); got != tc.want {
			t.Errorf("%+v: %v, want %v", tc.v, got, tc.want)
		}
	}
}

// The edges of the streak and the level, each as a series and a day.
func TestStreakAndLevel(t *testing.T) {
	r := zeros.Rule{HighDays: 3, MediumDays: 3, LowDays: 4, NoReports: zeros.Low}
	tests := []struct {
		name   string
		code   string
		asOf   int
		openAt int // first open day; -1: none open
		state  zeros.State
		start  int // -1: none
		days   int
		level  zeros.Level
	}{
		{"no reports at all", "", 5, -1, zeros.NoReports, -1, 0, zeros.Low},
		{"reports only later", "....zz", 2, -1, zeros.NoReports, -1, 0, zeros.Low},
		{"first zero day", "z", 0, -1, zeros.ThreeZeros, 0, 1, zeros.Medium},
		{"long streak", "czzzzzz", 6, -1, zeros.ThreeZeros, 1, 6, zeros.Low},
		{"positive after a long streak", "zzzzzzzzc", 8, -1, zeros.NotZeros, -1, 0, zeros.High},
		{"high fades after its window", "czzzzzzz", 7, -1, zeros.ThreeZeros, 1, 7, zeros.Low},
		{"high window edge", "czz", 2, -1, zeros.ThreeZeros, 1, 2, zeros.High},
		{"high window just past", "czzz", 3, -1, zeros.ThreeZeros, 1, 3, zeros.Medium},
		{"suspected is medium", "zzzzzzs", 6, -1, zeros.NotZeros, -1, 0, zeros.Medium},
		{"in hospital breaks but is not high", "zzzzzh", 5, -1, zeros.NotZeros, -1, 0, zeros.Medium},
		{"missing day past its deadline breaks", "zzzzz.", 5, -1, zeros.NotZeros, -1, 0, zeros.Medium},
		{"missing day before its deadline is unknown", "zzzzz.", 5, 5, zeros.Unknown, 0, 5, zeros.Low},
		{"missing value before its deadline is unknown", "zzzzzm", 5, 5, zeros.Unknown, 0, 5, zeros.Low},
		{"two open days awaited", "zzzz..", 5, 4, zeros.Unknown, 0, 4, zeros.Low},
		{"a gap inside the streak breaks it", "zz.zz", 4, -1, zeros.ThreeZeros, 3, 2, zeros.Medium},
		{"a missing value inside breaks it", "zzmzz", 4, -1, zeros.ThreeZeros, 3, 2, zeros.Medium},
		{"open day reported zero counts", "zzzz", 3, 3, zeros.ThreeZeros, 0, 4, zeros.Low},
		{"open day reported positive breaks at once", "zzzzc", 4, 4, zeros.NotZeros, -1, 0, zeros.High},
		{"awaited after a positive is not zeros", "zzc.", 3, 3, zeros.NotZeros, -1, 0, zeros.High},
		{"before the streak's day", "czzz", 0, -1, zeros.NotZeros, -1, 0, zeros.High},
	}
	for _, tc := range tests {
		s := series(tc.code)
		var open zeros.Open
		if tc.openAt >= 0 {
			open = zeros.OpenFrom(d(tc.openAt))
		}
		st := zeros.StreakAt(s, d(tc.asOf), open)
		wantStart := easyjob.Date{}
		if tc.start >= 0 {
			wantStart = d(tc.start)
		}
		if st.State != tc.state || st.Start != wantStart || st.Days != tc.days {
			t.Errorf("%s: %+v, want %s from %v for %d", tc.name, st, tc.state, wantStart, tc.days)
		}
		if lv := zeros.LevelAt(s, d(tc.asOf), open, r); lv != tc.level {
			t.Errorf("%s: level %s, want %s", tc.name, lv, tc.level)
		}
	}
}

func TestNoReportsLevel(t *testing.T) {
	r := zeros.DefaultRule
	r.NoReports = zeros.Medium
	if lv := zeros.LevelAt(series(""), d(3), nil, r); lv != zeros.Medium {
		t.Fatal(lv)
	}
}

// A correction replaces the day's values: a zero turned positive breaks
// the streak, and turned back restores it.
func TestCorrection(t *testing.T) {
	zero := zeros.Values{NewConfirmed: zeros.N(0), NewSuspected: zeros.N(0), InHospital: zeros.N(0)}
	pos := zero
	pos.NewConfirmed = zeros.N(1)
	days := []zeros.Day{{d(0), zero}, {d(1), zero}, {d(2), zero}}
	if st := zeros.StreakAt(zeros.NewSeries(days), d(2), nil); st.Days != 3 {
		t.Fatal(st)
	}
	days = append(days, zeros.Day{d(1), pos})
	if st := zeros.StreakAt(zeros.NewSeries(days), d(2), nil); st.Days != 1 || st.Start != d(2) {
		t.Fatal(st)
	}
	days = append(days, zeros.Day{d(1), zero})
	if st := zeros.StreakAt(zeros.NewSeries(days), d(2), nil); st.Days != 3 || st.Start != d(0) {
		t.Fatal(st)
	}
}

func TestEvents(t *testing.T) {
	r := zeros.Rule{HighDays: 2, MediumDays: 2, LowDays: 3, NoReports: zeros.Low}
	got := zeros.Events(series("czzzz.zzc"), d(0), d(8), nil, r)
	want := []zeros.Event{
		{Day: d(0), Kind: zeros.RiskChanged, From: zeros.Low, To: zeros.High},
		{Day: d(1), Kind: zeros.Reached},
		{Day: d(2), Kind: zeros.RiskChanged, From: zeros.High, To: zeros.Medium},
		{Day: d(3), Kind: zeros.RiskChanged, From: zeros.Medium, To: zeros.Low},
		{Day: d(5), Kind: zeros.Broken, Days: 4, Cause: zeros.Missing},
		{Day: d(5), Kind: zeros.RiskChanged, From: zeros.Low, To: zeros.Medium},
		{Day: d(6), Kind: zeros.Reached},
		{Day: d(8), Kind: zeros.Broken, Days: 2, Cause: zeros.Positive},
		{Day: d(8), Kind: zeros.RiskChanged, From: zeros.Medium, To: zeros.High},
	}
	if len(got) != len(want) {
		t.Fatalf("events %+v\nwant %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("event %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	// An awaited day is not a break.
	if ev := zeros.Events(series("zzz"), d(3), d(3), zeros.OpenFrom(d(3)), r); len(ev) != 0 {
		t.Errorf("awaited day: %+v", ev)
	}
}

func TestRoll(t *testing.T) {
	a := zeros.Streak{State: zeros.ThreeZeros, Start: d(0), Days: 10}
	b := zeros.Streak{State: zeros.Unknown, Start: d(4), Days: 5}
	c := zeros.Streak{State: zeros.NotZeros}
	n := zeros.Streak{State: zeros.NoReports}
	if r := zeros.Roll([]zeros.Streak{a, b}); r.State != zeros.Unknown || r.Start != d(4) || r.Days != 5 || r.ThreeZeros != 2 || r.Unknown != 1 {
		t.Errorf("all clear: %+v", r)
	}
	if r := zeros.Roll([]zeros.Streak{a, a}); r.State != zeros.ThreeZeros || r.Days != 10 {
		t.Errorf("all three zeros: %+v", r)
	}
	if r := zeros.Roll([]zeros.Streak{a, c}); r.State != zeros.NotZeros || !r.Start.IsZero() || r.ThreeZeros != 1 {
		t.Errorf("one not: %+v", r)
	}
	if r := zeros.Roll([]zeros.Streak{a, n}); r.State != zeros.NotZeros || r.NoReports != 1 {
		t.Errorf("one silent: %+v", r)
	}
	if r := zeros.Roll(nil); r.State != zeros.NoReports {
		t.Errorf("none: %+v", r)
	}
}

func TestRuleValid(t *testing.T) {
	if !zeros.DefaultRule.Valid() {
		t.Fatal("default rule invalid")
	}
	for _, r := range []zeros.Rule{
		{HighDays: 0, MediumDays: 14, LowDays: 14, NoReports: zeros.Low},
		{HighDays: 14, MediumDays: 366, LowDays: 14, NoReports: zeros.Low},
		{HighDays: 14, MediumDays: 14, LowDays: 14, NoReports: "none"},
	} {
		if r.Valid() {
			t.Errorf("%+v valid", r)
		}
	}
}

// reference is the plain day-by-day computation: it walks forward from the
// first report, keeping the run of zero days and the last days with a
// confirmed and a suspected case, then sets the awaited days at the end
// aside.
func reference(days map[int]zeros.Values, asOf, openAt int, r zeros.Rule) (zeros.State, int, int, zeros.Level) {
	first := -1
	for i := range days {
		if i <= asOf && (first < 0 || i < first) {
			first = i
		}
	}
	if first < 0 {
		return zeros.NoReports, -1, 0, r.NoReports
	}
	end := asOf
	pending := 0
	for end >= first && openAt >= 0 && end >= openAt && days[end].Classify() == zeros.Missing {
		end--
		pending++
	}
	run, start := 0, -1
	lastC, lastS := -1000, -1000
	for i := first; i <= asOf; i++ {
		v, ok := days[i]
		if ok && v.NewConfirmed != nil && *v.NewConfirmed > 0 {
			lastC = i
		}
		if ok && v.NewSuspected != nil && *v.NewSuspected > 0 {
			lastS = i
		}
		if i > end {
			continue
		}
		if ok && v.Classify() == zeros.Zero {
			run++
			if run == 1 {
				start = i
			}
		} else {
			run, start = 0, -1
		}
	}
	state := zeros.ThreeZeros
	switch {
	case run == 0:
		state = zeros.NotZeros
	case pending > 0:
		state = zeros.Unknown
	}
	level := zeros.Medium
	switch {
	case lastC > asOf-r.HighDays:
		level = zeros.High
	case lastS > asOf-r.MediumDays:
		level = zeros.Medium
	case run >= r.LowDays:
		level = zeros.Low
	}
	return state, start, run, level
}

func drawCount(t *rapid.T, name string) zeros.Count {
	switch rapid.IntRange(0, 9).Draw(t, name) {
	case 0:
		return nil
	case 1:
		return zeros.N(rapid.IntRange(1, 5).Draw(t, name+"+"))
	}
	return zeros.N(0)
}

// TestStreakMatchesReference: for any series (with gaps, missing values,
// positives and corrections), any day and any deadline, the streak and the
// level equal the day-by-day reference.
func TestStreakMatchesReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 60).Draw(t, "days")
		var list []zeros.Day
		final := map[int]zeros.Values{}
		for i := 0; i < n; i++ {
			if rapid.IntRange(0, 9).Draw(t, "gap") == 0 {
				continue
			}
			// One report and possibly corrections: the last one counts.
			for k := rapid.IntRange(1, 3).Draw(t, "versions"); k > 0; k-- {
				v := zeros.Values{NewConfirmed: drawCount(t, "c"), NewSuspected: drawCount(t, "s"), InHospital: drawCount(t, "h")}
				list = append(list, zeros.Day{Date: d(i), Values: v})
				final[i] = v
			}
		}
		r := zeros.Rule{
			HighDays:   rapid.IntRange(1, 20).Draw(t, "high"),
			MediumDays: rapid.IntRange(1, 20).Draw(t, "medium"),
			LowDays:    rapid.IntRange(1, 20).Draw(t, "low"),
			NoReports:  rapid.SampledFrom(zeros.Levels).Draw(t, "none"),
		}
		asOf := rapid.IntRange(-2, n+2).Draw(t, "asOf")
		openAt := rapid.IntRange(-1, n+3).Draw(t, "openAt")
		var open zeros.Open
		if openAt >= 0 {
			open = zeros.OpenFrom(d(openAt))
		}
		s := zeros.NewSeries(list)
		st := zeros.StreakAt(s, d(asOf), open)
		state, start, days, level := reference(final, asOf, openAt, r)
		wantStart := easyjob.Date{}
		if start >= 0 && days > 0 {
			wantStart = d(start)
		}
		if st.State != state || st.Days != days || st.Start != wantStart {
			t.Fatalf("streak %+v, reference %s from %v for %d", st, state, wantStart, days)
		}
		if lv := zeros.LevelAt(s, d(asOf), open, r); lv != level {
			t.Fatalf("level %s, reference %s", lv, level)
		}
		// Events agree with the streaks they come from.
		if n > 0 {
			for _, e := range zeros.Events(s, d(0), d(n-1), open, r) {
				now := zeros.StreakAt(s, e.Day, open)
				switch e.Kind {
				case zeros.Reached:
					if now.Start != e.Day {
						t.Fatalf("reached on %v but the streak starts %v", e.Day, now.Start)
					}
				case zeros.Broken:
					if now.Holds() || !zeros.StreakAt(s, e.Day.AddDays(-1), open).Holds() {
						t.Fatalf("broken on %v: %+v", e.Day, now)
					}
				case zeros.RiskChanged:
					if zeros.LevelAt(s, e.Day, open, r) != e.To || e.From == e.To {
						t.Fatalf("risk change %+v", e)
					}
				}
			}
		}
	})
}
