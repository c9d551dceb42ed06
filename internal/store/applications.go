package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"easyjob/internal/easyjob"
)

// Apply records a seeker's application to a published posting with places
// left. Officers may apply for a seeker of their region (e.g. at a station).
func (s *Store) Apply(ctx context.Context, a easyjob.Actor, seekerID, postingID int64) (_ easyjob.Application, err error) {
	defer wrapErr(&err, "store.Apply", "seekerID", seekerID, "postingID", postingID)
	var empty easyjob.Application
	switch a.Role {
	case easyjob.RoleSeeker:
		if a.SeekerID == 0 {
			return empty, easyjob.Errorf(easyjob.ECONFLICT, "seeker.no_profile")
		}
		if seekerID != a.SeekerID {
			return empty, Forbidden()
		}
	case easyjob.RoleOfficer, easyjob.RoleAdmin:
		k, err := s.seekerRow(ctx, seekerID)
		if err != nil {
			return empty, err
		}
		if !a.Scope.County(k.HomeCounty) {
			return empty, Forbidden()
		}
	default:
		return empty, Forbidden()
	}
	var id, employer int64
	err = s.Tx(ctx, func(tx *Tx) error {
		var status, closing string
		var headcount, filled int
		err := tx.QueryRowContext(ctx, `SELECT status, closing_date, headcount, filled, employer_id FROM postings WHERE id = $1`, postingID).
			Scan(&status, &closing, &headcount, &filled, &employer)
		if errors.Is(err, sql.ErrNoRows) {
			return easyjob.NotFound("posting")
		}
		if err != nil {
			return err
		}
		switch {
		case status != string(easyjob.PostingPublished):
			return easyjob.Errorf(easyjob.ECONFLICT, "application.posting_closed")
		case closing < tx.Today().String():
			return easyjob.Errorf(easyjob.ECONFLICT, "application.posting_closed")
		case filled >= headcount:
			return easyjob.Errorf(easyjob.ECONFLICT, "application.full")
		}
		now := tx.At
		err = tx.QueryRowContext(ctx, `INSERT INTO applications (seeker_id, posting_id, state, created_at, updated_at)
			VALUES ($1, $2, 'applied', $3, $3) RETURNING id`, seekerID, postingID, now).Scan(&id)
		if isUnique(err) {
			return easyjob.Errorf(easyjob.ECONFLICT, "application.duplicate")
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE postings SET pending = pending + 1 WHERE id = $1`, postingID); err != nil {
			return err
		}
		if err := markInvitationApplied(ctx, tx, postingID, seekerID); err != nil {
			return err
		}
		return s.event(ctx, tx, id, "", easyjob.StateApplied, a, "")
	})
	if err != nil {
		return empty, err
	}
	if m := s.Matching; m != nil {
		m.applied.add(seekerID, employer) // Candidates: contact from now on
	}
	s.changed("posting", postingID)
	return s.Application(ctx, a, id)
}

func (s *Store) event(ctx context.Context, tx *Tx, appID int64, from, to easyjob.ApplicationState, a easyjob.Actor, reason string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO application_events (application_id, from_state, to_state, actor_id, actor_role, reason, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, appID, string(from), string(to), a.UserID, string(a.Role), reason, tx.At)
	return err
}

// Move is a requested transition.
type Move struct {
	To     easyjob.ApplicationState `json:"to"`
	Reason string                   `json:"reason"`
	// For offers: the start date and the monthly pay confirmed.
	StartDate easyjob.Date `json:"start_date"`
	Pay       int          `json:"pay"`
}

// Transition moves an application to another state if the pipeline allows
// it for the actor's role, all in one transaction: the state changes only
// from the state read (a concurrent move loses with a conflict), and a move
// into offered (or any state that holds a place) takes a place of the
// posting's headcount only if one is left.
// A seeker holds at most one open offer, whoever makes it: a second offer
// fails with "application.offer_held" (a partial unique index, so offers
// raced from two employers cannot both win).
func (s *Store) Transition(ctx context.Context, a easyjob.Actor, appID int64, m Move) (_ easyjob.Application, err error) {
	defer wrapErr(&err, "store.Transition", "appID", appID)
	var empty easyjob.Application
	app, err := s.Application(ctx, a, appID)
	if err != nil {
		return empty, err
	}
	if !s.mayAct(ctx, a, app) {
		return empty, Forbidden()
	}
	if !easyjob.CanTransition(app.State, m.To, a.Role) || easyjob.Via(app.State, m.To) != "" {
		return empty, easyjob.Errorf(easyjob.ECONFLICT, "application.transition",
			"from", easyjob.M("state."+string(app.State)), "to", easyjob.M("state."+string(m.To)))
	}
	m.Reason = strings.TrimSpace(m.Reason)
	if len([]rune(m.Reason)) > 500 {
		f := easyjob.Fields{}
		f.Add("reason", "field.too_long", "max", 500)
		return empty, f.Err()
	}
	if m.To == easyjob.StateOffered {
		if err := s.validateOffer(ctx, app, &m); err != nil {
			return empty, err
		}
	}
	err = s.Tx(ctx, func(tx *Tx) error { return s.move(ctx, tx, a, app, m) })
	if err != nil {
		return empty, err
	}
	s.moved(app, m.To)
	return s.Application(ctx, a, appID)
}

// MoveTx moves an application inside the caller's transaction, for a system
// that records more with the move (the retention check-ins: a date and a
// reason). The move must be in the pipeline's table for a's role; it
// happens only from the state read (else a conflict), keeps the headcount
// and writes the event. The caller checks who may act on the application.
func (s *Store) MoveTx(ctx context.Context, tx *Tx, a easyjob.Actor, app easyjob.Application, to easyjob.ApplicationState, reason string) error {
	if !easyjob.CanTransition(app.State, to, a.Role) {
		return easyjob.Errorf(easyjob.ECONFLICT, "application.transition",
			"from", easyjob.M("state."+string(app.State)), "to", easyjob.M("state."+string(to)))
	}
	if err := s.move(ctx, tx, a, app, Move{To: to, Reason: reason}); err != nil {
		return Wrap(err, "store.MoveTx", "appID", app.ID)
	}
	tx.AfterCommit(func() { s.moved(app, to) })
	return nil
}

// MayAct tells whether a may act on app at all: the seeker themself, the
// employer, an officer of the seeker's county or the posting's district.
func (s *Store) MayAct(ctx context.Context, a easyjob.Actor, app easyjob.Application) bool {
	return s.mayAct(ctx, a, app)
}

// moved tells the in-memory indexes after a move committed.
func (s *Store) moved(app easyjob.Application, to easyjob.ApplicationState) {
	s.changed("posting", app.PostingID)
	if to == easyjob.StateArrived || to == easyjob.StateOnboarded || to == easyjob.StateLeft || to == easyjob.StateSeparated {
		s.changed("villagers", app.EmployerID)
	}
}

// move is one transition in tx: the conditional update, the headcount and
// pending counts, and the event.
func (s *Store) move(ctx context.Context, tx *Tx, a easyjob.Actor, app easyjob.Application, m Move) error {
	appID := app.ID
	delta := easyjob.HeadcountDelta(app.State, m.To)
	pendingDelta := 0
	if app.State.Pending() && !m.To.Pending() {
		pendingDelta = -1
	}
	q := `UPDATE applications SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4`
	args := []any{string(m.To), tx.At, appID, string(app.State)}
	if m.To == easyjob.StateOffered {
		q = `UPDATE applications SET state = $1, updated_at = $2, offer_start = $5, offer_pay = $6 WHERE id = $3 AND state = $4`
		args = append(args, m.StartDate, m.Pay)
	}
	res, err := tx.ExecContext(ctx, q, args...)
	if c, ok := UniqueViolation(err); ok && m.To == easyjob.StateOffered && oneOfferIndex(c) {
		return easyjob.Errorf(easyjob.ECONFLICT, "application.offer_held")
	}
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return easyjob.Errorf(easyjob.ECONFLICT, "application.changed")
	}
	switch {
	case delta > 0:
		res, err := tx.ExecContext(ctx, `UPDATE postings SET filled = filled + 1, pending = pending + $1, updated_at = $2
			WHERE id = $3 AND filled < headcount`, pendingDelta, tx.At, app.PostingID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return easyjob.Errorf(easyjob.ECONFLICT, "application.full")
		}
	case delta < 0 || pendingDelta != 0:
		if _, err := tx.ExecContext(ctx, `UPDATE postings SET filled = filled + $1, pending = pending + $2, updated_at = $3
			WHERE id = $4`, delta, pendingDelta, tx.At, app.PostingID); err != nil {
			return err
		}
	}
	return s.event(ctx, tx, appID, app.State, m.To, a, m.Reason)
}

// oneOfferIndex tells whether a unique violation is of the one-open-offer
// rule (applications_one_offer: at most one application per seeker in state
// offered), by PostgreSQL's constraint name or SQLite's column.
func oneOfferIndex(constraint string) bool {
	return constraint == "applications_one_offer" || constraint == "applications.seeker_id"
}

func (s *Store) validateOffer(ctx context.Context, app easyjob.Application, m *Move) error {
	p, err := scanPosting(s.DB.R.QueryRowContext(ctx, `SELECT `+postingCols+`
		FROM postings p JOIN employers e ON e.id = p.employer_id WHERE p.id = $1`, app.PostingID))
	if err != nil {
		return err
	}
	f := easyjob.Fields{}
	if m.StartDate.IsZero() {
		f.Add("start_date", "field.required")
	} else if m.StartDate.Before(s.today()) {
		f.Add("start_date", "field.date_past")
	}
	if m.Pay == 0 {
		f.Add("pay", "field.required")
	} else if m.Pay > easyjob.MaxPay {
		f.Add("pay", "field.pay")
	} else if m.Pay < s.MinWage {
		f.Add("pay", "check.min_wage", "pay", m.Pay, "min", s.MinWage)
	} else if m.Pay < p.PayMin {
		f.Add("pay", "offer.below_posting", "pay_min", p.PayMin)
	}
	return f.Err()
}

// mayAct tells whether a may act on app at all (the role check is separate).
func (s *Store) mayAct(ctx context.Context, a easyjob.Actor, app easyjob.Application) bool {
	switch a.Role {
	case easyjob.RoleSeeker:
		return a.SeekerID == app.SeekerID
	case easyjob.RoleEmployer:
		return a.EmployerID == app.EmployerID
	case easyjob.RoleAdmin:
		return true
	case easyjob.RoleOfficer:
		if a.IsCityWide() {
			return true
		}
		var district, county string
		s.DB.R.QueryRowContext(ctx, `SELECT p.district, k.home_county FROM applications a JOIN postings p ON p.id = a.posting_id
			JOIN seekers k ON k.id = a.seeker_id WHERE a.id = $1`, app.ID).Scan(&district, &county)
		return a.Scope.District(district) || a.Scope.County(county)
	}
	return false
}

const applicationCols = `a.id, a.seeker_id, a.posting_id, p.employer_id, a.state, a.offer_start, a.offer_pay, p.title, e.name,
	k.name, a.created_at, a.updated_at`

const applicationFrom = ` FROM applications a JOIN postings p ON p.id = a.posting_id JOIN employers e ON e.id = p.employer_id
	JOIN seekers k ON k.id = a.seeker_id`

func scanApplication(row interface{ Scan(...any) error }) (easyjob.Application, error) {
	var x easyjob.Application
	var state string
	var cat, uat int64
	err := row.Scan(&x.ID, &x.SeekerID, &x.PostingID, &x.EmployerID, &state, &x.OfferStart, &x.OfferPay, &x.PostingTitle,
		&x.EmployerName, &x.SeekerName, &cat, &uat)
	x.State, x.CreatedAt, x.UpdatedAt = easyjob.ApplicationState(state), easyjob.FromMillis(cat), easyjob.FromMillis(uat)
	return x, err
}

// Application returns one application to those who may see it. The seeker's
// name is shown to the employer (the seeker applied) and to officers.
func (s *Store) Application(ctx context.Context, a easyjob.Actor, id int64) (_ easyjob.Application, err error) {
	defer wrapErr(&err, "store.Application", "id", id)
	x, err := scanApplication(s.DB.R.QueryRowContext(ctx, `SELECT `+applicationCols+applicationFrom+` WHERE a.id = $1`, id))
	if err != nil {
		return x, NotFound(err, "application")
	}
	if !s.mayAct(ctx, a, x) {
		return easyjob.Application{}, easyjob.NotFound("application")
	}
	return x, nil
}

// ApplicationFilter narrows a list of applications.
type ApplicationFilter struct {
	ListOptions
	SeekerID  int64
	PostingID int64
	State     easyjob.ApplicationState
}

// Applications lists what the actor may see: a seeker their own, an
// employer those to its postings, an officer those of their region.
func (s *Store) Applications(ctx context.Context, a easyjob.Actor, f ApplicationFilter) (_ easyjob.Page[easyjob.Application], err error) {
	defer wrapErr(&err, "store.Applications")
	var empty easyjob.Page[easyjob.Application]
	after, err := decodeCursor(f.Cursor)
	if err != nil {
		return empty, err
	}
	var w Where
	w.Add("a.id > ?", after)
	switch {
	case a.Role == easyjob.RoleSeeker:
		w.Add("a.seeker_id = ?", a.SeekerID)
	case a.Role == easyjob.RoleEmployer:
		w.Add("p.employer_id = ?", a.EmployerID)
	case a.IsOfficer():
		w.Scope(a.Scope, "k.home_county", "p.district")
	default:
		return empty, Forbidden()
	}
	if f.SeekerID > 0 {
		w.Add("a.seeker_id = ?", f.SeekerID)
	}
	if f.PostingID > 0 {
		w.Add("a.posting_id = ?", f.PostingID)
	}
	if f.State != "" {
		w.Add("a.state = ?", string(f.State))
	}
	q := `SELECT ` + applicationCols + applicationFrom + w.SQL() + " ORDER BY a.id LIMIT " + w.Arg(f.limit()+1)
	rows, err := s.DB.R.QueryContext(ctx, q, w.Args()...)
	if err != nil {
		return empty, err
	}
	defer rows.Close()
	var out []easyjob.Application
	for rows.Next() {
		x, err := scanApplication(rows)
		if err != nil {
			return empty, err
		}
		if a.Role == easyjob.RoleSeeker {
			x.SeekerName = ""
		}
		out = append(out, x)
	}
	return page(out, f.limit(), func(x easyjob.Application) int64 { return x.ID }), rows.Err()
}

// Events lists an application's kept transitions, oldest first.
func (s *Store) Events(ctx context.Context, a easyjob.Actor, appID int64) (_ []easyjob.Event, err error) {
	defer wrapErr(&err, "store.Events", "appID", appID)
	if _, err := s.Application(ctx, a, appID); err != nil {
		return nil, err
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, application_id, from_state, to_state, actor_id, actor_role, reason, at
		FROM application_events WHERE application_id = $1 ORDER BY id`, appID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []easyjob.Event{}
	for rows.Next() {
		var e easyjob.Event
		var from, to, role string
		var at int64
		if err := rows.Scan(&e.ID, &e.ApplicationID, &from, &to, &e.ActorID, &role, &e.Reason, &at); err != nil {
			return nil, err
		}
		e.From, e.To, e.ActorRole, e.At = easyjob.ApplicationState(from), easyjob.ApplicationState(to), easyjob.Role(role), easyjob.FromMillis(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
