package charter

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/store"
)

// Boarding: check-in by pass or ID digits, no-shows, and departure.

// BoardingCode extracts a boarding token from what a scanner typed: the
// pass URL, the token, or the last six characters of an ID number.
func BoardingCode(code string) (token, last6 string) {
	code = strings.TrimSpace(code)
	if i := strings.LastIndexAny(code, "/="); i >= 0 {
		code = code[i+1:]
	}
	code = strings.TrimSpace(code)
	if len(code) == 6 {
		ok := true
		for i, r := range code {
			if !(r >= '0' && r <= '9') && !(i == 5 && (r == 'x' || r == 'X')) {
				ok = false
			}
		}
		if ok {
			return "", strings.ToUpper(code)
		}
	}
	return strings.ToLower(code), ""
}

// CheckIn boards a rider on charter id by the pass's token (as scanned) or
// the last six characters of their ID number.
func (s *Service) CheckIn(ctx context.Context, a easyjob.Actor, id int64, code string) (_ ManifestRow, err error) {
	defer func() { err = store.Wrap(err, "charter.CheckIn", "charter", id) }()
	c, err := s.charterRow(ctx, a, id)
	if err != nil {
		return ManifestRow{}, err
	}
	if !mayRunCharter(a, c) {
		return ManifestRow{}, store.Forbidden()
	}
	if !c.Status.Boardable() {
		return ManifestRow{}, easyjob.Errorf(easyjob.ECONFLICT, "charter.not_boarding")
	}
	token, last6 := BoardingCode(code)
	if token == "" && last6 == "" {
		f := easyjob.Fields{}
		f.Add("code", "field.required")
		return ManifestRow{}, f.Err()
	}
	rows, err := s.manifestRows(ctx, id)
	if err != nil {
		return ManifestRow{}, err
	}
	var hits []ManifestRow
	for _, r := range rows {
		if r.Status.Cancelled() {
			continue
		}
		if (token != "" && r.token == token) || (last6 != "" && r.idLast6 == last6) {
			hits = append(hits, r)
		}
	}
	switch {
	case len(hits) == 0:
		return ManifestRow{}, easyjob.Errorf(easyjob.ENOTFOUND, "charter.no_rider")
	case len(hits) > 1:
		return ManifestRow{}, easyjob.Errorf(easyjob.ECONFLICT, "charter.ambiguous_last6")
	case hits[0].Status.Boarded():
		return hits[0], easyjob.Errorf(easyjob.ECONFLICT, "charter.already_boarded", "seat", hits[0].SeatNo)
	case !hits[0].Status.Assigned():
		return hits[0], easyjob.Errorf(easyjob.ECONFLICT, "charter.seat_not_assigned")
	}
	if held, err := s.Held(ctx, hits[0].SeatID); err != nil {
		return ManifestRow{}, err
	} else if held {
		return hits[0], easyjob.Errorf(easyjob.ECONFLICT, "charter.seat_held")
	}
	m := hits[0]
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		// Not while a hold is open (checked above for the message; here so a
		// hold made meanwhile still wins).
		res, err := tx.ExecContext(ctx, `UPDATE charter_seats SET status = 'boarded', boarded_at = $1 WHERE id = $2 AND status = 'assigned'
			AND NOT EXISTS (SELECT 1 FROM charter_holds h WHERE h.seat_id = $2 AND h.released_at = 0)`, tx.At, m.SeatID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return easyjob.Errorf(easyjob.ECONFLICT, "charter.already_boarded", "seat", m.SeatNo)
		}
		m.Status, m.BoardedAt = SeatBoarded, easyjob.FromMillis(tx.At)
		_, err = tx.ExecContext(ctx, `UPDATE charters SET status = 'boarding' WHERE id = $1 AND status = 'planned'`, id)
		return err
	})
	if err != nil {
		return ManifestRow{}, err
	}
	return m, nil
}

