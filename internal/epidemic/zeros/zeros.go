// Package zeros is the pure rule of the "three cleared-to-zeros" (三清零)
// and of a county's risk level: from a region's daily reports it computes
// the streak as of a day and the level a rule gives, and the events between
// two days. It does no I/O; internal/epidemic reads the reports and calls it.
//
// A reported value is missing, a confirmed zero or a positive count (Count).
// A day is Zero when its new confirmed, new suspected and in-hospital counts
// are all confirmed zeros; Positive when any of them is positive; Missing
// otherwise (no report, or a report with a missing value and no positive).
//
// The streak as of day D: walking back from D, the days still open (their
// deadline has not passed) that are Missing are skipped — they are pending,
// shown as "unknown", not as broken; then the run of Zero days is counted.
// The streak starts on the run's first day and lasts its length. A Positive
// day, or a Missing day whose deadline has passed, ends it.
//
// The level as of day D, under a Rule (defaults in brackets):
//
//	high    any new confirmed case on the HighDays [14] days ending on D
//	medium  else any new suspected case on the MediumDays [14] days ending on D
//	low     else a streak of at least LowDays [14] days (pending days aside)
//	medium  else (reports, but not yet clear long enough)
//	NoReports [low] when the region has no report on or before D at all
//
// A county that never reported keeps the level it had before reports
// existed (low, the gate's old default); officers can change that.
package zeros

import (
	"slices"

	"easyjob/internal/easyjob"
)

// day0 is the date whose Days() is 0.
var day0 = easyjob.NewDate(1970, 1, 1)

// Count is one reported value: missing (nil) or a count ≥ 0. Zero is a
// confirmed zero, never the same as missing.
type Count = *int

// N returns a Count holding n (for tests and literals).
func N(n int) Count { return &n }

// Values are one day's reported counts. The three of the rule come first;
// admitted, discharged and deaths serve the consistency checks.
type Values struct {
	NewConfirmed Count `json:"new_confirmed"`
	NewSuspected Count `json:"new_suspected"`
	InHospital   Count `json:"in_hospital"`
	Admitted     Count `json:"admitted"`
	Discharged   Count `json:"discharged"`
	Deaths       Count `json:"deaths"`
}

// Class is what a day says about the three zeros.
type Class string

// Classes of a day.
const (
	Missing  Class = "missing"  // no report, or a value missing and none positive
	Zero     Class = "zero"     // all three values confirmed zeros
	Positive Class = "positive" // any of the three values positive
)

// Classify tells what v says about the three zeros.
func (v Values) Classify() Class {
	zeros := 0
	for _, c := range []Count{v.NewConfirmed, v.NewSuspected, v.InHospital} {
		switch {
		case c == nil:
		case *c > 0:
			return Positive
		default:
			zeros++
		}
	}
	if zeros == 3 {
		return Zero
	}
	return Missing
}

// Day is one region's report for one date (the current version).
type Day struct {
	Date easyjob.Date
	Values
}

// Series is a region's reports, at most one per date, in any order.
type Series struct {
	days  map[int32]Values
	first int32 // the earliest reported date (Days), when any
	any   bool
}

// NewSeries indexes days by date; a later entry for a date replaces an
// earlier one.
func NewSeries(days []Day) Series {
	s := Series{days: make(map[int32]Values, len(days))}
	for _, d := range days {
		k := d.Date.Days()
		s.days[k] = d.Values
		if !s.any || k < s.first {
			s.first, s.any = k, true
		}
	}
	return s
}

// On returns the values reported for d, and whether any report exists.
func (s Series) On(d easyjob.Date) (Values, bool) {
	v, ok := s.days[d.Days()]
	return v, ok
}

// First is the earliest reported date, if any.
func (s Series) First() (easyjob.Date, bool) {
	if !s.any {
		return easyjob.Date{}, false
	}
	return day0.AddDays(int(s.first)), true
}

// reportedBy tells whether any report exists on or before d.
func (s Series) reportedBy(d easyjob.Date) bool { return s.any && s.first <= d.Days() }

// State is where a region stands on the three zeros.
type State string

