package retention

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"easyjob/internal/easyjob"
	"easyjob/internal/store"
)

// batch is how many rows one sweep transaction handles.
const batch = 1000

// system is the actor of the sweep's own steps (reminders, escalations).
var system = easyjob.Actor{Role: easyjob.RoleAdmin, Scope: easyjob.ScopeAll}

// SweepResult counts what one sweep did.
type SweepResult struct {
	Created, Reminded, Escalated, Overdue, Claims int
}

// Sweep does the retention work due at the store's clock: check-ins that
// fell due are created and the seeker told by SMS; unanswered ones are
// reminded, then escalated; overdue disputes go to the city; and claim is
// called for every subsidy claim whose condition is met (the queue makes
// it). Each step is a conditional write, so two sweeps at once (two
// processes, a retry) never send a message twice.
func (s *Service) Sweep(ctx context.Context, claim func(rule string, applicationID int64)) error {
	_, err := s.SweepCount(ctx, claim)
	return err
}

// SweepCount is Sweep, counting.
func (s *Service) SweepCount(ctx context.Context, claim func(rule string, applicationID int64)) (r SweepResult, err error) {
	defer func() { err = store.Wrap(err, "retention.Sweep") }()
	if r.Created, err = s.CreateDue(ctx); err != nil {
		return r, err
	}
	if r.Reminded, r.Escalated, err = s.Remind(ctx); err != nil {
		return r, err
	}
	if r.Overdue, err = s.EscalateDisputes(ctx); err != nil {
		return r, err
	}
	if claim != nil {
		due, err := s.ClaimsDue(ctx)
		if err != nil {
			return r, err
		}
		for _, c := range due {
			claim(c.Rule, c.ApplicationID)
		}
		r.Claims = len(due)
	}
	return r, nil
}

// CreateDue creates the check-ins that have fallen due and texts each
// seeker a link. Only the latest check-in due for an application is made
// (a worker who arrived 200 days before easyjob started asking is asked at
// 180 days only, not three times at once).
func (s *Service) CreateDue(ctx context.Context) (n int, err error) {
	today := s.S.Today()
	for step, day := range s.Cfg.Days {
		// Arrived on or before today-day, and (unless last) after today-next.
		hi := startOf(today.AddDays(-day + 1))
		lo := int64(0)
		if step+1 < len(s.Cfg.Days) {
			lo = startOf(today.AddDays(-s.Cfg.Days[step+1] + 1))
		}
		for after := int64(0); ; {
			k, last, err := s.createDue(ctx, step, day, lo, hi, after)
			n += k
			if err != nil {
				return n, err
			}
			if last == 0 {
				break
			}
			after = last
		}
	}
	return n, nil
}

type dueRow struct {
	app, employer     int64
	district, county  string
	phone             []byte
	arrivedAt         int64
	title, employName string
}

// createDue makes one batch of check-ins for applications after the id
// after, and returns how many it made and the last id it read (0: none).
func (s *Service) createDue(ctx context.Context, step, day int, lo, hi, after int64) (int, int64, error) {
	rows, err := store.Select(ctx, s.S.DB.R, func(r store.Scanner) (dueRow, error) {
		var d dueRow
		err := r.Scan(&d.app, &d.employer, &d.district, &d.county, &d.phone, &d.arrivedAt, &d.title, &d.employName)
		return d, err
	},
		// The arrivals in the window come first, from their partial index
		// (application_events_arrived): CROSS JOIN keeps SQLite from
		// starting at the applications by state, which reads every
		// arrived or onboarded application (issue #11); PostgreSQL
		// treats it as an inner join.
		`SELECT a.id, p.employer_id, p.district, k.home_county, k.phone_cipher, ev.at, p.title, e.name
		FROM application_events ev CROSS JOIN applications a
		JOIN postings p ON p.id = a.posting_id JOIN employers e ON e.id = p.employer_id JOIN seekers k ON k.id = a.seeker_id
		WHERE ev.to_state = 'arrived' AND ev.at < $1 AND ev.at >= $2 AND a.id = ev.application_id
		AND a.state IN ('arrived', 'onboarded', 'retained_30', 'retained_90', 'retained_180')
		AND NOT EXISTS (SELECT 1 FROM checkins c WHERE c.application_id = a.id AND c.step >= $3)
		AND a.id > $5 ORDER BY a.id LIMIT $4`, hi, lo, step, batch, after)
	if err != nil || len(rows) == 0 {
		return 0, 0, err
	}
	n := 0
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		for _, d := range rows {
			arrived := easyjob.DateOf(easyjob.FromMillis(d.arrivedAt))
			due := arrived.AddDays(day)
			next := startOf(due.AddDays(s.Cfg.Remind[0]))
			var id int64
			err := tx.QueryRowContext(ctx, `INSERT INTO checkins (application_id, step, day, arrived_on, due_on, county, district,
				employer_id, status, next_at, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9, $10, $10)
				ON CONFLICT (application_id, step) DO NOTHING RETURNING id`,
				d.app, step, day, arrived.String(), due.String(), d.county, d.district, d.employer, next, tx.At).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				continue // another sweep made it
			}
			if err != nil {
				return err
			}
			if err := s.event(ctx, tx, d.app, id, 0, "due", system, strconv.Itoa(day)); err != nil {
				return err
			}
			if err := s.text(ctx, tx, d.phone, "sms.checkin", "employer", d.employName, "days", day,
				"link", s.BaseURL+"/checkins/"+strconv.FormatInt(id, 10)); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, rows[len(rows)-1].app, err
}