// MarkNoShow records that a rider did not come; the place is freed for a
// standby rider.
func (s *Service) MarkNoShow(ctx context.Context, a easyjob.Actor, seatID int64) (err error) {
	defer func() { err = store.Wrap(err, "charter.MarkNoShow", "seat", seatID) }()
	cid, err := s.seatCharter(ctx, seatID)
	if err != nil {
		return err
	}
	c, err := s.charterRow(ctx, a, cid)
	if err != nil {
		return err
	}
	if !mayRunCharter(a, c) {
		return store.Forbidden()
	}
	return s.S.Tx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE charter_seats SET status = 'no_show' WHERE id = $1 AND status = 'assigned'`, seatID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return easyjob.Errorf(easyjob.ECONFLICT, "charter.seat_not_assigned")
		}
		_, err = tx.ExecContext(ctx, `UPDATE charters SET taken = taken - 1 WHERE id = $1`, cid)
		return err
	})
}

// DepartWindow is how far from its planned time a charter departs without
// being asked to confirm.
const DepartWindow = 2 * time.Hour

// OffSchedule tells whether departing now is outside the window around the
// planned time: -1 too early, 1 too late, 0 within it.
func OffSchedule(planned, now time.Time) int {
	switch {
	case now.Before(planned.Add(-DepartWindow)):
		return -1
	case now.After(planned.Add(DepartWindow)):
		return 1
	}
	return 0
}

// DepartOutOfWindow tells whether err is Depart asking for a confirmation.
func DepartOutOfWindow(err error) bool {
	var de *easyjob.Error
	return errors.As(err, &de) && de.Code == easyjob.ECONFLICT && (de.Msg.Key == "charter.depart_early" || de.Msg.Key == "charter.depart_late")
}

// DepartResult is what a departure did.
type DepartResult struct {
	Departed int           `json:"departed"`
	NoShows  int           `json:"no_shows"`
	Failed   []GateFailure `json:"failed"` // boarded riders whose application could not move (reason: message key)
}

// Depart closes boarding: boarded riders' applications move to departed
// (through Transition, as the officer), riders not boarded are recorded as
// no-shows, and the charter is departed.
//
// Departing more than DepartWindow before or after the planned time needs
// confirmed: without it Depart answers ECONFLICT (charter.depart_early or
// charter.depart_late, with the planned time) and changes nothing.
func (s *Service) Depart(ctx context.Context, a easyjob.Actor, id int64, confirmed bool) (_ DepartResult, err error) {
	defer func() { err = store.Wrap(err, "charter.Depart", "charter", id) }()
	res := DepartResult{Failed: []GateFailure{}}
	c, err := s.charterRow(ctx, a, id)
	if err != nil {
		return res, err
	}
	if !mayRunCharter(a, c) {
		return res, store.Forbidden()
	}
	if !c.Status.Boardable() {
		return res, easyjob.Errorf(easyjob.ECONFLICT, "charter.not_boarding")
	}
	if off := OffSchedule(c.DepartAt, s.S.Clock.Now()); off != 0 && !confirmed {
		key := "charter.depart_early"
		if off > 0 {
			key = "charter.depart_late"
		}
		return res, easyjob.Errorf(easyjob.ECONFLICT, key, "planned", c.DepartAt.In(easyjob.Shanghai).Format("2006-01-02 15:04"))
	}
	rows, err := s.manifestRows(ctx, id)
	if err != nil {
		return res, err
	}
	var boarded []ManifestRow
	for _, r := range rows {
		if r.Status.Boarded() {
			boarded = append(boarded, r)
		}
	}
	if len(boarded) == 0 {
		return res, easyjob.Errorf(easyjob.ECONFLICT, "charter.nobody_boarded")
	}
	for _, r := range boarded {
		if r.state == easyjob.StateDeparted {
			res.Departed++
			continue
		}
		_, err := s.S.Transition(ctx, a, r.ApplicationID, store.Move{To: easyjob.StateDeparted, Reason: fmt.Sprintf("charter %d seat %d", c.Number, r.SeatNo)})
		if err != nil {
			var de *easyjob.Error
			if !errors.As(err, &de) || de.Code == easyjob.EINTERNAL {
				return res, err
			}
			res.Failed = append(res.Failed, GateFailure{ApplicationID: r.ApplicationID, SeekerID: r.SeekerID, Name: r.Name, Reason: de.Msg.Key})
			continue
		}
		res.Departed++
	}
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		x, err := tx.ExecContext(ctx, `UPDATE charter_seats SET status = 'no_show' WHERE charter_id = $1 AND status = 'assigned'`, id)
		if err != nil {
			return err
		}
		n, _ := x.RowsAffected()
		res.NoShows = int(n)
		_, err = tx.ExecContext(ctx, `UPDATE charters SET status = 'departed', departed_at = $1, taken = taken - $3
			WHERE id = $2 AND status IN ('planned', 'boarding')`, tx.At, id, n)
		return err
	})
	return res, err
}
