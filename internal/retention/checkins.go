package retention

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/store"
)

// CheckIn is one check-in as its reader sees it.
type CheckIn struct {
	ID             int64        `json:"id"`
	ApplicationID  int64        `json:"application_id"`
	Step           int          `json:"step"`
	Day            int          `json:"day"`
	ArrivedOn      easyjob.Date `json:"arrived_on"`
	Due            easyjob.Date `json:"due"`
	Status         Status       `json:"status"`
	Reminders      int          `json:"reminders"`
	SeekerAnswer   Answer       `json:"seeker_answer"`
	SeekerLeftOn   string       `json:"seeker_left_on,omitempty"`
	SeekerReason   string       `json:"seeker_reason,omitempty"`
	EmployerAnswer Answer       `json:"employer_answer"`
	EmployerLeftOn string       `json:"employer_left_on,omitempty"`
	EmployerReason string       `json:"employer_reason,omitempty"`
	OfficerAnswer  Answer       `json:"officer_answer"`
	OfficerLeftOn  string       `json:"officer_left_on,omitempty"`
	OfficerReason  string       `json:"officer_reason,omitempty"`
	Disagree       bool         `json:"disagree"`
	SeekerID       int64        `json:"seeker_id"`
	SeekerName     string       `json:"seeker_name,omitempty"`
	EmployerID     int64        `json:"employer_id"`
	EmployerName   string       `json:"employer_name"`
	PostingTitle   string       `json:"posting_title"`
	County         string       `json:"county"`
	District       string       `json:"district"`
}

// Answerable tells whether an answer still decides the outcome.
func (c CheckIn) Answerable() bool { return c.Status.Waiting() || c.Status == LostContact }

const checkinCols = `c.id, c.application_id, c.step, c.day, c.arrived_on, c.due_on, c.status, c.reminders,
	c.seeker_answer, c.seeker_left_on, c.seeker_reason, c.employer_answer, c.employer_left_on, c.employer_reason,
	c.officer_answer, c.officer_left_on, c.officer_reason, c.disagree, a.seeker_id, k.name, c.employer_id, e.name,
	p.title, c.county, c.district`

const checkinFrom = ` FROM checkins c JOIN applications a ON a.id = c.application_id JOIN postings p ON p.id = a.posting_id
	JOIN employers e ON e.id = c.employer_id JOIN seekers k ON k.id = a.seeker_id`

func scanCheckIn(row store.Scanner) (CheckIn, error) {
	var c CheckIn
	var st, sa, ea, oa string
	err := row.Scan(&c.ID, &c.ApplicationID, &c.Step, &c.Day, &c.ArrivedOn, &c.Due, &st, &c.Reminders,
		&sa, &c.SeekerLeftOn, &c.SeekerReason, &ea, &c.EmployerLeftOn, &c.EmployerReason,
		&oa, &c.OfficerLeftOn, &c.OfficerReason, &c.Disagree, &c.SeekerID, &c.SeekerName, &c.EmployerID, &c.EmployerName,
		&c.PostingTitle, &c.County, &c.District)
	c.Status, c.SeekerAnswer, c.EmployerAnswer, c.OfficerAnswer = Status(st), Answer(sa), Answer(ea), Answer(oa)
	return c, err
}

// party is the side an actor answers for at a check-in, or an error: a
// check-in is answered by its own seeker, its own employer, or an officer
// whose scope holds the seeker's county (the station).
func party(a easyjob.Actor, c CheckIn) (Party, error) {
	switch {
	case a.Role == easyjob.RoleSeeker && a.SeekerID != 0 && a.SeekerID == c.SeekerID:
		return BySeeker, nil
	case a.Role == easyjob.RoleEmployer && a.EmployerID != 0 && a.EmployerID == c.EmployerID:
		return ByEmployer, nil
	case a.IsOfficer() && a.Scope.County(c.County):
		return ByOfficer, nil
	}
	return "", store.Forbidden()
}

