package epidemic

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/epidemic/zeros"
	"easyjob/internal/region"
	"easyjob/internal/store"
)

// MaxCount is the largest count a report may carry.
const MaxCount = 10_000_000

// MaxNote is the longest note a report may carry.
const MaxNote = 500

// Value is one reported count as it arrives: missing (JSON null, "" or
// absent), or a whole number. It is checked (not negative, at most
// MaxCount) by the service, not by decoding, so the message names the rule.
type Value struct {
	n   int64
	set bool
}

// V is a Value holding n.
func V(n int64) Value { return Value{n: n, set: true} }

// Missing is the missing Value.
var Missing = Value{}

// Set tells whether a count was given.
func (v Value) Set() bool { return v.set }

// Int is the count (0 when missing).
func (v Value) Int() int64 { return v.n }

// UnmarshalJSON reads a number, null or "" (missing).
func (v *Value) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" || string(b) == `""` {
		*v = Value{}
		return nil
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		var f float64
		if json.Unmarshal(b, &f) != nil || f != float64(int64(f)) {
			return errors.New("a count is a whole number, null or empty")
		}
		n = int64(f)
	}
	*v = V(n)
	return nil
}

// MarshalJSON writes the number or null.
func (v Value) MarshalJSON() ([]byte, error) {
	if !v.set {
		return []byte("null"), nil
	}
	return strconv.AppendInt(nil, v.n, 10), nil
}

// ParseValue reads a spreadsheet cell or a form field: "" is missing.
func ParseValue(s string) (Value, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Missing, true
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		if f, ferr := strconv.ParseFloat(s, 64); ferr == nil && f == float64(int64(f)) {
			return V(int64(f)), true
		}
		return Missing, false
	}
	return V(n), true
}

func (v Value) count() zeros.Count {
	if !v.set {
		return nil
	}
	return zeros.N(int(v.n))
}

// ReportInput is one day's report: each value a count or missing.
type ReportInput struct {
	NewConfirmed Value  `json:"new_confirmed"`
	NewSuspected Value  `json:"new_suspected"`
	InHospital   Value  `json:"in_hospital"`
	Admitted     Value  `json:"admitted"`
	Discharged   Value  `json:"discharged"`
	Deaths       Value  `json:"deaths"`
	Excluded     Value  `json:"excluded"` // suspected cases excluded that day
	Note         string `json:"note"`
}

// ValueFields names the values in order, as JSON, columns and forms do.
var ValueFields = []string{"new_confirmed", "new_suspected", "in_hospital", "admitted", "discharged", "deaths", "excluded"}

// values lists the input's values in ValueFields order.
func (in *ReportInput) values() []*Value {
	return []*Value{&in.NewConfirmed, &in.NewSuspected, &in.InHospital, &in.Admitted, &in.Discharged, &in.Deaths, &in.Excluded}
}

// Sources of a report.
const (
	SourceForm   = "form"
	SourceImport = "import"
	SourceAPI    = "api"
	SourceDemo   = "demo"
)

// Report is one version of a day's report.
type Report struct {
	ID         int64        `json:"id"`
	Region     string       `json:"region"`
	Day        easyjob.Date `json:"day"`
	Version    int          `json:"version"`
	Values     zeros.Values `json:"values"`
	Excluded   zeros.Count  `json:"excluded"`
	Source     string       `json:"source"`
	Late       bool         `json:"late"`
	Note       string       `json:"note,omitempty"`
	ReportedBy int64        `json:"reported_by"`
	ReportedAt time.Time    `json:"reported_at"`
	// Changed names the values that differ from the previous version.
	Changed []string `json:"changed,omitempty"`
}

// Class is what the report says about the three zeros.
func (r Report) Class() zeros.Class { return r.Values.Classify() }

// Value returns a value by its field name (nil: missing), for pages.
func (r Report) Value(field string) zeros.Count {
	switch field {
	case "new_confirmed":
		return r.Values.NewConfirmed
	case "new_suspected":
		return r.Values.NewSuspected
	case "in_hospital":
		return r.Values.InHospital
	case "admitted":
		return r.Values.Admitted
	case "discharged":
		return r.Values.Discharged
	case "deaths":
		return r.Values.Deaths
	case "excluded":
		return r.Excluded
	}
	return nil
}

// Saved is what a report did.
type Saved struct {
	Report
	Correction bool       `json:"correction"` // an earlier version existed
	Risk       CountyRisk `json:"risk"`       // the region's level after it
	HeldSeats  int        `json:"held_seats"` // seats put on hold because the county turned high
}

