package charter

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"errors"
	"strings"
	"time"

	"easyjob/internal/charter/planner"
	"easyjob/internal/easyjob"
	"easyjob/internal/store"
)

// Seats (charter_seats): taking a place within a charter's allowed load,
// late additions, moves between charters, and telling riders their seat.

// seatTx takes one place on charter cid for an application, within the
// charter's allowed load: the count rises only if it is below the limit.
// seatNo 0 takes the first free seat of the spread.
func seatTx(ctx context.Context, tx *store.Tx, cid, appID, seekerID int64, seatNo, stopSeq int) (int64, error) {
	var state string
	if err := tx.QueryRowContext(ctx, `SELECT state FROM applications WHERE id = $1`, appID).Scan(&state); err != nil {
		return 0, store.NotFound(err, "application")
	}
	if state != string(easyjob.StateAccepted) {
		return 0, easyjob.Errorf(easyjob.ECONFLICT, "charter.not_eligible")
	}
	own, err := lockTravelTx(ctx, tx, appID, seekerID)
	if err != nil {
		return 0, err
	}
	if own {
		return 0, easyjob.Errorf(easyjob.ECONFLICT, "travel.own_seat_refused")
	}
	if err := takePlaceTx(ctx, tx, cid); err != nil {
		return 0, err
	}
	if seatNo == 0 {
		var err error
		if seatNo, err = freeSeatTx(ctx, tx, cid); err != nil {
			return 0, err
		}
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO charter_seats (charter_id, seat_no, application_id, seeker_id, stop_seq, status,
		boarding_token, created_at) VALUES ($1, $2, $3, $4, $5, 'assigned', $6, $7) RETURNING id`,
		cid, seatNo, appID, seekerID, stopSeq, newToken(), tx.At).Scan(&id)
	if _, ok := store.UniqueViolation(err); ok {
		return 0, easyjob.Errorf(easyjob.ECONFLICT, "charter.seated")
	}
	return id, err
}

// takePlaceTx counts one more rider on a charter that still boards, only
// while the count is below the allowed load: of concurrent takers of the
// last place one wins and the others get "charter.full".
func takePlaceTx(ctx context.Context, tx *store.Tx, cid int64) error {
	res, err := tx.ExecContext(ctx, `UPDATE charters SET taken = taken + 1 WHERE id = $1 AND taken < allowed
		AND status IN ('planned', 'boarding')`, cid)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return easyjob.Errorf(easyjob.ECONFLICT, "charter.full")
	}
	return nil
}

// freeSeatTx returns the first free seat number: the spread first (every
// other seat at a load factor of 0.5), then any seat.
func freeSeatTx(ctx context.Context, tx *store.Tx, cid int64) (int, error) {
	var seats, allowed int
	if err := tx.QueryRowContext(ctx, `SELECT seats, allowed FROM charters WHERE id = $1`, cid).Scan(&seats, &allowed); err != nil {
		return 0, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT seat_no FROM charter_seats WHERE charter_id = $1 AND status IN ('assigned', 'boarded')`, cid)
	nos, err := store.Collect(rows, err, func(row store.Scanner) (int, error) {
		var n int
		return n, row.Scan(&n)
	})
	if err != nil {
		return 0, err
	}
	used := map[int]bool{}
	for _, n := range nos {
		used[n] = true
	}
	for k := range allowed {
		if n := k*seats/allowed + 1; !used[n] {
			return n, nil
		}
	}
	for n := 1; n <= seats+allowed; n++ {
		if !used[n] {
			return n, nil
		}
	}
	return 0, easyjob.Errorf(easyjob.ECONFLICT, "charter.full")
}

// newToken is a boarding pass's token: 24 base32 characters, lower case.
func newToken() string {
	var b [15]byte
	rand.Read(b[:])
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}