// text sends a message to a sealed seeker phone (none without a phone).
func (s *Service) text(ctx context.Context, tx *store.Tx, sealed []byte, key string, kv ...any) error {
	if len(sealed) == 0 {
		return nil
	}
	phone, err := s.S.Sealer.Open(sealed, []byte("seeker.phone"))
	if err != nil {
		return err
	}
	return s.S.Send(ctx, tx, string(phone), "retention", key, kv...)
}

// Remind sends the reminders that are due and escalates the check-ins left
// unanswered after them. Each is a conditional update on the reminders
// count, in the transaction that writes the message.
func (s *Service) Remind(ctx context.Context) (reminded, escalated int, err error) {
	now := easyjob.Millis(s.S.Now())
	for {
		type row struct {
			id, app   int64
			reminders int
			due       easyjob.Date
			day       int
			phone     []byte
		}
		rows, err := store.Select(ctx, s.S.DB.R, func(r store.Scanner) (row, error) {
			var x row
			err := r.Scan(&x.id, &x.app, &x.reminders, &x.due, &x.day, &x.phone)
			return x, err
		}, `SELECT c.id, c.application_id, c.reminders, c.due_on, c.day, k.phone_cipher FROM checkins c
			JOIN applications a ON a.id = c.application_id JOIN seekers k ON k.id = a.seeker_id
			WHERE c.next_at > 0 AND c.next_at <= $1 AND c.status = 'open' ORDER BY c.next_at, c.id LIMIT $2`, now, batch)
		if err != nil {
			return reminded, escalated, err
		}
		if len(rows) == 0 {
			return reminded, escalated, nil
		}
		err = s.S.Tx(ctx, func(tx *store.Tx) error {
			for _, x := range rows {
				if x.reminders < len(s.Cfg.Remind) {
					next := startOf(x.due.AddDays(s.Cfg.Escalate))
					if x.reminders+1 < len(s.Cfg.Remind) {
						next = startOf(x.due.AddDays(s.Cfg.Remind[x.reminders+1]))
					}
					ok, err := s.step(ctx, tx, x.id, x.reminders, `reminders = reminders + 1, next_at = $4`, next)
					if err != nil || !ok {
						if err != nil {
							return err
						}
						continue
					}
					if err := s.event(ctx, tx, x.app, x.id, 0, "reminder_"+strconv.Itoa(x.reminders+1), system, ""); err != nil {
						return err
					}
					if err := s.text(ctx, tx, x.phone, "sms.checkin_reminder", "days", x.day,
						"link", s.BaseURL+"/checkins/"+strconv.FormatInt(x.id, 10)); err != nil {
						return err
					}
					reminded++
					continue
				}
				ok, err := s.step(ctx, tx, x.id, x.reminders, `status = 'escalated', next_at = $4`, 0)
				if err != nil {
					return err
				}
				if ok {
					if err := s.event(ctx, tx, x.app, x.id, 0, "escalated", system, "station"); err != nil {
						return err
					}
					escalated++
				}
			}
			return nil
		})
		if err != nil || len(rows) < batch {
			return reminded, escalated, err
		}
	}
}

// step applies set to an open check-in whose reminders count is still
// what was read; false when another sweep or an answer came first.
func (s *Service) step(ctx context.Context, tx *store.Tx, id int64, reminders int, set string, arg any) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE checkins SET `+set+`, updated_at = $1
		WHERE id = $2 AND reminders = $3 AND status = 'open'`, tx.At, id, reminders, arg)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
