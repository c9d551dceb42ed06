package charter

import (
	"context"
	"strings"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/ident"
	"easyjob/internal/store"
)

// Boarding passes: a rider's seat as the rider and the boarding officer
// see it. The pass's QR code holds the pass page's URL with its token.

// Pass is a rider's boarding pass.
type Pass struct {
	Token         string     `json:"token"`
	ApplicationID int64      `json:"application_id"`
	Name          string     `json:"name"`
	IDNumber      string     `json:"id_number"` // masked
	CharterID     int64      `json:"charter_id"`
	CharterNumber int        `json:"charter_number"`
	SeatNo        int        `json:"seat_no"`
	Status        SeatStatus `json:"status"`
	DepartAt      time.Time  `json:"depart_at"`
	Pickup        string     `json:"pickup"`
	PickupAddress string     `json:"pickup_address"`
	EmployerName  string     `json:"employer_name"`
	StopSeq       int        `json:"stop_seq"`
}

const passQuery = `SELECT cs.boarding_token, cs.application_id, cs.seeker_id, c.id, c.number, cs.seat_no, cs.status, c.depart_at,
	pp.name, pp.address, pp.county, COALESCE(e.name, ''), cs.stop_seq
	FROM charter_seats cs JOIN charters c ON c.id = cs.charter_id JOIN pickup_points pp ON pp.id = c.pickup_point_id
	LEFT JOIN charter_stops st ON st.charter_id = cs.charter_id AND st.seq = cs.stop_seq
	LEFT JOIN employers e ON e.id = st.employer_id`

// passRow is a pass with the rider and the pickup county, for access checks.
type passRow struct {
	Pass
	seeker int64
	county string
}

func scanPass(row store.Scanner) (passRow, error) {
	var p passRow
	var at int64
	var status string
	err := row.Scan(&p.Token, &p.ApplicationID, &p.seeker, &p.CharterID, &p.CharterNumber, &p.SeatNo, &status, &at,
		&p.Pickup, &p.PickupAddress, &p.county, &p.EmployerName, &p.StopSeq)
	p.Status, p.DepartAt = SeatStatus(status), easyjob.FromMillis(at)
	return p, err
}

// PassByToken returns a boarding pass to its rider, or to officers of the
// pickup point's county.
func (s *Service) PassByToken(ctx context.Context, a easyjob.Actor, token string) (_ Pass, err error) {
	defer func() { err = store.Wrap(err, "charter.PassByToken") }()
	p, err := scanPass(s.S.DB.R.QueryRowContext(ctx, passQuery+` WHERE cs.boarding_token = $1`, strings.ToLower(token)))
	if err != nil {
		return Pass{}, store.NotFound(err, "seat")
	}
	if !(a.Role == easyjob.RoleSeeker && a.SeekerID == p.seeker) && !(a.IsOfficer() && a.Scope.County(p.county)) {
		return Pass{}, easyjob.NotFound("seat")
	}
	k, err := s.S.SeekerRow(ctx, p.seeker)
	if err != nil {
		return Pass{}, err
	}
	p.Name, p.IDNumber = k.Name, ident.MaskID(k.IDNumber)
	return p.Pass, nil
}

// MySeats returns the seeker's active seats by application.
func (s *Service) MySeats(ctx context.Context, a easyjob.Actor) (map[int64]Pass, error) {
	if a.Role != easyjob.RoleSeeker || a.SeekerID == 0 {
		return nil, store.Forbidden()
	}
	rows, err := s.S.DB.R.QueryContext(ctx, passQuery+` WHERE cs.seeker_id = $1 AND cs.status IN ('assigned', 'boarded')`, a.SeekerID)
	ps, err := store.Collect(rows, err, scanPass)
	if err != nil {
		return nil, store.Wrap(err, "charter.MySeats", "seeker", a.SeekerID)
	}
	out := map[int64]Pass{}
	for _, p := range ps {
		out[p.ApplicationID] = p.Pass
	}
	return out, nil
}

// SeatsOf lists a seeker's seats, newest first, for the officers of the
// pickup points' counties (the seeker's page): every status, so that a
// no-show or a cancelled seat is seen too.
func (s *Service) SeatsOf(ctx context.Context, a easyjob.Actor, seekerID int64) (_ []Pass, err error) {
	defer func() { err = store.Wrap(err, "charter.SeatsOf", "seeker", seekerID) }()
	if !a.IsOfficer() {
		return nil, store.Forbidden()
	}
	rows, err := s.S.DB.R.QueryContext(ctx, passQuery+` WHERE cs.seeker_id = $1 ORDER BY cs.id DESC LIMIT 50`, seekerID)
	ps, err := store.Collect(rows, err, scanPass)
	if err != nil {
		return nil, err
	}
	out := []Pass{}
	for _, p := range ps {
		if a.Scope.County(p.county) {
			out = append(out, p.Pass)
		}
	}
	return out, nil
}