// checkReport checks a report; fields name the problems.
func (e *Service) checkReport(a easyjob.Actor, code, day string, in *ReportInput, today easyjob.Date) (easyjob.Date, error) {
	if !a.IsOfficer() {
		return easyjob.Date{}, store.Forbidden()
	}
	f := easyjob.Fields{}
	if !Reportable(code) {
		f.Add("region", "epidemic.region_unknown")
	} else if !mayReport(a, code) {
		return easyjob.Date{}, store.Forbidden()
	}
	d, err := easyjob.ParseDate(day)
	switch {
	case err != nil:
		f.Add("date", "field.date_invalid")
	case d.After(today):
		f.Add("date", "epidemic.date_future")
	case d.Before(FirstDay):
		f.Add("date", "epidemic.date_too_early", "first", FirstDay.String())
	}
	for i, v := range in.values() {
		switch {
		case !v.set:
		case v.n < 0:
			f.Add(ValueFields[i], "epidemic.count_negative")
		case v.n > MaxCount:
			f.Add(ValueFields[i], "epidemic.count_too_large", "max", MaxCount)
		}
	}
	in.Note = strings.TrimSpace(in.Note)
	if len([]rune(in.Note)) > MaxNote {
		f.Add("note", "field.too_long", "max", MaxNote)
	}
	return d, f.Err()
}

// Put records a region's report for day (YYYY-MM-DD): the first, or a
// correction that becomes the current version while the earlier ones stay.
// Officers of the region only (403 otherwise); a missing value stays
// missing. A report after the day's deadline is accepted and marked late.
func (e *Service) Put(ctx context.Context, a easyjob.Actor, code, day string, in ReportInput, source string) (_ Saved, err error) {
	defer func() { err = store.Wrap(err, "epidemic.Put", "region", code, "day", day) }()
	d, err := e.checkReport(a, code, day, &in, easyjob.DateOf(e.S.Now()))
	if err != nil {
		return Saved{}, err
	}
	var out Saved
	err = e.S.Tx(ctx, func(tx *store.Tx) error {
		err := e.watch(ctx, tx, []string{code}, func() error {
			var err error
			out, err = e.putTx(ctx, tx, a.UserID, code, d, in, source)
			return err
		}, &out.HeldSeats)
		if err != nil {
			return err
		}
		rule, err := e.rule(ctx, tx)
		if err != nil {
			return err
		}
		out.Risk, err = e.riskAt(ctx, tx, code, easyjob.DateOf(tx.Now), rule, rule.open(tx.Now))
		return err
	})
	if err != nil {
		return Saved{}, err
	}
	return out, nil
}

// putTx writes one version: the day's row first (its lock orders
// concurrent corrections), then the version, then the day points at it.
func (e *Service) putTx(ctx context.Context, tx *store.Tx, by int64, code string, d easyjob.Date, in ReportInput, source string) (Saved, error) {
	return e.putAtTx(ctx, tx, by, code, d, in, source, tx.Now)
}

// putAtTx is putTx with the report's time given (the demo's history).
func (e *Service) putAtTx(ctx context.Context, tx *store.Tx, by int64, code string, d easyjob.Date, in ReportInput, source string, now time.Time) (Saved, error) {
	rule, err := e.rule(ctx, tx)
	if err != nil {
		return Saved{}, err
	}
	at := easyjob.Millis(now)
	late := rule.Late(d, now)
	var version int
	if err := tx.QueryRowContext(ctx, `INSERT INTO epidemic_days (region, day, versions, first_at, late) VALUES ($1, $2, 1, $3, $4)
		ON CONFLICT (region, day) DO UPDATE SET versions = epidemic_days.versions + 1 RETURNING versions`,
		code, d.String(), at, late).Scan(&version); err != nil {
		return Saved{}, err
	}
	args := []any{code, d.String(), version}
	for _, v := range in.values() {
		if v.set {
			args = append(args, v.n)
		} else {
			args = append(args, nil)
		}
	}
	args = append(args, source, late, in.Note, by, at)
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO epidemic_reports (region, day, version, new_confirmed, new_suspected, in_hospital,
		admitted, discharged, deaths, excluded, source, late, note, reported_by, reported_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`, args...).Scan(&id); err != nil {
		return Saved{}, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE epidemic_days SET current_id = $1 WHERE region = $2 AND day = $3`, id, code, d.String()); err != nil {
		return Saved{}, err
	}
	r := Report{ID: id, Region: code, Day: d, Version: version, Source: source, Late: late, Note: in.Note, ReportedBy: by, ReportedAt: easyjob.FromMillis(at),
		Values: zeros.Values{NewConfirmed: in.NewConfirmed.count(), NewSuspected: in.NewSuspected.count(), InHospital: in.InHospital.count(),
			Admitted: in.Admitted.count(), Discharged: in.Discharged.count(), Deaths: in.Deaths.count()},
		Excluded: in.Excluded.count()}
	return Saved{Report: r, Correction: version > 1}, nil
}

