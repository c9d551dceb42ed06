package charter

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/store"
)

// Arrivals: riders on their way, and the employer's (or the receiving
// officer's) confirmation that one has arrived.

// Arrival is a rider on the way to an employer.
type Arrival struct {
	ApplicationID int64     `json:"application_id"`
	SeekerID      int64     `json:"seeker_id"`
	Name          string    `json:"name"`
	PostingTitle  string    `json:"posting_title"`
	EmployerName  string    `json:"employer_name"`
	CharterID     int64     `json:"charter_id"`
	CharterNumber int       `json:"charter_number"`
	SeatNo        int       `json:"seat_no"`
	Pickup        string    `json:"pickup"`
	DepartedAt    time.Time `json:"departed_at,omitzero"`
}

func scanArrival(row store.Scanner) (Arrival, error) {
	var x Arrival
	var at int64
	err := row.Scan(&x.ApplicationID, &x.SeekerID, &x.Name, &x.PostingTitle, &x.EmployerName, &x.CharterID,
		&x.CharterNumber, &x.SeatNo, &x.Pickup, &at)
	x.DepartedAt = easyjob.FromMillis(at)
	return x, err
}

// Arrivals lists the riders on their way (applications in departed): an
// employer's own, or those going to an officer's district; by charter and
// seat, one page at a time.
func (s *Service) Arrivals(ctx context.Context, a easyjob.Actor, o store.ListOptions) (_ easyjob.Page[Arrival], err error) {
	defer func() { err = store.Wrap(err, "charter.Arrivals", "user", a.UserID) }()
	var empty easyjob.Page[Arrival]
	after, err := store.DecodeCursor(o.Cursor)
	if err != nil {
		return empty, err
	}
	var w store.Where
	w.Add("a.state = 'departed'")
	switch {
	case a.Role == easyjob.RoleEmployer:
		w.Add("p.employer_id = ?", a.EmployerID)
	case a.IsCityWide():
	case a.Role == easyjob.RoleOfficer:
		w.Scope(a.Scope, "", "p.district")
	default:
		return empty, store.Forbidden()
	}
	const from = ` FROM applications a JOIN postings p ON p.id = a.posting_id JOIN employers e ON e.id = p.employer_id
		JOIN seekers k ON k.id = a.seeker_id
		LEFT JOIN charter_seats cs ON cs.application_id = a.id AND cs.status = 'boarded'
		LEFT JOIN charters c ON c.id = cs.charter_id LEFT JOIN pickup_points pp ON pp.id = c.pickup_point_id`
	const key = `(COALESCE(c.number, 0), COALESCE(cs.seat_no, 0), a.id)`
	if after > 0 {
		w.Add(key+` > (SELECT COALESCE(c.number, 0), COALESCE(cs.seat_no, 0), a.id FROM applications a
			LEFT JOIN charter_seats cs ON cs.application_id = a.id AND cs.status = 'boarded'
			LEFT JOIN charters c ON c.id = cs.charter_id WHERE a.id = ?)`, after)
	}
	rows, err := s.S.DB.R.QueryContext(ctx, `SELECT a.id, a.seeker_id, k.name, p.title, e.name, COALESCE(c.id, 0), COALESCE(c.number, 0),
		COALESCE(cs.seat_no, 0), COALESCE(pp.name, ''), COALESCE(c.departed_at, 0)`+from+
		w.SQL()+` ORDER BY COALESCE(c.number, 0), COALESCE(cs.seat_no, 0), a.id LIMIT `+w.Arg(o.PageSize()+1), w.Args()...)
	xs, err := store.Collect(rows, err, scanArrival)
	if err != nil {
		return empty, err
	}
	return store.PageOf(xs, o.PageSize(), func(x Arrival) int64 { return x.ApplicationID }), nil
}

// ConfirmArrival moves a departed rider's application to arrived (the
// employer, or the receiving officer), and marks the charter arrived once
// no rider of it is still on the way.
func (s *Service) ConfirmArrival(ctx context.Context, a easyjob.Actor, appID int64) (_ easyjob.Application, err error) {
	defer func() { err = store.Wrap(err, "charter.ConfirmArrival", "application", appID) }()
	app, err := s.S.Transition(ctx, a, appID, store.Move{To: easyjob.StateArrived})
	if err != nil {
		return app, err
	}
	var cid int64
	err = s.S.DB.R.QueryRowContext(ctx, `SELECT charter_id FROM charter_seats WHERE application_id = $1 AND status = 'boarded'`, appID).Scan(&cid)
	if errors.Is(err, sql.ErrNoRows) {
		return app, nil
	}
	if err != nil {
		return app, err
	}
	_, err = s.S.DB.W.ExecContext(ctx, `UPDATE charters SET status = 'arrived' WHERE id = $1 AND status = 'departed' AND NOT EXISTS (
		SELECT 1 FROM charter_seats cs JOIN applications x ON x.id = cs.application_id
		WHERE cs.charter_id = $1 AND cs.status = 'boarded' AND x.state = 'departed')`, cid)
	return app, err
}
