package rules

import (
	"testing"
	"time"

	"easyjob/internal/easyjob"

	"pgregory.net/rapid"
)

func TestCheckWindow(t *testing.T) {
	now := time.Date(2020, 3, 2, 1, 0, 0, 0, time.UTC)
	w := Window{NoticeMinutes: 60, MinMinutes: 30, MaxMinutes: 240}
	h := time.Hour
	for _, c := range []struct {
		name       string
		start, end time.Time
		field, key string
	}{
		{"fine", now.Add(2 * h), now.Add(3 * h), "", ""},
		{"ends before it starts", now.Add(3 * h), now.Add(2 * h), "end", "equipment.end_before_start"},
		{"in the past", now.Add(-h), now, "start", "equipment.in_past"},
		{"short notice", now.Add(30 * time.Minute), now.Add(2 * h), "start", "equipment.notice"},
		{"too long", now.Add(2 * h), now.Add(7 * h), "end", "equipment.too_long"},
		{"too short", now.Add(2 * h), now.Add(2*h + 10*time.Minute), "end", "equipment.too_short"},
		{"too far", now.Add(70 * 24 * h), now.Add(70*24*h + h), "start", "equipment.horizon"},
		{"no end", now.Add(2 * h), time.Time{}, "end", "field.required"},
	} {
		err := CheckWindow(w, now, c.start, c.end)
		if c.field == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		e, ok := err.(*easyjob.Error)
		if !ok || e.Fields[c.field].Key != c.key {
			t.Errorf("%s: got %v, want %s on %s", c.name, err, c.key, c.field)
		}
	}
}

func TestNoShowAndSuspension(t *testing.T) {
	start := time.Date(2020, 3, 2, 1, 0, 0, 0, time.UTC)
	if NoShow(start, start.Add(59*time.Minute)) || !NoShow(start, start.Add(time.Hour)) {
		t.Error("no-show after an hour")
	}
	if !CanCheckIn(start, start.Add(2*time.Hour), start.Add(-10*time.Minute)) || CanCheckIn(start, start.Add(2*time.Hour), start.Add(61*time.Minute)) {
		t.Error("check-in window")
	}
	if Suspends(2) || !Suspends(3) {
		t.Error("three no-shows suspend")
	}
}

func TestAwardAndSplit(t *testing.T) {
	a, err := Award(8_000_000, 6_000_000, 10_000_000)
	if err != nil || a != 6_000_000 {
		t.Fatalf("award %d %v", a, err)
	}
	if _, err := Award(12_000_000, 11_000_000, 10_000_000); easyjob.ErrorCode(err) != easyjob.EINVALID {
		t.Fatalf("above the ceiling: %v", err)
	}
	if up, rest := Split(6_000_000, 30, 0); up != 1_800_000 || rest != 4_200_000 {
		t.Fatalf("split %d %d", up, rest)
	}
	if up, rest := Split(6_000_000, 30, 1_000_000); up != 1_000_000 || rest != 5_000_000 {
		t.Fatalf("capped split %d %d", up, rest)
	}
}

// The two parts always add up to the award, the upfront part never passes its share or cap,
// and the award never passes the ask, the assessment or the ceiling.
func TestAwardProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ceiling := rapid.Int64Range(1, 1e9).Draw(t, "ceiling")
		ask := rapid.Int64Range(1, 1e9).Draw(t, "ask")
		assessed := rapid.Int64Range(1, 1e9).Draw(t, "assessed")
		pct := rapid.IntRange(0, 100).Draw(t, "pct")
		cap := rapid.Int64Range(0, 1e9).Draw(t, "cap")
		a, err := Award(ask, assessed, ceiling)
		if err != nil {
			if min(ask, assessed) <= ceiling {
				t.Fatalf("refused %d/%d within %d", ask, assessed, ceiling)
			}
			return
		}
		if a > ask || a > assessed || a > ceiling {
			t.Fatalf("award %d", a)
		}
		up, rest := Split(a, pct, cap)
		if up+rest != a || up < 0 || rest < 0 || up*100 > a*int64(pct) || (cap > 0 && up > cap) {
			t.Fatalf("split %d → %d + %d", a, up, rest)
		}
	})
}

func TestScores(t *testing.T) {
	crit := map[int64]int{1: 50, 2: 30, 3: 20}
	if got := Total(crit, map[int64]int{1: 10, 2: 10, 3: 10}); got != 100 {
		t.Errorf("full marks %v", got)
	}
	if got := Total(crit, map[int64]int{1: 8, 2: 5, 3: 0}); got != 55 {
		t.Errorf("total %v", got)
	}
	if err := CheckSheet(crit, Sheet{Scores: map[int64]int{1: 11, 2: 3, 3: 4}, Assessed: 5}, 10); err == nil {
		t.Error("a score outside the scale passed")
	}
	if err := CheckSheet(crit, Sheet{Scores: map[int64]int{1: 1, 2: 3, 3: 4}, Assessed: 50}, 10); err == nil {
		t.Error("an assessment above the ceiling passed")
	}
	r := Aggregate([]float64{80, 60, 70, 90}, []int64{5, 9, 6, 100})
	if r.Score != 75 || r.Assessed != 6 || r.Sheets != 4 {
		t.Errorf("aggregate %+v", r)
	}
}

func TestChallengeStatus(t *testing.T) {
	s := Draft
	var seen []ChallengeStatus
	for s != "" {
		seen = append(seen, s)
		s = s.Next()
	}
	if len(seen) != 5 || seen[4] != Awarded {
		t.Fatalf("path %v", seen)
	}
	if Draft.Public() || !Published.TakesEntries() || Closed.TakesEntries() || !Closed.UnderReview() {
		t.Error("status questions")
	}
}
