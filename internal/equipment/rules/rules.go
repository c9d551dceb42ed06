// Package rules holds the pure rules of shared equipment and reward challenges, without I/O:
// booking windows, no-shows and suspension, the challenge's states, the aggregation of the
// experts' scores and the award with its two payments.
//
// Booking window: a booking starts at least the instrument's notice after now and at most
// HorizonDays ahead, ends after it starts, and lasts between the instrument's minimum and
// maximum. A booking not checked in by CheckInGrace after its start is a no-show; NoShowLimit
// no-shows within NoShowWindow suspend the borrower for Suspension.
//
// Scores: each expert scores each criterion 0–MaxScore; the expert's total is
//
//	total = 100 × Σ weight_c × score_c / (MaxScore × Σ weight_c)
//
// (0–100). An entry's score in a round is the mean of its experts' totals; its assessed
// amount is the median of their assessed amounts (the lower middle for an even count, so one
// generous expert cannot lift it). The award is min(ask, assessed) and never above the ceiling;
// the upfront part is award × pct / 100, at most the cap (when the cap is set), and the rest
// is paid after the milestone review.
package rules

import (
	"math"
	"sort"
	"strconv"
	"time"

	"easyjob/internal/easyjob"
)

// Limits of bookings.
const (
	HorizonDays   = 60
	CheckInEarly  = 15 * time.Minute // check-in opens this long before the start
	CheckInGrace  = time.Hour        // not checked in by start + grace: a no-show
	NoShowLimit   = 3
	NoShowWindow  = 90 * 24 * time.Hour
	Suspension    = 30 * 24 * time.Hour
	MaxScore      = 10
	ProjectMaxLen = 200
)

// Window is how an instrument may be booked.
type Window struct {
	NoticeMinutes, MinMinutes, MaxMinutes int
}

// CheckWindow checks a requested booking against the instrument's window at now; the
// field-level messages name start and end.
func CheckWindow(w Window, now, start, end time.Time) error {
	f := easyjob.Fields{}
	switch {
	case start.IsZero():
		f.Add("start", "field.required")
	case start.Before(now):
		f.Add("start", "equipment.in_past")
	case start.Before(now.Add(time.Duration(w.NoticeMinutes) * time.Minute)):
		f.Add("start", "equipment.notice", "minutes", w.NoticeMinutes)
	case start.After(now.Add(HorizonDays * 24 * time.Hour)):
		f.Add("start", "equipment.horizon", "days", HorizonDays)
	}
	if end.IsZero() {
		f.Add("end", "field.required")
	} else if !start.IsZero() {
		d := end.Sub(start)
		switch {
		case d <= 0:
			f.Add("end", "equipment.end_before_start")
		case d < time.Duration(w.MinMinutes)*time.Minute:
			f.Add("end", "equipment.too_short", "minutes", w.MinMinutes)
		case d > time.Duration(w.MaxMinutes)*time.Minute:
			f.Add("end", "equipment.too_long", "minutes", w.MaxMinutes)
		}
	}
	return f.Err()
}

// Overlaps tells whether [a0, a1) and [b0, b1) share an instant.
func Overlaps(a0, a1, b0, b1 time.Time) bool { return a0.Before(b1) && b0.Before(a1) }

// CanCheckIn tells whether a booking starting at start may be checked in at now.
func CanCheckIn(start, end, now time.Time) bool {
	return !now.Before(start.Add(-CheckInEarly)) && now.Before(start.Add(CheckInGrace)) && now.Before(end)
}

// NoShow tells whether a booking starting at start and not checked in is a no-show at now.
func NoShow(start, now time.Time) bool { return !now.Before(start.Add(CheckInGrace)) }

// Suspends tells whether a borrower with n no-shows in the window is suspended.
func Suspends(n int) bool { return n >= NoShowLimit }

// Biosafety levels: 0 none required, 1–4 BSL-1 … BSL-4.
const MaxBiosafety = 4

// Sheet is one expert's scores of one entry in one round.
type Sheet struct {
	Scores   map[int64]int // criterion id → 0..MaxScore
	Assessed int64         // the amount the expert thinks the work is worth, CNY
}

// CheckSheet checks a sheet against the criteria (id → weight) and the ceiling.
func CheckSheet(criteria map[int64]int, s Sheet, ceiling int64) error {
	f := easyjob.Fields{}
	for id := range criteria {
		v, ok := s.Scores[id]
		if !ok {
			f.Add(scoreField(id), "field.required")
		} else if v < 0 || v > MaxScore {
			f.Add(scoreField(id), "equipment.score_scale", "max", MaxScore)
		}
	}
	for id := range s.Scores {
		if _, ok := criteria[id]; !ok {
			f.Add(scoreField(id), "equipment.no_such_criterion")
		}
	}
	if s.Assessed <= 0 {
		f.Add("assessed", "field.required")
	} else if s.Assessed > ceiling {
		f.Add("assessed", "equipment.above_ceiling", "ceiling", ceiling)
	}
	return f.Err()
}

func scoreField(id int64) string { return "score_" + strconv.FormatInt(id, 10) }

// Total is one sheet's weighted total, 0–100.
func Total(criteria map[int64]int, scores map[int64]int) float64 {
	var num, den float64
	for id, w := range criteria {
		num += float64(w * scores[id])
		den += float64(w * MaxScore)
	}
	if den == 0 {
		return 0
	}
	return math.Round(1000*num/den*100) / 1000
}

// Result is an entry's standing in a round.
type Result struct {
	Sheets   int
	Score    float64 // mean of the totals, 0–100
	Assessed int64   // median of the assessed amounts
}

// Aggregate combines the totals and assessed amounts of an entry's sheets.
func Aggregate(totals []float64, assessed []int64) Result {
	r := Result{Sheets: len(totals)}
	if len(totals) == 0 {
		return r
	}
	var sum float64
	for _, t := range totals {
		sum += t
	}
	r.Score = math.Round(100*sum/float64(len(totals))) / 100
	a := append([]int64(nil), assessed...)
	sort.Slice(a, func(i, j int) bool { return a[i] < a[j] })
	if len(a) > 0 {
		r.Assessed = a[(len(a)-1)/2]
	}
	return r
}

// Award is min(ask, assessed); an amount above the ceiling is refused.
func Award(ask, assessed, ceiling int64) (int64, error) {
	if assessed <= 0 {
		return 0, easyjob.Errorf(easyjob.ECONFLICT, "equipment.not_assessed")
	}
	a := min(ask, assessed)
	if a > ceiling {
		f := easyjob.Fields{}
		f.Add("award", "equipment.above_ceiling", "ceiling", ceiling)
		return 0, f.Err()
	}
	return a, nil
}

// Split divides an award into the part paid on selection and the part paid after the
// milestone review: upfront = award × pct / 100 (rounded down to the yuan), at most cap when
// cap > 0.
func Split(award int64, pct int, cap int64) (upfront, rest int64) {
	upfront = award * int64(pct) / 100
	if cap > 0 && upfront > cap {
		upfront = cap
	}
	return upfront, award - upfront
}