// mayRead tells whether a may see the check-in: the parties, and officers
// of the seeker's county or the employer's district.
func mayRead(a easyjob.Actor, c CheckIn) bool {
	if _, err := party(a, c); err == nil {
		return true
	}
	return a.IsOfficer() && a.Scope.District(c.District)
}

// CheckIn returns one check-in to those who may see it.
func (s *Service) CheckIn(ctx context.Context, a easyjob.Actor, id int64) (CheckIn, error) {
	c, err := scanCheckIn(s.S.DB.R.QueryRowContext(ctx, `SELECT `+checkinCols+checkinFrom+` WHERE c.id = $1`, id))
	if err != nil {
		return c, store.Wrap(store.NotFound(err, "checkin"), "retention.CheckIn", "id", id)
	}
	if !mayRead(a, c) {
		return CheckIn{}, store.Forbidden()
	}
	if a.Role == easyjob.RoleSeeker {
		c.SeekerName = ""
	}
	return c, nil
}

// DueFilter narrows a list of check-ins.
type DueFilter struct {
	store.ListOptions
	DueBefore easyjob.Date // due on or before this date; zero: today
	Waiting   bool         // only those still waiting for an answer
	Escalated bool         // only those escalated to the station officer
	Disagree  bool         // only those whose answers disagree
	// Unanswered: only those this party has not answered (a seeker's or an
	// employer's to-do list); "" for all.
	Unanswered Party
}

// Due lists check-ins in the actor's scope, oldest due first: a seeker's
// own, an employer's, an officer's (seekers' counties and employers'
// districts), with {items, next_cursor}.
func (s *Service) Due(ctx context.Context, a easyjob.Actor, f DueFilter) (_ easyjob.Page[CheckIn], err error) {
	defer func() { err = store.Wrap(err, "retention.Due", "user", a.UserID) }()
	var empty easyjob.Page[CheckIn]
	after, err := store.DecodeCursor(f.Cursor)
	if err != nil {
		return empty, err
	}
	if f.DueBefore.IsZero() {
		f.DueBefore = s.S.Today()
	}
	var w store.Where
	switch {
	case a.Role == easyjob.RoleSeeker:
		w.Add("a.seeker_id = ?", a.SeekerID)
	case a.Role == easyjob.RoleEmployer:
		w.Add("c.employer_id = ?", a.EmployerID)
	case a.IsOfficer():
		w.Scope(a.Scope, "c.county", "c.district")
	default:
		return empty, store.Forbidden()
	}
	w.Add("c.id > ?", after)
	w.Add("c.due_on <= ?", f.DueBefore.String())
	if f.Waiting {
		w.Add("c.status IN ('open', 'escalated')")
	}
	if f.Escalated {
		w.Add("c.status = 'escalated'")
	}
	if f.Disagree {
		w.Add("c.disagree = ?", true)
	}
	switch f.Unanswered {
	case BySeeker, ByEmployer, ByOfficer:
		w.Add("c." + string(f.Unanswered) + "_answer = ''")
	}
	limit := f.limit()
	q := `SELECT ` + checkinCols + checkinFrom + w.SQL() + ` ORDER BY c.id LIMIT ` + w.Arg(limit+1)
	xs, err := store.Select(ctx, s.S.DB.R, scanCheckIn, q, w.Args()...)
	if err != nil {
		return empty, err
	}
	p := easyjob.Page[CheckIn]{Items: xs}
	if len(xs) > limit {
		p.Items = xs[:limit]
		last := p.Items[limit-1]
		p.NextCursor = store.EncodeCursor(last.ID)
	}
	if a.Role == easyjob.RoleSeeker {
		for i := range p.Items {
			p.Items[i].SeekerName = ""
		}
	}
	return p, nil
}

// limit is the page size: 20 by default, at most 500 (bulk answers).
func (f DueFilter) limit() int {
	if f.Limit <= 0 {
		return 20
	}
	return min(f.Limit, 500)
}

// AnswerInput is one party's answer.
type AnswerInput struct {
	Answer Answer       `json:"answer"`  // employed or left
	LeftOn easyjob.Date `json:"left_on"` // when left
	Reason string       `json:"reason"`  // when left: pay, conditions, other_work, family, health, dismissed, other
}

