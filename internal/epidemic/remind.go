package epidemic

import (
	"context"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/store"
)

// RemindBefore is how long before a deadline the regions that have not
// reported are reminded.
const RemindBefore = 3 * time.Hour

// Reminder is one region reminded of one day's report.
type Reminder struct {
	Region   string       `json:"region"`
	Name     string       `json:"name"`
	Day      easyjob.Date `json:"day"`
	Deadline time.Time    `json:"deadline"`
}

// RemindDue records a reminder for every reporting region whose report for
// the day now due is still missing (or lacks one of the three values)
// within RemindBefore of its deadline, once per region and day, and
// returns the new ones. It is a plain method so that a periodic task on
// the job queue (River, internal/tasks) can call it every few minutes;
// until that exists nothing calls it on a schedule, and the officers'
// pages show the due day's missing reports instead.
func (e *Service) RemindDue(ctx context.Context, now time.Time) (_ []Reminder, err error) {
	defer func() { err = store.Wrap(err, "epidemic.RemindDue") }()
	rule, err := e.rule(ctx, e.S.DB.R)
	if err != nil {
		return nil, err
	}
	day := rule.FirstOpen(now)
	deadline := rule.Deadline(day)
	if deadline.Sub(now) > RemindBefore {
		return []Reminder{}, nil
	}
	cur, err := e.current(ctx, e.S.DB.R, "", day, day)
	if err != nil {
		return nil, err
	}
	done := map[string]bool{}
	for _, r := range cur {
		v := r.Values
		done[r.Region] = v.NewConfirmed != nil && v.NewSuspected != nil && v.InHospital != nil
	}
	var out []Reminder
	err = e.S.Tx(ctx, func(tx *store.Tx) error {
		out = []Reminder{} // the transaction may be run again
		for _, c := range Regions() {
			if done[c] {
				continue
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO epidemic_reminders (region, day, sent_at) VALUES ($1, $2, $3) ON CONFLICT (region, day) DO NOTHING`,
				c, day.String(), easyjob.Millis(now))
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n > 0 {
				out = append(out, Reminder{Region: c, Name: regionName(c), Day: day, Deadline: deadline})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Due lists the regions in a's scope whose report for the day now due is
// missing or incomplete, with its deadline (for the officer's page).
func (e *Service) Due(ctx context.Context, a easyjob.Actor) (_ []Reminder, err error) {
	defer func() { err = store.Wrap(err, "epidemic.Due") }()
	if !a.IsOfficer() {
		return nil, store.Forbidden()
	}
	rule, err := e.rule(ctx, e.S.DB.R)
	if err != nil {
		return nil, err
	}
	now := e.S.Now()
	day := rule.FirstOpen(now)
	if day.After(easyjob.DateOf(now)) {
		day = easyjob.DateOf(now)
	}
	cur, err := e.current(ctx, e.S.DB.R, "", day, day)
	if err != nil {
		return nil, err
	}
	done := map[string]bool{}
	for _, r := range cur {
		v := r.Values
		done[r.Region] = v.NewConfirmed != nil && v.NewSuspected != nil && v.InHospital != nil
	}
	out := []Reminder{}
	for _, c := range Regions() {
		if !done[c] && mayReport(a, c) {
			out = append(out, Reminder{Region: c, Name: regionName(c), Day: day, Deadline: rule.Deadline(day)})
		}
	}
	return out, nil
}
