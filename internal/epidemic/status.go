package epidemic

import (
	"context"
	"sort"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/epidemic/zeros"
	"easyjob/internal/region"
	"easyjob/internal/store"
)

// Status is a region's three zeros and risk level as of a day.
type Status struct {
	Region string       `json:"region"`
	Name   string       `json:"name"`
	AsOf   easyjob.Date `json:"as_of"`
	// ThreeZeros tells whether the streak stands: every day since
	// StreakStart reported three confirmed zeros, the latest days possibly
	// still awaited before their deadline (State "unknown").
	ThreeZeros  bool          `json:"three_zeros"`
	StreakStart *easyjob.Date `json:"streak_start"` // null without a streak
	StreakDays  int           `json:"streak_days"`
	RiskLevel   Level         `json:"risk_level"`
	State       zeros.State   `json:"state"`   // three_zeros, unknown, not_zeros, no_reports
	Pending     int           `json:"pending"` // days awaited before their deadline
	LastReport  *easyjob.Date `json:"last_report"`
	Risk        CountyRisk    `json:"risk"`
}

// Unknown tells whether the latest days are awaited (for templates).
func (s Status) Unknown() bool { return s.State == zeros.Unknown }

// NoReports tells whether the region has never reported (for templates).
func (s Status) NoReports() bool { return s.State == zeros.NoReports }

func statusOf(code string, s zeros.Series, last *easyjob.Date, day easyjob.Date, rule Rule, open zeros.Open, o *Override) Status {
	st := zeros.StreakAt(s, day, open)
	out := Status{Region: code, Name: region.Name(code), AsOf: day, ThreeZeros: st.Holds(), StreakDays: st.Days,
		State: st.State, Pending: st.Pending, LastReport: last}
	if !st.Start.IsZero() {
		start := st.Start
		out.StreakStart = &start
	}
	out.Risk = decide(code, s, day, rule, open, o)
	out.RiskLevel = out.Risk.Level
	return out
}

// checkAsOf checks the day asked about: not in the future, not before FirstDay.
func checkAsOf(day easyjob.Date, today easyjob.Date) error {
	f := easyjob.Fields{}
	switch {
	case day.After(today):
		f.Add("as_of", "epidemic.date_future")
	case day.Before(FirstDay):
		f.Add("as_of", "epidemic.date_too_early", "first", FirstDay.String())
	}
	return f.Err()
}

// Status is a region's three zeros and level as of day (zero: today), for
// officers; the level is the county's (an override in force counts).
func (e *Service) Status(ctx context.Context, a easyjob.Actor, code string, day easyjob.Date) (_ Status, err error) {
	defer func() { err = store.Wrap(err, "epidemic.Status", "region", code) }()
	if !a.IsOfficer() {
		return Status{}, store.Forbidden()
	}
	if !Reportable(code) {
		return Status{}, easyjob.NotFound("region")
	}
	now := e.S.Now()
	if day.IsZero() {
		day = easyjob.DateOf(now)
	}
	if err := checkAsOf(day, easyjob.DateOf(now)); err != nil {
		return Status{}, err
	}
	board, err := e.board(ctx, []string{code}, day, now)
	if err != nil {
		return Status{}, err
	}
	return board[0], nil
}

// Board is every reporting region's status as of a day, with the roll-ups
// of their prefectures and provinces.
type Board struct {
	AsOf     easyjob.Date   `json:"as_of"`
	Rule     Rule           `json:"rule"`
	Deadline time.Time      `json:"deadline"` // when the report for the day is due
	Regions  []Status       `json:"regions"`  // twinned counties by code, then Shenzhen's districts
	Rollups  []Rollup       `json:"rollups"`  // provinces and prefectures, by code
	Counts   map[string]int `json:"counts"`   // regions by state
}

// Rollup is a prefecture's or a province's three zeros from its regions.
type Rollup struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Level string `json:"level"` // province or prefecture
	zeros.RollUp
}

// Board answers the status of every reporting region as of day (zero:
// today), for officers: the table, the map and the roll-ups.
func (e *Service) Board(ctx context.Context, a easyjob.Actor, day easyjob.Date) (_ Board, err error) {
	defer func() { err = store.Wrap(err, "epidemic.Board") }()
	if !a.IsOfficer() {
		return Board{}, store.Forbidden()
	}
	now := e.S.Now()
	if day.IsZero() {
		day = easyjob.DateOf(now)
	}
	if err := checkAsOf(day, easyjob.DateOf(now)); err != nil {
		return Board{}, err
	}
	rule, err := e.rule(ctx, e.S.DB.R)
	if err != nil {
		return Board{}, err
	}
	sts, err := e.board(ctx, Regions(), day, now)
	if err != nil {
		return Board{}, err
	}
	b := Board{AsOf: day, Rule: rule, Deadline: rule.Deadline(day), Regions: sts, Counts: map[string]int{}}
	groups := map[string][]zeros.Streak{}
	for _, s := range sts {
		b.Counts[string(s.State)]++
		st := zeros.Streak{State: s.State, Days: s.StreakDays, Pending: s.Pending}
		if s.StreakStart != nil {
			st.Start = *s.StreakStart
		}
		for _, p := range parents(s.Region) {
			groups[p] = append(groups[p], st)
		}
	}
	for code, sts := range groups {
		d, _ := region.Lookup(code)
		b.Rollups = append(b.Rollups, Rollup{Code: code, Name: d.Name, Level: d.Level.String(), RollUp: zeros.Roll(sts)})
	}
	sort.Slice(b.Rollups, func(i, j int) bool { return b.Rollups[i].Code < b.Rollups[j].Code })
	return b, nil
}