func (s *Service) validate(in AnswerInput, c CheckIn) error {
	f := easyjob.Fields{}
	switch in.Answer {
	case Stays:
	case Left:
		switch {
		case in.LeftOn.IsZero():
			f.Add("left_on", "field.required")
		case in.LeftOn.Before(c.ArrivedOn):
			f.Add("left_on", "retention.left_before_arrival", "arrived", c.ArrivedOn.String())
		case in.LeftOn.After(s.S.Today()):
			f.Add("left_on", "field.date_future")
		}
		if !validReason(in.Reason) {
			f.Add("reason", "retention.choice")
		}
	default:
		f.Add("answer", "retention.choice")
	}
	return f.Err()
}

// Answer records a party's answer (the seeker, the employer, or the
// station officer after a phone call). While the check-in waits, the first
// answer decides: the application moves to the check-in's retained state,
// or to separated with the date, the reason and who said so. A later answer
// that differs is flagged to the station officer; the officer's answer
// settles a disagreement.
func (s *Service) Answer(ctx context.Context, a easyjob.Actor, id int64, in AnswerInput) (_ CheckIn, err error) {
	defer func() { err = store.Wrap(err, "retention.Answer", "id", id) }()
	c, err := scanCheckIn(s.S.DB.R.QueryRowContext(ctx, `SELECT `+checkinCols+checkinFrom+` WHERE c.id = $1`, id))
	if err != nil {
		return c, store.NotFound(err, "checkin")
	}
	p, err := party(a, c)
	if err != nil {
		return CheckIn{}, err
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if err := s.validate(in, c); err != nil {
		return CheckIn{}, err
	}
	if in.Answer == Stays {
		in.LeftOn, in.Reason = easyjob.Date{}, ""
	}
	err = s.S.Tx(ctx, func(tx *store.Tx) error { return s.answer(ctx, tx, a, p, c, in) })
	if err != nil {
		return CheckIn{}, err
	}
	return s.CheckIn(ctx, a, id)
}

func (s *Service) answer(ctx context.Context, tx *store.Tx, a easyjob.Actor, p Party, c CheckIn, in AnswerInput) error {
	col := string(p)
	if _, err := tx.ExecContext(ctx, `UPDATE checkins SET `+col+`_answer = $1, `+col+`_left_on = $2, `+col+`_reason = $3,
		updated_at = $4 WHERE id = $5`, string(in.Answer), in.LeftOn.String(), in.Reason, tx.At, c.ID); err != nil {
		return err
	}
	detail := string(in.Answer)
	if in.Answer == Left {
		detail += " " + in.LeftOn.String() + " " + in.Reason
	}
	kind := "answer_" + col
	if p == ByOfficer {
		detail += " (phone call)"
	}
	if err := s.event(ctx, tx, c.ApplicationID, c.ID, 0, kind, a, detail); err != nil {
		return err
	}
	outcome := Employed
	if in.Answer == Left {
		outcome = Separated
	}
	res, err := tx.ExecContext(ctx, `UPDATE checkins SET status = $1, next_at = 0, disagree = FALSE
		WHERE id = $2 AND status IN ('open', 'escalated', 'lost_contact')`, string(outcome), c.ID)
	if err != nil {
		return err
	}
	decided, _ := res.RowsAffected()
	if decided == 0 {
		// Already answered: compare with the outcome.
		var st string
		if err := tx.QueryRowContext(ctx, `SELECT status FROM checkins WHERE id = $1`, c.ID).Scan(&st); err != nil {
			return err
		}
		switch {
		case Status(st) == outcome && p == ByOfficer && c.Disagree:
			// The officer's call confirms the outcome: the flag is settled.
			if _, err := tx.ExecContext(ctx, `UPDATE checkins SET disagree = FALSE WHERE id = $1`, c.ID); err != nil {
				return err
			}
			return s.event(ctx, tx, c.ApplicationID, c.ID, 0, "settled", a, "confirmed "+string(outcome))
		case Status(st) == outcome:
			return nil
		case p != ByOfficer:
			if _, err := tx.ExecContext(ctx, `UPDATE checkins SET disagree = TRUE WHERE id = $1`, c.ID); err != nil {
				return err
			}
			return s.event(ctx, tx, c.ApplicationID, c.ID, 0, "disagreement", a, col+": "+detail)
		case outcome == Employed:
			// The station officer settles a disagreement after a call; a
			// separation is final (the worker may apply again).
			if _, err := tx.ExecContext(ctx, `UPDATE checkins SET disagree = FALSE WHERE id = $1`, c.ID); err != nil {
				return err
			}
			return s.event(ctx, tx, c.ApplicationID, c.ID, 0, "settled", a, "separation stands")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE checkins SET disagree = FALSE, status = 'separated' WHERE id = $1`, c.ID); err != nil {
			return err
		}
		if err := s.event(ctx, tx, c.ApplicationID, c.ID, 0, "settled", a, "separated"); err != nil {
			return err
		}
	}
	app, err := s.appIn(ctx, tx, c.ApplicationID)
	if err != nil {
		return err
	}
	if outcome == Employed {
		return s.retain(ctx, tx, a, app, c)
	}
	if !app.State.Employed() {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO separations (application_id, checkin_id, left_on, reason, said_by, actor_id, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, app.ID, c.ID, in.LeftOn.String(), in.Reason, col, a.UserID, tx.At); err != nil {
		return err
	}
	return s.S.MoveTx(ctx, tx, a, app, easyjob.StateSeparated, "checkin "+strconv.Itoa(c.Day)+": "+in.Reason)
}

// retain moves the application up to the check-in's retained state, one
// kept move at a time (onboarded → retained_30 → retained_90).
func (s *Service) retain(ctx context.Context, tx *store.Tx, a easyjob.Actor, app easyjob.Application, c CheckIn) error {
	step := min(c.Step, len(easyjob.Retained)-1)
	target := easyjob.Retained[step]
	for app.State != target {
		next := easyjob.Retained[0]
		for i, st := range easyjob.Retained {
			if st == app.State {
				if i >= step {
					return nil // already there or past it
				}
				next = easyjob.Retained[i+1]
			}
		}
		if !app.State.Employed() {
			return nil
		}
		if err := s.S.MoveTx(ctx, tx, a, app, next, "checkin "+strconv.Itoa(c.Day)); err != nil {
			return err
		}
		app.State = next
	}
	return nil
}

// appIn reads an application's state inside tx, for a move.
func (s *Service) appIn(ctx context.Context, tx *store.Tx, id int64) (easyjob.Application, error) {
	x := easyjob.Application{ID: id}
	var st string
	err := tx.QueryRowContext(ctx, `SELECT a.state, a.posting_id, p.employer_id, a.seeker_id FROM applications a
		JOIN postings p ON p.id = a.posting_id WHERE a.id = $1`, id).Scan(&st, &x.PostingID, &x.EmployerID, &x.SeekerID)
	x.State = easyjob.ApplicationState(st)
	return x, store.NotFound(err, "application")
}

// MarkLostContact records that the station officer could not reach the
// worker of an escalated (or waiting) check-in.
func (s *Service) MarkLostContact(ctx context.Context, a easyjob.Actor, id int64) (_ CheckIn, err error) {
	defer func() { err = store.Wrap(err, "retention.MarkLostContact", "id", id) }()
	c, err := scanCheckIn(s.S.DB.R.QueryRowContext(ctx, `SELECT `+checkinCols+checkinFrom+` WHERE c.id = $1`, id))
	if err != nil {
		return c, store.NotFound(err, "checkin")
	}
	if p, err := party(a, c); err != nil || p != ByOfficer {
		return CheckIn{}, store.Forbidden()
	}
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE checkins SET status = 'lost_contact', next_at = 0, officer_answer = 'no_answer',
			updated_at = $1 WHERE id = $2 AND status IN ('open', 'escalated')`, tx.At, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return easyjob.Errorf(easyjob.ECONFLICT, "retention.answered")
		}
		return s.event(ctx, tx, c.ApplicationID, id, 0, "lost_contact", a, "")
	})
	if err != nil {
		return CheckIn{}, err
	}
	return s.CheckIn(ctx, a, id)
}