// States of a streak.
const (
	ThreeZeros State = "three_zeros" // the streak holds through the day asked
	Unknown    State = "unknown"     // the latest days are awaited (before their deadline)
	NotZeros   State = "not_zeros"   // no streak: a positive or a missing day ended it, or never clear
	NoReports  State = "no_reports"  // nothing reported on or before the day
)

// Streak is a region's three-zeros streak as of a day.
type Streak struct {
	State State        `json:"state"`
	Start easyjob.Date `json:"start,omitzero"` // zero (absent) without a streak
	Days  int          `json:"days"`           // confirmed Zero days in the run
	// Pending counts the open days skipped at the end (awaited reports).
	Pending int `json:"pending"`
}

// Holds tells whether the streak stands (three zeros, or three zeros
// with today's report still awaited).
func (s Streak) Holds() bool { return s.Days > 0 && (s.State == ThreeZeros || s.State == Unknown) }

// Open tells which dates are still open: their report's deadline has not
// passed. The service builds it from the clock and the deadline hour; a
// nil Open has every date closed.
type Open func(easyjob.Date) bool

func (o Open) open(d easyjob.Date) bool { return o != nil && o(d) }

// OpenFrom is the Open of a clock: dates on or after first are open.
func OpenFrom(first easyjob.Date) Open {
	return func(d easyjob.Date) bool { return !d.Before(first) }
}

// StreakAt is the streak as of day asOf.
func StreakAt(s Series, asOf easyjob.Date, open Open) Streak {
	if !s.reportedBy(asOf) {
		return Streak{State: NoReports}
	}
	var st Streak
	d := asOf
	for open.open(d) && s.reportedBy(d) {
		v, _ := s.On(d)
		if v.Classify() != Missing {
			break
		}
		st.Pending++
		d = d.AddDays(-1)
	}
	first := easyjob.Date{}
	for s.reportedBy(d) {
		v, ok := s.On(d)
		if !ok || v.Classify() != Zero {
			break
		}
		st.Days++
		first = d
		d = d.AddDays(-1)
	}
	switch {
	case st.Days == 0:
		st.State, st.Pending = NotZeros, 0
	case st.Pending > 0:
		st.State, st.Start = Unknown, first
	default:
		st.State, st.Start = ThreeZeros, first
	}
	return st
}

// Level is a county's risk level.
type Level string

// Risk levels.
const (
	Low    Level = "low"
	Medium Level = "medium"
	High   Level = "high"
)

// Levels lists the levels from low to high.
var Levels = []Level{Low, Medium, High}

// Valid tells whether l is one of the three levels.
func (l Level) Valid() bool { return l == Low || l == Medium || l == High }

// High tells whether the county is at high risk: nobody from it rides a
// charter.
func (l Level) High() bool { return l == High }

// Medium tells whether the level is medium (for templates).
func (l Level) Medium() bool { return l == Medium }

// Rule turns reports into a level (see the package comment).
type Rule struct {
	HighDays   int   `json:"high_days"`   // high while any new confirmed case in this many days
	MediumDays int   `json:"medium_days"` // medium while any new suspected case in this many days
	LowDays    int   `json:"low_days"`    // low after this many days of three zeros
	NoReports  Level `json:"no_reports"`  // the level of a county that never reported
}

// DefaultRule is the rule until officers set another.
var DefaultRule = Rule{HighDays: 14, MediumDays: 14, LowDays: 14, NoReports: Low}

// MaxRuleDays bounds the rule's windows.
const MaxRuleDays = 365

// Valid tells whether every window is 1…MaxRuleDays and NoReports a level.
func (r Rule) Valid() bool {
	for _, n := range []int{r.HighDays, r.MediumDays, r.LowDays} {
		if n < 1 || n > MaxRuleDays {
			return false
		}
	}
	return r.NoReports.Valid()
}