// parents are a region's prefecture and province (Shenzhen's districts
// roll up into Shenzhen and Guangdong).
func parents(code string) []string {
	var out []string
	for _, d := range region.Chain(code) {
		if d.Level == region.Province || d.Level == region.Prefecture {
			out = append(out, d.Code)
		}
	}
	return out
}

// board reads the reports and overrides of regions up to day in two
// queries and computes each one's status.
func (e *Service) board(ctx context.Context, regions []string, day easyjob.Date, now time.Time) ([]Status, error) {
	rule, err := e.rule(ctx, e.S.DB.R)
	if err != nil {
		return nil, err
	}
	code := ""
	if len(regions) == 1 {
		code = regions[0]
	}
	cur, err := e.current(ctx, e.S.DB.R, code, easyjob.Date{}, day)
	if err != nil {
		return nil, err
	}
	byRegion := map[string][]Report{}
	for _, r := range cur {
		byRegion[r.Region] = append(byRegion[r.Region], r)
	}
	var w store.Where
	if code != "" {
		w.Add("county = ?", code)
	}
	w.Add("at < ?", easyjob.Millis(dayEnd(day)))
	os, err := store.Select(ctx, e.S.DB.R, scanOverride, `SELECT id, county, level, reason, until_day, set_by, at FROM epidemic_overrides`+
		w.SQL()+` ORDER BY id`, w.Args()...)
	if err != nil {
		return nil, err
	}
	latest := map[string]*Override{}
	for i := range os {
		latest[os[i].County] = &os[i]
	}
	open := rule.open(now)
	out := make([]Status, 0, len(regions))
	for _, c := range regions {
		rs := byRegion[c]
		var last *easyjob.Date
		if len(rs) > 0 {
			d := rs[len(rs)-1].Day
			last = &d
		}
		out = append(out, statusOf(c, seriesOf(rs), last, day, rule, open, latest[c]))
	}
	return out, nil
}

// Event is a change on a day in a region, for the daily briefing: reached
// three zeros, streak broken, risk level changed (by the rule, or by an
// override).
type Event struct {
	Region string `json:"region"`
	Name   string `json:"name"`
	zeros.Event
	Override bool   `json:"override,omitempty"` // the change was an officer's override
	Reason   string `json:"reason,omitempty"`
}

// Events lists the events of every reporting region on days from…to, by
// day then region. It is what the daily briefing's provider calls; it
// reads, and needs no actor.
func (e *Service) Events(ctx context.Context, from, to easyjob.Date) (_ []Event, err error) {
	defer func() { err = store.Wrap(err, "epidemic.Events") }()
	if to.Before(from) || from.DaysUntil(to) >= MaxHistory {
		f := easyjob.Fields{}
		f.Add("from", "epidemic.history_range", "max", MaxHistory)
		return nil, f.Err()
	}
	rule, err := e.rule(ctx, e.S.DB.R)
	if err != nil {
		return nil, err
	}
	cur, err := e.current(ctx, e.S.DB.R, "", easyjob.Date{}, to)
	if err != nil {
		return nil, err
	}
	byRegion := map[string][]Report{}
	for _, r := range cur {
		byRegion[r.Region] = append(byRegion[r.Region], r)
	}
	open := rule.open(e.S.Now())
	var out []Event
	for _, c := range Regions() {
		for _, ev := range zeros.Events(seriesOf(byRegion[c]), from, to, open, rule.Rule) {
			out = append(out, Event{Region: c, Name: region.Name(c), Event: ev})
		}
	}
	os, err := store.Select(ctx, e.S.DB.R, scanOverride, `SELECT id, county, level, reason, until_day, set_by, at FROM epidemic_overrides
		WHERE at >= $1 AND at < $2 ORDER BY id`, easyjob.Millis(dayEnd(from.AddDays(-1))), easyjob.Millis(dayEnd(to)))
	if err != nil {
		return nil, err
	}
	for _, o := range os {
		ev := Event{Region: o.County, Name: region.Name(o.County), Override: true, Reason: o.Reason,
			Event: zeros.Event{Day: easyjob.DateOf(o.At), Kind: zeros.RiskChanged}}
		if o.Level != nil {
			ev.To = *o.Level
		}
		out = append(out, ev)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Day != out[j].Day {
			return out[i].Day.Before(out[j].Day)
		}
		return out[i].Region < out[j].Region
	})
	return out, nil
}
