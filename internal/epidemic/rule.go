package epidemic

import (
	"context"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/epidemic/zeros"
	"easyjob/internal/store"
)

// Rule is the rule officers set: how reports become a level, and the hour
// (Asia/Shanghai) by which a day's report is due on the next day.
type Rule struct {
	zeros.Rule
	DeadlineHour int       `json:"deadline_hour"`
	SetBy        int64     `json:"set_by"`
	At           time.Time `json:"at,omitzero"`
}

// DefaultDeadlineHour: a day's report is due at 10:00 the next morning.
const DefaultDeadlineHour = 10

// DefaultRule is the rule until officers set one.
var DefaultRule = Rule{Rule: zeros.DefaultRule, DeadlineHour: DefaultDeadlineHour}

// Deadline is when the report for day is due: the next day at the
// deadline hour, Shanghai time.
func (r Rule) Deadline(day easyjob.Date) time.Time {
	t := day.AddDays(1).Time()
	return time.Date(t.Year(), t.Month(), t.Day(), r.DeadlineHour, 0, 0, 0, easyjob.Shanghai)
}

// FirstOpen is the earliest day whose deadline has not passed at now.
func (r Rule) FirstOpen(now time.Time) easyjob.Date {
	d := easyjob.DateOf(now).AddDays(-1)
	if !now.Before(r.Deadline(d)) {
		d = d.AddDays(1)
	}
	return d
}

// open is zeros' view of the days still open at now.
func (r Rule) open(now time.Time) zeros.Open { return zeros.OpenFrom(r.FirstOpen(now)) }

// Late tells whether a report for day made at t came after its deadline.
func (r Rule) Late(day easyjob.Date, t time.Time) bool { return t.After(r.Deadline(day)) }

// rule reads the rule in force.
func (e *Service) rule(ctx context.Context, q querier) (Rule, error) {
	r := DefaultRule
	var noReports string
	var at int64
	err := q.QueryRowContext(ctx, `SELECT high_days, medium_days, low_days, no_reports, deadline_hour, set_by, at
		FROM epidemic_rules ORDER BY id DESC LIMIT 1`).Scan(&r.HighDays, &r.MediumDays, &r.LowDays, &noReports, &r.DeadlineHour, &r.SetBy, &at)
	if noRows(err) {
		return DefaultRule, nil
	}
	if err != nil {
		return Rule{}, err
	}
	r.NoReports, r.At = Level(noReports), easyjob.FromMillis(at)
	return r, nil
}

// CurrentRule returns the rule in force.
func (e *Service) CurrentRule(ctx context.Context) (_ Rule, err error) {
	defer func() { err = store.Wrap(err, "epidemic.CurrentRule") }()
	return e.rule(ctx, e.S.DB.R)
}

// SetRule sets the rule (city-wide officers and admins). Levels that turn
// high, or stop being high, tell Hold.
func (e *Service) SetRule(ctx context.Context, a easyjob.Actor, in Rule) (_ Rule, err error) {
	defer func() { err = store.Wrap(err, "epidemic.SetRule") }()
	if !a.IsOfficer() || !a.Scope.All {
		return Rule{}, store.Forbidden()
	}
	f := easyjob.Fields{}
	for name, n := range map[string]int{"high_days": in.HighDays, "medium_days": in.MediumDays, "low_days": in.LowDays} {
		if n < 1 || n > zeros.MaxRuleDays {
			f.Add(name, "epidemic.rule_days", "max", zeros.MaxRuleDays)
		}
	}
	if !in.NoReports.Valid() {
		f.Add("no_reports", "field.risk_level")
	}
	if in.DeadlineHour < 0 || in.DeadlineHour > 23 {
		f.Add("deadline_hour", "epidemic.deadline_hour")
	}
	if err := f.Err(); err != nil {
		return Rule{}, err
	}
	out := Rule{Rule: in.Rule, DeadlineHour: in.DeadlineHour, SetBy: a.UserID}
	err = e.S.Tx(ctx, func(tx *store.Tx) error {
		out.At = easyjob.FromMillis(tx.At)
		return e.watch(ctx, tx, Regions(), func() error {
			_, err := tx.ExecContext(ctx, `INSERT INTO epidemic_rules (high_days, medium_days, low_days, no_reports, deadline_hour, set_by, at)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, in.HighDays, in.MediumDays, in.LowDays, string(in.NoReports), in.DeadlineHour, a.UserID, tx.At)
			return err
		}, nil)
	})
	if err != nil {
		return Rule{}, err
	}
	return out, nil
}

// watch runs write in tx and tells Hold about every county among regions
// whose level today turned high or stopped being high; held (when not
// nil) receives the number of seats held.
func (e *Service) watch(ctx context.Context, tx *store.Tx, regions []string, write func() error, held *int) error {
	if e.Hold == nil {
		return write()
	}
	levels := func() (map[string]Level, error) {
		rule, err := e.rule(ctx, tx)
		if err != nil {
			return nil, err
		}
		out := map[string]Level{}
		for _, c := range regions {
			r, err := e.riskAt(ctx, tx, c, easyjob.DateOf(tx.Now), rule, rule.open(tx.Now))
			if err != nil {
				return nil, err
			}
			out[c] = r.Level
		}
		return out, nil
	}
	before, err := levels()
	if err != nil {
		return err
	}
	if err := write(); err != nil {
		return err
	}
	after, err := levels()
	if err != nil {
		return err
	}
	for _, c := range regions {
		from, to := before[c], after[c]
		if from == to || !(from.High() || to.High()) {
			continue
		}
		n, err := e.Hold(ctx, tx, c, from, to)
		if err != nil {
			return err
		}
		if held != nil {
			*held += n
		}
	}
	return nil
}
