package support

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/policy"
	"easyjob/internal/store"
)

// After-sales tickets (support_tickets, support_replies). An enterprise raises a ticket; it
// goes to the department that runs the measure it names, or that answers its kind, with the
// enterprise's district; the department's members reply with an outcome; the ticket's status
// is the highest outcome (Status.Rank); the enterprise closes it saying what it received.

// Ticket is an enterprise's request for help.
type Ticket struct {
	ID           int64        `json:"id"`
	EmployerID   int64        `json:"employer_id"`
	EmployerName string       `json:"employer_name"`
	Kind         Kind         `json:"kind"`
	Measure      string       `json:"measure"` // slug, or ""
	Department   string       `json:"department"`
	District     string       `json:"district"`
	Subject      string       `json:"subject"`
	Body         string       `json:"body"`
	Status       Status       `json:"status"`
	Reminded     int          `json:"deadline_level"` // 0, or the deadline passed: 1 (7 days), 2 (14), 3 (21, escalated)
	CreatedAt    time.Time    `json:"created_at"`
	UpdatedAt    time.Time    `json:"updated_at"`
	ClosedAt     time.Time    `json:"closed_at,omitzero"`
	Received     *bool        `json:"received"`
	ReceivedCNY  *float64     `json:"received_cny"`
	ReceivedOn   easyjob.Date `json:"received_on,omitzero"`
	Rating       int          `json:"rating,omitempty"`
	Replies      []Reply      `json:"replies,omitempty"`
	ReplyAllowed bool         `json:"-"` // the reader may reply
	mayReply     bool
	CloseAllowed bool `json:"-"` // the reader may close it
}

// Closed tells whether the enterprise closed the ticket.
func (t Ticket) Closed() bool { return !t.ClosedAt.IsZero() }

// Overdue tells whether the first deadline passed without an answer.
func (t Ticket) Overdue() bool { return !t.Closed() && !t.Status.Answered() && t.Reminded > 0 }

// Escalated tells whether the ticket went to the department's head.
func (t Ticket) Escalated() bool { return t.Reminded >= len(Deadlines) }

// DueOn is the date of the next deadline, or zero when answered, closed or escalated.
func (t Ticket) DueOn() easyjob.Date {
	if t.Closed() || t.Status.Answered() || t.Reminded >= len(Deadlines) {
		return easyjob.Date{}
	}
	return easyjob.DateOf(t.CreatedAt).AddDays(Deadlines[t.Reminded])
}

// Reply is a department's answer.
type Reply struct {
	ID         int64     `json:"id"`
	Department string    `json:"department"`
	UserID     int64     `json:"user_id"`
	Name       string    `json:"name"`
	Outcome    Status    `json:"outcome"`
	Body       string    `json:"body"`
	At         time.Time `json:"at"`
}

// TicketInput raises a ticket.
type TicketInput struct {
	EmployerID int64  `json:"employer_id"`
	Kind       Kind   `json:"kind"`
	Measure    string `json:"measure"` // required for kind "measure", optional otherwise
	Subject    string `json:"subject"`
	Body       string `json:"body"`
}

// ReplyInput is a department's reply.
type ReplyInput struct {
	Outcome Status `json:"outcome"` // in_hand, could_not_reach, answered_not_helped, answered_helped
	Body    string `json:"body"`
}

// CloseInput is what the enterprise says when it closes a ticket.
type CloseInput struct {
	Received    bool         `json:"received"` // it received the benefit it asked about
	ReceivedCNY *float64     `json:"received_cny"`
	ReceivedOn  easyjob.Date `json:"received_on"`
	Rating      int          `json:"rating"` // 1 (poor) to 5 (excellent)
}

const (
	maxSubject = 100
	maxBody    = 2000
)

func text(f easyjob.Fields, name, v string, required bool, max int) string {
	v = strings.TrimSpace(v)
	switch {
	case v == "" && required:
		f.Add(name, "field.required")
	case len([]rune(v)) > max:
		f.Add(name, "field.too_long", "max", max)
	}
	return v
}

