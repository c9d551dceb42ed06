package support

import (
	"context"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/store"
)

// Deadlines (support_notices). DueReminders is a plain method: the task queue calls it (every
// hour, say); it is idempotent, so a run that fails halfway or runs twice sends nothing twice.

// Reminders says what one run of DueReminders did.
type Reminders struct {
	Tickets    int `json:"tickets"`   // tickets that reached a new deadline
	Reminded   int `json:"reminded"`  // notices to members (7 and 14 days)
	Escalated  int `json:"escalated"` // tickets escalated to the head (21 days)
	HeadNotice int `json:"head_notices"`
}

// DueReminders finds open tickets not yet answered whose next deadline (7, 14, 21 days after
// they were raised) has passed at now. Each moves to the deadline level it reached — a
// conditional update, so two runs never both act — and its department's members covering its
// district get a notice (at 7 and 14 days), or its head does (at 21 days: escalation).
func (s *Service) DueReminders(ctx context.Context, now time.Time) (out Reminders, err error) {
	defer func() { err = store.Wrap(err, "support.DueReminders") }()
	at := easyjob.Millis(now)
	first := at - int64(Deadlines[0])*24*3600*1000
	type due struct {
		id, created    int64
		reminded       int
		dept, district string
	}
	ds, err := store.Select(ctx, s.S.DB.R, func(row store.Scanner) (due, error) {
		var d due
		err := row.Scan(&d.id, &d.created, &d.reminded, &d.dept, &d.district)
		return d, err
	}, `SELECT id, created_at, reminded, department, district FROM support_tickets
		WHERE closed_at = 0 AND status_rank < $1 AND reminded < $2 AND created_at <= $3 ORDER BY id`,
		StatusNotHelped.Rank(), len(Deadlines), first)
	if err != nil {
		return out, err
	}
	for _, d := range ds {
		lvl := levelAt(d.created, at)
		if lvl <= d.reminded {
			continue
		}
		var r Reminders
		err := s.S.Tx(ctx, func(tx *store.Tx) error {
			r = Reminders{}
			res, err := tx.ExecContext(ctx, `UPDATE support_tickets SET reminded = $1 WHERE id = $2 AND reminded < $1
				AND closed_at = 0 AND status_rank < $3`, lvl, d.id, StatusNotHelped.Rank())
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 {
				return err // answered, closed or reminded meanwhile
			}
			r.Tickets = 1
			q := `SELECT user_id FROM support_members WHERE department = $1 AND (district = '' OR district = $2)`
			if lvl == len(Deadlines) {
				q = `SELECT user_id FROM support_members WHERE department = $1 AND head AND (district = '' OR district = $2)`
				r.Escalated = 1
			}
			users, err := store.Select(ctx, tx, func(row store.Scanner) (int64, error) {
				var id int64
				return id, row.Scan(&id)
			}, q, d.dept, d.district)
			if err != nil {
				return err
			}
			for _, u := range users {
				res, err := tx.ExecContext(ctx, `INSERT INTO support_notices (user_id, ticket_id, level, at) VALUES ($1, $2, $3, $4)
					ON CONFLICT (user_id, ticket_id, level) DO NOTHING`, u, d.id, lvl, tx.At)
				if err != nil {
					return err
				}
				if n, _ := res.RowsAffected(); n > 0 {
					if lvl == len(Deadlines) {
						r.HeadNotice++
					} else {
						r.Reminded++
					}
				}
			}
			return nil
		})
		if err != nil {
			return out, err
		}
		out.Tickets += r.Tickets
		out.Reminded += r.Reminded
		out.Escalated += r.Escalated
		out.HeadNotice += r.HeadNotice
	}
	return out, nil
}

// Notice is a reminder or an escalation shown to a department member.
type Notice struct {
	TicketID  int64     `json:"ticket_id"`
	Subject   string    `json:"subject"`
	Level     int       `json:"level"` // 1, 2: reminders; 3: escalation
	Escalated bool      `json:"escalated"`
	At        time.Time `json:"at"`
}

// Notices lists the reader's reminders and escalations on tickets still open, newest first.
func (s *Service) Notices(ctx context.Context, a easyjob.Actor) ([]Notice, error) {
	ns, err := store.Select(ctx, s.S.DB.R, func(row store.Scanner) (Notice, error) {
		var n Notice
		var at int64
		err := row.Scan(&n.TicketID, &n.Subject, &n.Level, &at)
		n.At, n.Escalated = easyjob.FromMillis(at), n.Level >= len(Deadlines)
		return n, err
	}, `SELECT n.ticket_id, t.subject, n.level, n.at FROM support_notices n JOIN support_tickets t ON t.id = n.ticket_id
		WHERE n.user_id = $1 AND t.closed_at = 0 AND t.status_rank < $2 ORDER BY n.id DESC LIMIT 100`, a.UserID, StatusNotHelped.Rank())
	return ns, store.Wrap(err, "support.Notices", "user", a.UserID)
}
