package charter

import (
	"context"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/epidemic"
	"easyjob/internal/store"
)

// Seats on hold (table charter_holds). When a county turns high-risk after
// its riders were seated, the epidemic system calls HoldCounty in the
// transaction that changed the level: every assigned seat on a charter
// leaving from the county that has not departed gets an open hold, and the
// county's officers see them (Holds). When the county is no longer high
// the holds are released. A held seat keeps its place on the charter; the
// officer decides (wait, move, or record a no-show).

// Hold is an open hold of a rider's seat.
type Hold struct {
	ID        int64     `json:"id"`
	SeatID    int64     `json:"seat_id"`
	CharterID int64     `json:"charter_id"`
	Number    int       `json:"number"`
	SeatNo    int       `json:"seat_no"`
	DepartAt  time.Time `json:"depart_at"`
	County    string    `json:"county"`
	HeldAt    time.Time `json:"held_at"`
}

// HoldCounty holds the seats of riders leaving from county when it turns
// high, or releases them when it stops being high, inside tx; it answers
// how many seats it held. It matches epidemic.Service.Hold.
func (s *Service) HoldCounty(ctx context.Context, tx *store.Tx, county string, from, to epidemic.Level) (int, error) {
	switch {
	case to.High():
		res, err := tx.ExecContext(ctx, `INSERT INTO charter_holds (seat_id, charter_id, county, reason, held_at)
			SELECT cs.id, cs.charter_id, pp.county, 'county_high_risk', $2
			FROM charter_seats cs JOIN charters c ON c.id = cs.charter_id JOIN pickup_points pp ON pp.id = c.pickup_point_id
			WHERE pp.county = $1 AND cs.status = 'assigned' AND c.status IN ('planned', 'boarding')
			AND NOT EXISTS (SELECT 1 FROM charter_holds h WHERE h.seat_id = cs.id AND h.released_at = 0)
			ON CONFLICT (seat_id) WHERE released_at = 0 DO NOTHING`, county, tx.At)
		if err != nil {
			return 0, store.Wrap(err, "charter.HoldCounty", "county", county)
		}
		n, _ := res.RowsAffected()
		return int(n), nil
	case from.High():
		_, err := tx.ExecContext(ctx, `UPDATE charter_holds SET released_at = $1 WHERE county = $2 AND released_at = 0`, tx.At, county)
		return 0, store.Wrap(err, "charter.HoldCounty", "county", county)
	}
	return 0, nil
}

// Holds lists the open holds on seats of charters leaving from the
// officer's counties that have not departed, by departure.
func (s *Service) Holds(ctx context.Context, a easyjob.Actor) (_ []Hold, err error) {
	defer func() { err = store.Wrap(err, "charter.Holds") }()
	if !a.IsOfficer() {
		return nil, store.Forbidden()
	}
	var w store.Where
	w.Add("h.released_at = 0")
	w.Add("c.status IN ('planned', 'boarding')")
	w.Add("cs.status = 'assigned'")
	w.Scope(a.Scope, "h.county", "")
	return store.Select(ctx, s.S.DB.R, func(row store.Scanner) (Hold, error) {
		var h Hold
		var dep, at int64
		err := row.Scan(&h.ID, &h.SeatID, &h.CharterID, &h.Number, &h.SeatNo, &dep, &h.County, &at)
		h.DepartAt, h.HeldAt = easyjob.FromMillis(dep), easyjob.FromMillis(at)
		return h, err
	}, `SELECT h.id, h.seat_id, h.charter_id, c.number, cs.seat_no, c.depart_at, h.county, h.held_at
		FROM charter_holds h JOIN charters c ON c.id = h.charter_id JOIN charter_seats cs ON cs.id = h.seat_id`+w.SQL()+
		` ORDER BY c.depart_at, c.number, cs.seat_no LIMIT 500`, w.Args()...)
}

// Held tells whether a seat has an open hold (for boarding to refuse it).
func (s *Service) Held(ctx context.Context, seatID int64) (bool, error) {
	var n int
	err := s.S.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM charter_holds WHERE seat_id = $1 AND released_at = 0`, seatID).Scan(&n)
	return n > 0, store.Wrap(err, "charter.Held", "seat", seatID)
}