// RaiseTicket records an enterprise's ticket and routes it: its own accounts only (a ticket
// on another enterprise's behalf is forbidden).
func (s *Service) RaiseTicket(ctx context.Context, a easyjob.Actor, in TicketInput) (_ Ticket, err error) {
	defer func() { err = store.Wrap(err, "support.RaiseTicket", "employer", in.EmployerID) }()
	if a.Role != easyjob.RoleEmployer || (in.EmployerID != 0 && in.EmployerID != a.EmployerID) {
		return Ticket{}, forbidden()
	}
	in.EmployerID = a.EmployerID
	e, err := s.S.Employer(ctx, in.EmployerID)
	if err != nil {
		return Ticket{}, err
	}
	f := easyjob.Fields{}
	if !in.Kind.Valid() {
		f.Add("kind", "support.kind_unknown")
	}
	in.Measure = strings.TrimSpace(in.Measure)
	r, err := s.Rules(ctx)
	if err != nil {
		return Ticket{}, err
	}
	switch {
	case in.Measure != "" && r.Measure(in.Measure) == nil:
		f.Add("measure", "support.measure_unknown")
	case in.Measure == "" && in.Kind == KindMeasure:
		f.Add("measure", "field.required")
	}
	in.Subject = text(f, "subject", in.Subject, true, maxSubject)
	in.Body = text(f, "body", in.Body, false, maxBody)
	if err := f.Err(); err != nil {
		return Ticket{}, err
	}
	dept := kindDepartment[in.Kind]
	if in.Measure != "" {
		dept = running(in.Measure).Department
	}
	var id int64
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO support_tickets (employer_id, kind, measure, department, district, subject, body,
			created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
			e.ID, string(in.Kind), in.Measure, dept, e.District, in.Subject, in.Body, a.UserID, tx.At).Scan(&id)
		if err != nil || in.Kind != KindMeasure {
			return err
		}
		// A measure it could not obtain is a measure it applied for.
		return markApplied(ctx, tx, e.ID, in.Measure)
	})
	if err != nil {
		return Ticket{}, err
	}
	return s.Ticket(ctx, a, id)
}