const reportCols = `r.id, r.region, r.day, r.version, r.new_confirmed, r.new_suspected, r.in_hospital, r.admitted, r.discharged, r.deaths,
	r.excluded, r.source, r.late, r.note, r.reported_by, r.reported_at`

func scanReport(row store.Scanner) (Report, error) {
	var r Report
	var v [7]*int
	var at int64
	if err := row.Scan(&r.ID, &r.Region, &r.Day, &r.Version, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
		&r.Source, &r.Late, &r.Note, &r.ReportedBy, &at); err != nil {
		return r, err
	}
	r.Values = zeros.Values{NewConfirmed: v[0], NewSuspected: v[1], InHospital: v[2], Admitted: v[3], Discharged: v[4], Deaths: v[5]}
	r.Excluded, r.ReportedAt = v[6], easyjob.FromMillis(at)
	return r, nil
}

// series reads a region's current reports up to day.
func (e *Service) series(ctx context.Context, q querier, code string, upTo easyjob.Date) (zeros.Series, error) {
	days, err := e.current(ctx, q, code, easyjob.Date{}, upTo)
	if err != nil {
		return zeros.Series{}, err
	}
	return seriesOf(days), nil
}

func seriesOf(rs []Report) zeros.Series {
	days := make([]zeros.Day, len(rs))
	for i, r := range rs {
		days[i] = zeros.Day{Date: r.Day, Values: r.Values}
	}
	return zeros.NewSeries(days)
}

// current reads the current version of a region's days from…to (a zero
// from: from the start), by day; code "" reads every region.
func (e *Service) current(ctx context.Context, q querier, code string, from, to easyjob.Date) ([]Report, error) {
	var w store.Where
	if code != "" {
		w.Add("d.region = ?", code)
	}
	if !from.IsZero() {
		w.Add("d.day >= ?", from.String())
	}
	w.Add("d.day <= ?", to.String())
	return store.Select(ctx, q, scanReport, `SELECT `+reportCols+` FROM epidemic_days d JOIN epidemic_reports r ON r.id = d.current_id`+
		w.SQL()+` ORDER BY d.region, d.day`, w.Args()...)
}

// Day is a region's day: the current report (nil when none), every
// version, whether the first came late, and the consistency checks.
type Day struct {
	Region   string        `json:"region"`
	Day      easyjob.Date  `json:"day"`
	Current  *Report       `json:"current"`
	Versions []Report      `json:"versions"` // oldest first
	Late     bool          `json:"late"`
	Class    zeros.Class   `json:"class"`
	Checks   []easyjob.Msg `json:"checks"`
	Streak   zeros.Streak  `json:"streak"`
	Level    Level         `json:"level"` // the rule's level that day
}

// Missing tells whether nothing was reported that day.
func (d Day) Missing() bool { return d.Current == nil }

// Corrected tells whether the day has more than one version.
func (d Day) Corrected() bool { return len(d.Versions) > 1 }