// notifySeatTx tells a rider their seat, pickup point and time.
func (s *Service) notifySeatTx(ctx context.Context, tx *store.Tx, phone string, number, seat int, at time.Time, pickup string) error {
	if phone == "" {
		return nil
	}
	t := at.In(easyjob.Shanghai)
	return s.S.Send(ctx, tx, phone, "charter", "sms.charter_seat", "number", number, "seat", seat,
		"month", int(t.Month()), "day", t.Day(), "time", t.Format("15:04"), "pickup", pickup)
}

// stopForTx returns the stop of charter cid at an employer, adding it last
// when the charter does not stop there yet.
func stopForTx(ctx context.Context, tx *store.Tx, cid, employer, posting int64, district string, p planner.Point) (int, error) {
	var seq int
	err := tx.QueryRowContext(ctx, `SELECT seq FROM charter_stops WHERE charter_id = $1 AND employer_id = $2 AND posting_id = $3`,
		cid, employer, posting).Scan(&seq)
	if err == nil {
		return seq, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM charter_stops WHERE charter_id = $1`, cid).Scan(&seq); err != nil {
		return 0, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO charter_stops (charter_id, seq, employer_id, posting_id, district, lat, lng)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, cid, seq, employer, posting, district, p.Lat, p.Lng)
	return seq, err
}

func (s *Service) seatCharter(ctx context.Context, seatID int64) (int64, error) {
	var cid int64
	err := s.S.DB.R.QueryRowContext(ctx, `SELECT charter_id FROM charter_seats WHERE id = $1`, seatID).Scan(&cid)
	return cid, store.NotFound(err, "seat")
}

func (s *Service) seatRow(ctx context.Context, cid, seatID int64) (ManifestRow, error) {
	rows, err := s.manifestRows(ctx, cid)
	if err != nil {
		return ManifestRow{}, err
	}
	for _, r := range rows {
		if r.SeatID == seatID {
			return r, nil
		}
	}
	return ManifestRow{}, easyjob.NotFound("seat")
}

// AddToCharter seats an accepted application that passes the health gate
// on a charter with room (a late hire, a standby for a no-show).
func (s *Service) AddToCharter(ctx context.Context, a easyjob.Actor, charterID, appID int64) (_ ManifestRow, err error) {
	defer func() { err = store.Wrap(err, "charter.AddToCharter", "charter", charterID, "application", appID) }()
	c, err := s.charterRow(ctx, a, charterID)
	if err != nil {
		return ManifestRow{}, err
	}
	if !mayRunCharter(a, c) {
		return ManifestRow{}, store.Forbidden()
	}
	var hours int
	if err := s.S.DB.R.QueryRowContext(ctx, `SELECT health_hours FROM plans WHERE id = $1`, c.PlanID).Scan(&hours); err != nil {
		return ManifestRow{}, err
	}
	cands, err := s.candidates(ctx, c.county, c.DepartAt, hours, 0)
	if err != nil {
		return ManifestRow{}, err
	}
	var cd *candidate
	for i := range cands {
		if cands[i].app == appID {
			cd = &cands[i]
		}
	}
	if cd == nil {
		return ManifestRow{}, easyjob.Errorf(easyjob.ECONFLICT, "charter.not_eligible")
	}
	if !cd.passed {
		return ManifestRow{}, easyjob.Errorf(easyjob.ECONFLICT, cd.failReason)
	}
	var seatID int64
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		// The charter first, like every seat change: its stops and seats
		// are then written by one transaction at a time.
		if err := store.LockRows(ctx, tx, "charters", "taken", charterID); err != nil {
			return err
		}
		seq, err := stopForTx(ctx, tx, charterID, cd.employer, cd.posting, cd.district, cd.point)
		if err != nil {
			return err
		}
		if seatID, err = seatTx(ctx, tx, charterID, appID, cd.seeker.ID, 0, seq); err != nil {
			return err
		}
		var no int
		if err := tx.QueryRowContext(ctx, `SELECT seat_no FROM charter_seats WHERE id = $1`, seatID).Scan(&no); err != nil {
			return err
		}
		if err := s.notifySeatTx(ctx, tx, cd.seeker.Phone, c.Number, no, c.DepartAt, c.Pickup.Name); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE charter_seats SET notified_at = $1 WHERE id = $2`, tx.At, seatID)
		return err
	})
	if err != nil {
		return ManifestRow{}, err
	}
	return s.seatRow(ctx, charterID, seatID)
}