func markApplied(ctx context.Context, tx *store.Tx, employerID int64, slug string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO support_claims (employer_id, measure, applied_at, updated_at) VALUES ($1, $2, $3, $3)
		ON CONFLICT (employer_id, measure) DO UPDATE SET applied_at = excluded.applied_at, updated_at = excluded.updated_at
		WHERE support_claims.applied_at = 0`, employerID, slug, tx.At)
	return err
}

const ticketCols = `t.id, t.employer_id, e.name, t.kind, t.measure, t.department, t.district, t.subject, t.body, t.status,
	t.reminded, t.created_at, t.updated_at, t.closed_at, t.received, t.received_cny, t.received_on, t.rating`

const ticketFrom = ` FROM support_tickets t JOIN employers e ON e.id = t.employer_id`

func scanTicket(row store.Scanner) (Ticket, error) {
	var t Ticket
	var kind, status string
	var created, updated, closed int64
	var received sql.NullBool
	var cny sql.NullFloat64
	var rating sql.NullInt64
	err := row.Scan(&t.ID, &t.EmployerID, &t.EmployerName, &kind, &t.Measure, &t.Department, &t.District, &t.Subject, &t.Body,
		&status, &t.Reminded, &created, &updated, &closed, &received, &cny, &t.ReceivedOn, &rating)
	t.Kind, t.Status = Kind(kind), Status(status)
	t.CreatedAt, t.UpdatedAt, t.ClosedAt = easyjob.FromMillis(created), easyjob.FromMillis(updated), easyjob.FromMillis(closed)
	if received.Valid {
		t.Received = &received.Bool
	}
	if cny.Valid {
		t.ReceivedCNY = &cny.Float64
	}
	t.Rating = int(rating.Int64)
	return t, err
}

// Ticket returns a ticket with its replies: for the enterprise, the department's members
// (of its district or the whole city), district officers of its district, city-wide
// officers and admins.
func (s *Service) Ticket(ctx context.Context, a easyjob.Actor, id int64) (_ Ticket, err error) {
	defer func() { err = store.Wrap(err, "support.Ticket", "id", id) }()
	t, err := scanTicket(s.S.DB.R.QueryRowContext(ctx, `SELECT `+ticketCols+ticketFrom+` WHERE t.id = $1`, id))
	if err != nil {
		return Ticket{}, store.NotFound(err, "ticket")
	}
	m, err := s.memberOf(ctx, a)
	if err != nil {
		return Ticket{}, err
	}
	switch {
	case a.Role == easyjob.RoleEmployer && a.EmployerID == t.EmployerID:
		t.CloseAllowed = !t.Closed()
	case a.Role == easyjob.RoleAdmin || m.covers(t.Department, t.District):
		t.mayReply, t.ReplyAllowed = true, !t.Closed()
	case a.IsOfficer() && a.Scope.District(t.District):
	default:
		return Ticket{}, forbidden()
	}
	t.Replies, err = store.Select(ctx, s.S.DB.R, func(row store.Scanner) (Reply, error) {
		var r Reply
		var outcome string
		var at int64
		err := row.Scan(&r.ID, &r.Department, &r.UserID, &r.Name, &outcome, &r.Body, &at)
		r.Outcome, r.At = Status(outcome), easyjob.FromMillis(at)
		return r, err
	}, `SELECT r.id, r.department, r.user_id, u.name, r.outcome, r.body, r.at FROM support_replies r
		JOIN users u ON u.id = r.user_id WHERE r.ticket_id = $1 ORDER BY r.id`, id)
	return t, err
}

func (s *Service) memberOf(ctx context.Context, a easyjob.Actor) (*Member, error) {
	if a.Role != easyjob.RoleOfficer {
		return nil, nil
	}
	return s.Membership(ctx, a.UserID)
}

// TicketFilter narrows a list of tickets.
type TicketFilter struct {
	Open       bool   // not closed
	Overdue    bool   // past a deadline without an answer
	Department string // for admins and city-wide officers
	Measure    string
	Limit      int // default and most 200
}

// Tickets lists the tickets the reader may see, newest first: an enterprise its own; a
// department member its department's queue (of its district, or the whole city); a district
// officer those of its districts; admins and city-wide officers all (or one department's).
func (s *Service) Tickets(ctx context.Context, a easyjob.Actor, f TicketFilter) (_ []Ticket, err error) {
	defer func() { err = store.Wrap(err, "support.Tickets", "user", a.UserID) }()
	var w store.Where
	m, err := s.memberOf(ctx, a)
	if err != nil {
		return nil, err
	}
	switch {
	case a.Role == easyjob.RoleEmployer:
		w.Add("t.employer_id = ?", a.EmployerID)
	case m != nil:
		w.Add("t.department = ?", m.Department)
		if m.District != "" {
			w.Add("t.district = ?", m.District)
		}
	case a.IsOfficer():
		w.Scope(a.Scope, "", "t.district")
	default:
		return nil, forbidden()
	}
	if f.Department != "" {
		w.Add("t.department = ?", f.Department)
	}
	if f.Measure != "" {
		w.Add("t.measure = ?", f.Measure)
	}
	if f.Open || f.Overdue {
		w.Add("t.closed_at = 0")
	}
	if f.Overdue {
		w.Add("t.reminded > 0 AND t.status_rank < ?", StatusNotHelped.Rank())
	}
	limit := f.Limit
	if limit <= 0 || limit > 200 {
		limit = 200
	}
	return store.Select(ctx, s.S.DB.R, scanTicket, `SELECT `+ticketCols+ticketFrom+w.SQL()+
		` ORDER BY t.id DESC LIMIT `+w.Arg(limit), w.Args()...)
}

// ReplyTo records a department's reply: a member of the ticket's department covering its
// district, or an admin. The ticket's status rises to the reply's outcome when that ranks
// higher (a conditional update, so concurrent replies never lower it); the enterprise gets a
// text message.
func (s *Service) ReplyTo(ctx context.Context, a easyjob.Actor, id int64, in ReplyInput) (_ Ticket, err error) {
	defer func() { err = store.Wrap(err, "support.ReplyTo", "id", id) }()
	t, err := s.Ticket(ctx, a, id)
	if err != nil {
		return Ticket{}, err
	}
	if !t.mayReply {
		return Ticket{}, forbidden()
	}
	f := easyjob.Fields{}
	if !in.Outcome.Outcome() {
		f.Add("outcome", "support.outcome_unknown")
	}
	in.Body = text(f, "body", in.Body, true, maxBody)
	if err := f.Err(); err != nil {
		return Ticket{}, err
	}
	e, err := s.S.Employer(ctx, t.EmployerID)
	if err != nil {
		return Ticket{}, err
	}
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE support_tickets SET updated_at = $1 WHERE id = $2 AND closed_at = 0`, tx.At, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err == nil {
				err = easyjob.Errorf(easyjob.ECONFLICT, "support.ticket_closed")
			}
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO support_replies (ticket_id, department, user_id, outcome, body, at)
			VALUES ($1, $2, $3, $4, $5, $6)`, id, t.Department, a.UserID, string(in.Outcome), in.Body, tx.At); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE support_tickets SET status = $1, status_rank = $2 WHERE id = $3 AND status_rank < $2`,
			string(in.Outcome), in.Outcome.Rank(), id); err != nil {
			return err
		}
		if e.ContactPhone == "" {
			return nil
		}
		d, _ := DepartmentOf(t.Department)
		return s.S.Send(ctx, tx, e.ContactPhone, "support_reply", "support.sms.replied", "id", id, "department", d.Name.Zh)
	})
	if err != nil {
		return Ticket{}, err
	}
	return s.Ticket(ctx, a, id)
}