// History lists a region's days from…to (at most MaxHistory), newest
// first, with every version, checks and the streak and level of each day
// (officers).
func (e *Service) History(ctx context.Context, a easyjob.Actor, code string, from, to easyjob.Date) (_ []Day, err error) {
	defer func() { err = store.Wrap(err, "epidemic.History", "region", code) }()
	if !a.IsOfficer() {
		return nil, store.Forbidden()
	}
	if !Reportable(code) {
		return nil, easyjob.NotFound("region")
	}
	if to.Before(from) || from.DaysUntil(to) >= MaxHistory {
		f := easyjob.Fields{}
		f.Add("from", "epidemic.history_range", "max", MaxHistory)
		return nil, f.Err()
	}
	rule, err := e.rule(ctx, e.S.DB.R)
	if err != nil {
		return nil, err
	}
	cur, err := e.current(ctx, e.S.DB.R, code, easyjob.Date{}, to)
	if err != nil {
		return nil, err
	}
	versions, err := store.Select(ctx, e.S.DB.R, scanReport, `SELECT `+reportCols+` FROM epidemic_reports r
		WHERE r.region = $1 AND r.day >= $2 AND r.day <= $3 ORDER BY r.day, r.version`, code, from.AddDays(-1).String(), to.String())
	if err != nil {
		return nil, err
	}
	lates, err := store.Select(ctx, e.S.DB.R, func(row store.Scanner) (string, error) {
		var d string
		err := row.Scan(&d)
		return d, err
	}, `SELECT day FROM epidemic_days WHERE region = $1 AND late = $2 AND day >= $3 AND day <= $4`, code, true, from.String(), to.String())
	if err != nil {
		return nil, err
	}
	late := map[string]bool{}
	for _, d := range lates {
		late[d] = true
	}
	s := seriesOf(cur)
	byDay := map[easyjob.Date][]Report{}
	for _, r := range versions {
		if n := len(byDay[r.Day]); n > 0 {
			r.Changed = changed(byDay[r.Day][n-1], r)
		}
		byDay[r.Day] = append(byDay[r.Day], r)
	}
	curOf := map[easyjob.Date]Report{}
	for _, r := range cur {
		curOf[r.Day] = r
	}
	open := rule.open(e.S.Now())
	var out []Day
	for d := to; !d.Before(from); d = d.AddDays(-1) {
		day := Day{Region: code, Day: d, Versions: byDay[d], Late: late[d.String()], Class: zeros.Missing}
		if day.Versions == nil {
			day.Versions = []Report{}
		}
		if r, ok := curOf[d]; ok {
			day.Current = &r
			day.Class = r.Class()
		}
		var prev *Report
		if r, ok := curOf[d.AddDays(-1)]; ok {
			prev = &r
		}
		day.Checks = Checks(day.Current, prev, cur)
		day.Streak = zeros.StreakAt(s, d, open)
		day.Level = zeros.LevelAt(s, d, open, rule.Rule)
		out = append(out, day)
	}
	return out, nil
}

// MaxHistory is the most days History answers at once.
const MaxHistory = 400

// changed names the values that differ between two versions.
func changed(a, b Report) []string {
	var out []string
	for _, f := range ValueFields {
		x, y := a.Value(f), b.Value(f)
		if (x == nil) != (y == nil) || (x != nil && *x != *y) {
			out = append(out, f)
		}
	}
	return out
}

// Checks are the consistency rules, shown and never fixed: in hospital
// today = yesterday + admitted − discharged − deaths (when all are known);
// suspected cases resolve, to confirmed or excluded, before a day that
// claims three zeros. all is the region's current reports up to the day.
func Checks(cur, prev *Report, all []Report) []easyjob.Msg {
	out := []easyjob.Msg{} // a list in JSON even when none fails
	if cur == nil {
		return out
	}
	v := cur.Values
	if prev != nil && v.InHospital != nil && prev.Values.InHospital != nil && v.Admitted != nil && v.Discharged != nil && v.Deaths != nil {
		want := *prev.Values.InHospital + *v.Admitted - *v.Discharged - *v.Deaths
		if want != *v.InHospital {
			out = append(out, easyjob.M("epidemic.check_hospital", "want", want, "got", *v.InHospital))
		}
	}
	if v.Classify() == zeros.Zero {
		open := 0
		for _, r := range all {
			if r.Day.After(cur.Day) {
				break
			}
			for _, c := range []zeros.Count{r.Values.NewSuspected} {
				if c != nil {
					open += *c
				}
			}
			for _, c := range []zeros.Count{r.Values.NewConfirmed, r.Excluded} {
				if c != nil {
					open -= *c
				}
			}
		}
		if open > 0 {
			out = append(out, easyjob.M("epidemic.check_suspected", "open", open))
		}
	}
	return out
}

// regionName is a region's name for messages and pages.
func regionName(code string) string { return region.Name(code) }

// asDomain is errors.As for *easyjob.Error.
func asDomain(err error, target **easyjob.Error) bool { return errors.As(err, target) }

// SeedReport is one version of a report with its own time, for loaders.
type SeedReport struct {
	Region string
	Day    easyjob.Date
	Input  ReportInput
	At     time.Time
	By     int64
}

// Seed writes report versions as they were made at their own times, in
// order, in one transaction and without checks: the demo loader's history.
// Late flags follow the rule in force.
func (e *Service) Seed(ctx context.Context, rs []SeedReport) (err error) {
	defer func() { err = store.Wrap(err, "epidemic.Seed") }()
	return e.S.Tx(ctx, func(tx *store.Tx) error {
		for _, r := range rs {
			if _, err := e.putAtTx(ctx, tx, r.By, r.Region, r.Day, r.Input, SourceDemo, r.At); err != nil {
				return err
			}
		}
		return nil
	})
}