// ReassignSeat moves a rider (assigned, not yet boarded) to another charter
// of the same pickup point with room, on its first free seat; the rider is
// told the new seat.
func (s *Service) ReassignSeat(ctx context.Context, a easyjob.Actor, seatID, toCharter int64) (_ ManifestRow, err error) {
	defer func() { err = store.Wrap(err, "charter.ReassignSeat", "seat", seatID, "charter", toCharter) }()
	from, err := s.seatCharter(ctx, seatID)
	if err != nil {
		return ManifestRow{}, err
	}
	fc, err := s.charterRow(ctx, a, from)
	if err != nil {
		return ManifestRow{}, err
	}
	tc, err := s.charterRow(ctx, a, toCharter)
	if err != nil {
		return ManifestRow{}, err
	}
	if !mayRunCharter(a, fc) || !mayRunCharter(a, tc) {
		return ManifestRow{}, store.Forbidden()
	}
	if from == toCharter {
		return ManifestRow{}, easyjob.Errorf(easyjob.ECONFLICT, "charter.same")
	}
	if fc.Pickup.ID != tc.Pickup.ID {
		return ManifestRow{}, easyjob.Errorf(easyjob.ECONFLICT, "charter.other_pickup")
	}
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		var appID, seekerID, employer, posting int64
		var district string
		var p planner.Point
		err := tx.QueryRowContext(ctx, `SELECT cs.application_id, cs.seeker_id, st.employer_id, st.posting_id, st.district, st.lat, st.lng
			FROM charter_seats cs JOIN charter_stops st ON st.charter_id = cs.charter_id AND st.seq = cs.stop_seq
			WHERE cs.id = $1 AND cs.status = 'assigned'`, seatID).Scan(&appID, &seekerID, &employer, &posting, &district, &p.Lat, &p.Lng)
		if errors.Is(err, sql.ErrNoRows) {
			return easyjob.Errorf(easyjob.ECONFLICT, "charter.seat_not_assigned")
		}
		if err != nil {
			return err
		}
		// Both charters' rows are locked in ascending id order before
		// either count changes: two opposite moves (A→B and B→A) then queue
		// on PostgreSQL instead of deadlocking.
		if err := store.LockRows(ctx, tx, "charters", "taken", from, toCharter); err != nil {
			return err
		}
		// Take the new place first: if the charter is full nothing moves.
		if err := takePlaceTx(ctx, tx, toCharter); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE charter_seats SET status = 'cancelled' WHERE id = $1 AND status = 'assigned'`, seatID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return easyjob.Errorf(easyjob.ECONFLICT, "charter.seat_not_assigned")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE charters SET taken = taken - 1 WHERE id = $1`, from); err != nil {
			return err
		}
		seq, err := stopForTx(ctx, tx, toCharter, employer, posting, district, p)
		if err != nil {
			return err
		}
		no, err := freeSeatTx(ctx, tx, toCharter)
		if err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO charter_seats (charter_id, seat_no, application_id, seeker_id, stop_seq, status,
			boarding_token, notified_at, created_at) VALUES ($1, $2, $3, $4, $5, 'assigned', $6, $7, $7) RETURNING id`,
			toCharter, no, appID, seekerID, seq, newToken(), tx.At).Scan(&seatID)
		if _, ok := store.UniqueViolation(err); ok {
			return easyjob.Errorf(easyjob.ECONFLICT, "charter.changed")
		}
		if err != nil {
			return err
		}
		k, err := s.S.SeekerRow(ctx, seekerID)
		if err != nil {
			return err
		}
		return s.notifySeatTx(ctx, tx, k.Phone, tc.Number, no, tc.DepartAt, tc.Pickup.Name)
	})
	if err != nil {
		return ManifestRow{}, err
	}
	return s.seatRow(ctx, toCharter, seatID)
}