// LevelAt is the level the rule gives as of day asOf.
func LevelAt(s Series, asOf easyjob.Date, open Open, r Rule) Level {
	if !s.reportedBy(asOf) {
		return r.NoReports
	}
	if anyIn(s, asOf, r.HighDays, func(v Values) Count { return v.NewConfirmed }) {
		return High
	}
	if anyIn(s, asOf, r.MediumDays, func(v Values) Count { return v.NewSuspected }) {
		return Medium
	}
	if StreakAt(s, asOf, open).Days >= r.LowDays {
		return Low
	}
	return Medium
}

// anyIn tells whether the value is positive on any of the n days ending on
// asOf.
func anyIn(s Series, asOf easyjob.Date, n int, pick func(Values) Count) bool {
	for i := 0; i < n; i++ {
		if v, ok := s.On(asOf.AddDays(-i)); ok {
			if c := pick(v); c != nil && *c > 0 {
				return true
			}
		}
	}
	return false
}

// EventKind is what happened to a region on a day.
type EventKind string

// Event kinds.
const (
	Reached     EventKind = "reached"      // the region reached three zeros (the streak's first day)
	Broken      EventKind = "broken"       // the streak ended (a positive, or a missing day past its deadline)
	RiskChanged EventKind = "risk_changed" // the level the rule gives changed
)

// Event is one change on one day.
type Event struct {
	Day   easyjob.Date `json:"day"`
	Kind  EventKind    `json:"kind"`
	Days  int          `json:"days,omitempty"`  // broken: how long the streak had lasted
	Cause Class        `json:"cause,omitempty"` // broken: Positive or Missing
	From  Level        `json:"from,omitempty"`  // risk_changed
	To    Level        `json:"to,omitempty"`    // risk_changed
}

// Events lists the events on days from…to (inclusive), in date order; a
// change is measured against the day before.
func Events(s Series, from, to easyjob.Date, open Open, r Rule) []Event {
	var out []Event
	prev := StreakAt(s, from.AddDays(-1), open)
	prevLevel := LevelAt(s, from.AddDays(-1), open, r)
	for d := from; !d.After(to); d = d.AddDays(1) {
		st := StreakAt(s, d, open)
		lv := LevelAt(s, d, open, r)
		v, _ := s.On(d)
		switch c := v.Classify(); {
		case c == Zero && st.Start == d:
			out = append(out, Event{Day: d, Kind: Reached})
		case c != Zero && prev.Holds() && !st.Holds():
			out = append(out, Event{Day: d, Kind: Broken, Days: prev.Days, Cause: c})
		}
		if lv != prevLevel {
			out = append(out, Event{Day: d, Kind: RiskChanged, From: prevLevel, To: lv})
		}
		prev, prevLevel = st, lv
	}
	return out
}

// RollUp is the three zeros of a prefecture or province: the streaks of
// its regions as of one day.
type RollUp struct {
	Regions    int          `json:"regions"`
	ThreeZeros int          `json:"three_zeros"` // regions whose streak holds
	Unknown    int          `json:"unknown"`     // of those, awaiting today's report
	NoReports  int          `json:"no_reports"`
	State      State        `json:"state"`          // three_zeros when every region's streak holds
	Start      easyjob.Date `json:"start,omitzero"` // the latest start among them: all clear since (absent: not all clear)
	Days       int          `json:"days"`           // the shortest streak
}

// Roll combines the streaks of a parent's regions: the parent is three
// zeros while every one of them is, since the latest of their starts.
func Roll(streaks []Streak) RollUp {
	r := RollUp{Regions: len(streaks), State: ThreeZeros}
	if len(streaks) == 0 {
		r.State = NoReports
		return r
	}
	days := make([]int, 0, len(streaks))
	for _, s := range streaks {
		switch {
		case s.State == NoReports:
			r.NoReports++
			r.State = NotZeros
		case s.Holds():
			r.ThreeZeros++
			if s.State == Unknown {
				r.Unknown++
			}
			if s.Start.After(r.Start) {
				r.Start = s.Start
			}
			days = append(days, s.Days)
		default:
			r.State = NotZeros
		}
	}
	if r.State == ThreeZeros {
		r.Days = slices.Min(days)
		if r.Unknown > 0 {
			r.State = Unknown
		}
	} else {
		r.Start = easyjob.Date{}
	}
	return r
}