// Close closes the enterprise's ticket with what it received and its rating of the help.
func (s *Service) Close(ctx context.Context, a easyjob.Actor, id int64, in CloseInput) (_ Ticket, err error) {
	defer func() { err = store.Wrap(err, "support.Close", "id", id) }()
	t, err := s.Ticket(ctx, a, id)
	if err != nil {
		return Ticket{}, err
	}
	if a.Role != easyjob.RoleEmployer || a.EmployerID != t.EmployerID {
		return Ticket{}, forbidden()
	}
	today := s.S.Today()
	f := easyjob.Fields{}
	if in.Rating < 1 || in.Rating > 5 {
		f.Add("rating", "support.rating_range")
	}
	var cny any
	var on any
	if in.Received {
		switch {
		case in.ReceivedCNY == nil:
		case !(*in.ReceivedCNY >= 0):
			f.Add("received_cny", "policy.field.negative")
		case *in.ReceivedCNY > policy.MaxAmountCNY:
			f.Add("received_cny", "policy.field.too_large", "max", policy.MaxAmountCNY)
		default:
			cny = *in.ReceivedCNY
		}
		switch {
		case in.ReceivedOn.IsZero():
			f.Add("received_on", "field.required")
		case in.ReceivedOn.Before(policy.AsOfFirst) || in.ReceivedOn.After(today):
			f.Add("received_on", "support.received_on_range", "today", today.String())
		default:
			on = in.ReceivedOn
		}
	}
	if err := f.Err(); err != nil {
		return Ticket{}, err
	}
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE support_tickets SET closed_at = $1, updated_at = $1, received = $2, received_cny = $3,
			received_on = $4, rating = $5 WHERE id = $6 AND closed_at = 0`, tx.At, in.Received, cny, on, in.Rating, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err == nil {
				err = easyjob.Errorf(easyjob.ECONFLICT, "support.ticket_closed")
			}
			return err
		}
		if !in.Received || t.Measure == "" {
			return nil
		}
		return markObtained(ctx, tx, t.EmployerID, t.Measure, on, cny)
	})
	if err != nil {
		return Ticket{}, err
	}
	return s.Ticket(ctx, a, id)
}

func markObtained(ctx context.Context, tx *store.Tx, employerID int64, slug string, on, cny any) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO support_claims (employer_id, measure, applied_at, obtained_on, obtained_cny, updated_at)
		VALUES ($1, $2, $3, $4, $5, $3) ON CONFLICT (employer_id, measure) DO UPDATE SET obtained_on = excluded.obtained_on,
		obtained_cny = excluded.obtained_cny, updated_at = excluded.updated_at`, employerID, slug, tx.At, on, cny)
	return err
}