// event writes one step to the application's retention history.
func (s *Service) event(ctx context.Context, tx *store.Tx, appID, checkinID, disputeID int64, kind string, a easyjob.Actor, detail string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO retention_events (application_id, checkin_id, dispute_id, kind, actor_id, actor_role, detail, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, appID, nullID(checkinID), nullID(disputeID), kind, a.UserID, string(a.Role), detail, tx.At)
	return err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// Event is one step of an application's retention history.
type Event struct {
	ID        int64        `json:"id"`
	CheckinID int64        `json:"checkin_id,omitempty"`
	DisputeID int64        `json:"dispute_id,omitempty"`
	Kind      string       `json:"kind"`
	ActorRole easyjob.Role `json:"actor_role,omitempty"`
	Detail    string       `json:"detail"`
	At        time.Time    `json:"at"`
}

// History lists an application's retention steps, oldest first, to those
// who may see the application.
func (s *Service) History(ctx context.Context, a easyjob.Actor, appID int64) (_ []Event, err error) {
	defer func() { err = store.Wrap(err, "retention.History", "appID", appID) }()
	if _, err := s.S.Application(ctx, a, appID); err != nil {
		return nil, err
	}
	return store.Select(ctx, s.S.DB.R, func(r store.Scanner) (Event, error) {
		var e Event
		var c, d sql.NullInt64
		var role string
		var at int64
		err := r.Scan(&e.ID, &c, &d, &e.Kind, &role, &e.Detail, &at)
		e.CheckinID, e.DisputeID, e.ActorRole, e.At = c.Int64, d.Int64, easyjob.Role(role), easyjob.FromMillis(at)
		return e, err
	}, `SELECT id, checkin_id, dispute_id, kind, actor_role, detail, at FROM retention_events WHERE application_id = $1 ORDER BY id`, appID)
}

// StateOf is the application's retention as the API shows it: nil before
// arrival.
func (s *Service) StateOf(ctx context.Context, app easyjob.Application) (_ *easyjob.Retention, err error) {
	defer func() { err = store.Wrap(err, "retention.StateOf", "appID", app.ID) }()
	var at int64
	err = s.S.DB.R.QueryRowContext(ctx, `SELECT at FROM application_events WHERE application_id = $1 AND to_state = 'arrived'
		ORDER BY id LIMIT 1`, app.ID).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	r := &easyjob.Retention{State: app.State, ArrivedOn: easyjob.DateOf(easyjob.FromMillis(at)), CheckIns: []easyjob.RetentionCheck{}}
	r.CheckIns, err = store.Select(ctx, s.S.DB.R, func(row store.Scanner) (easyjob.RetentionCheck, error) {
		var c easyjob.RetentionCheck
		err := row.Scan(&c.ID, &c.Day, &c.Due, &c.Status, &c.Seeker, &c.Employer, &c.Officer)
		return c, err
	}, `SELECT id, day, due_on, status, seeker_answer, employer_answer, officer_answer FROM checkins
		WHERE application_id = $1 ORDER BY step`, app.ID)
	if err != nil {
		return nil, err
	}
	err = s.S.DB.R.QueryRowContext(ctx, `SELECT left_on, reason, said_by FROM separations WHERE application_id = $1`, app.ID).
		Scan(&r.SeparatedOn, &r.SeparationReason, &r.SeparatedBy)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	if app.State.Employed() {
		for _, d := range s.Cfg.Days {
			due := r.ArrivedOn.AddDays(d)
			done := false
			for _, c := range r.CheckIns {
				if c.Day == d {
					done = true
				}
			}
			if !done {
				r.NextCheckIn = due
				break
			}
		}
	}
	return r, nil
}
