package charter

import (
	"context"
	"sort"

	"easyjob/internal/charter/planner"
	"easyjob/internal/easyjob"
	"easyjob/internal/store"
)

// Replanning a confirmed plan: read the charters as they stand (current),
// let the planner plan again around them, compute what changes (diffReplan,
// pure), and apply the difference in one transaction with small functions,
// one kind of change each.

// current is a confirmed plan's charters as they stand.
type current struct {
	charters  []int64               // the plan's charters that are not cancelled
	prev      []planner.Charter     // the same for the planner: stops and assigned seats
	notified  map[int64]bool        // application → told its seat
	numberOf  map[int64]int         // charter → its number
	maxNumber int                   // the highest number in the plan
	seatOf    map[int64]ManifestRow // application → its assigned seat
	charterOf map[int64]int64       // application → the charter of that seat
}

// current reads a plan's charters for a replan; a charter that started
// boarding makes the plan final.
func (s *Service) current(ctx context.Context, planID int64) (current, error) {
	cur := current{notified: map[int64]bool{}, numberOf: map[int64]int{}, seatOf: map[int64]ManifestRow{}, charterOf: map[int64]int64{}}
	var w store.Where
	w.Add("c.plan_id = ?", planID)
	w.Add("c.status <> ?", string(Cancelled))
	rows, err := s.charterRows(ctx, &w, 0)
	if err != nil {
		return cur, err
	}
	for _, c := range rows {
		if !c.Status.Replannable() {
			return cur, easyjob.Errorf(easyjob.ECONFLICT, "plan.boarding_started")
		}
		cur.charters = append(cur.charters, c.ID)
		cur.numberOf[c.ID] = c.Number
		cur.maxNumber = max(cur.maxNumber, c.Number)
		pc := planner.Charter{Ref: c.ID, Pickup: c.Pickup.ID}
		for _, st := range c.Stops {
			site := st.EmployerID
			if st.PostingID > 0 {
				site = -st.PostingID
			}
			pc.Stops = append(pc.Stops, planner.Stop{Site: site, At: planner.Point{Lat: st.Lat, Lng: st.Lng}})
		}
		ms, err := s.manifestRows(ctx, c.ID)
		if err != nil {
			return cur, err
		}
		for _, m := range ms {
			if !m.Status.Assigned() {
				continue
			}
			pc.Seats = append(pc.Seats, planner.Seat{Rider: m.ApplicationID, No: m.SeatNo, Stop: m.StopSeq - 1})
			cur.notified[m.ApplicationID] = !m.NotifiedAt.IsZero()
			cur.seatOf[m.ApplicationID], cur.charterOf[m.ApplicationID] = m, c.ID
		}
		cur.prev = append(cur.prev, pc)
	}
	return cur, nil
}

// replanDiff is what a replan changes.
type replanDiff struct {
	charters []charterDiff // in the planner's order
	cancel   []ManifestRow // seats of riders no longer carried
	drop     []int64       // charters left empty
	moves    []riderMove
}

// charterDiff is one charter of the new plan.
type charterDiff struct {
	ref    int64 // the charter kept; 0 for a new one
	number int   // kept charters keep theirs; new ones follow the highest
	plan   planner.Charter
	seats  []seatDiff
}

// seatDiff is one rider's place on a charter of the new plan.
type seatDiff struct {
	app    int64
	seat   int64 // the rider's current seat; 0 for a new one
	no     int
	stop   int  // the stop's seq (from 1)
	notify bool // new, or moved to another charter or seat
}

// riderMove is a rider of the previous plan now on another charter.
type riderMove struct {
	app      int64
	from, to int // charter numbers
}

// diffReplan computes the changes from the plan as it stands to the
// planner's new plan. It does no I/O.
func diffReplan(cur current, cp planner.Plan) replanDiff {
	var d replanDiff
	number := cur.maxNumber
	placed := map[int64]bool{}
	for _, c := range cp.Charters {
		cd := charterDiff{ref: c.Ref, plan: c}
		if c.Ref != 0 {
			cd.number = cur.numberOf[c.Ref]
		} else {
			number++
			cd.number = number
		}
		for _, st := range c.Seats {
			placed[st.Rider] = true
			sd := seatDiff{app: st.Rider, no: st.No, stop: st.Stop + 1, notify: true}
			if m, had := cur.seatOf[st.Rider]; had {
				sd.seat = m.SeatID
				sd.notify = cur.charterOf[st.Rider] != c.Ref || m.SeatNo != st.No
			}
			cd.seats = append(cd.seats, sd)
		}
		d.charters = append(d.charters, cd)
	}
	for app, m := range cur.seatOf {
		if !placed[app] {
			d.cancel = append(d.cancel, m)
		}
	}
	sort.Slice(d.cancel, func(i, j int) bool { return d.cancel[i].SeatID < d.cancel[j].SeatID })
	d.drop = cp.Dropped
	for _, m := range cp.Moves {
		d.moves = append(d.moves, riderMove{app: m.Rider, from: cur.numberOf[m.From], to: d.charters[m.ToIndex].number})
	}
	return d
}

// Replan plans a confirmed plan again after cancellations and late hires:
// riders still eligible keep their charters and seats when capacity allows,
// cancelled riders lose their seats, newcomers fill the room, and the
// result says who moved. With confirm it is written in one transaction and
// moved or new riders are told their seat. Charters that started boarding
// cannot be replanned.
func (s *Service) Replan(ctx context.Context, a easyjob.Actor, planID int64, confirm bool) (_ PlanView, err error) {
	defer func() { err = store.Wrap(err, "charter.Replan", "plan", planID, "confirm", confirm) }()
	old, err := s.Plan(ctx, a, planID)
	if err != nil {
		return old, err
	}
	if !a.IsOfficer() || !a.Scope.County(old.Pickup.County) {
		return old, store.Forbidden()
	}
	cur, err := s.current(ctx, planID)
	if err != nil {
		return old, err
	}
	// The plan's own request, with its health window.
	v, cp, byApp, err := s.plan(ctx, a, old.Request, planID, cur.prev, cur.notified)
	if err != nil {
		return v, err
	}
	d := diffReplan(cur, cp)
	v.ID = planID
	for i, c := range d.charters {
		v.Charters[i].Number, v.Charters[i].ID, v.Charters[i].PlanID = c.number, c.ref, planID
	}
	for _, m := range d.moves {
		v.Moves = append(v.Moves, PlanMove{ApplicationID: m.app, Name: byApp[m.app].seeker.Name, From: m.from, To: m.to})
	}
	if !confirm {
		return v, nil
	}
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		// The plan's charters are locked in id order before any changes,
		// like every transaction that changes several charters.
		if err := store.LockRows(ctx, tx, "charters", "taken", cur.charters...); err != nil {
			return err
		}
		for _, cid := range cur.charters {
			if err := parkSeatsTx(ctx, tx, cid); err != nil {
				return err
			}
		}
		for _, m := range d.cancel {
			if err := cancelSeatTx(ctx, tx, m); err != nil {
				return err
			}
		}
		for _, cid := range d.drop {
			if err := dropCharterTx(ctx, tx, cid); err != nil {
				return err
			}
		}
		for i, c := range d.charters {
			cid, err := writeCharterTx(ctx, tx, planID, v, c)
			if err != nil {
				return err
			}
			v.Charters[i].ID = cid
			for _, st := range c.seats {
				rider := byApp[st.app]
				if err := placeSeatTx(ctx, tx, cid, rider, st); err != nil {
					return err
				}
				if st.notify {
					if err := s.renotifyTx(ctx, tx, rider, c.number, st.no, v); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	if _, ok := store.UniqueViolation(err); ok {
		return v, easyjob.Errorf(easyjob.ECONFLICT, "plan.changed")
	}
	if err != nil {
		return v, err
	}
	return v, nil
}

// parkSeatsTx moves a charter's assigned seat numbers out of the way (so
// seats can swap numbers) and counts its places afresh.
func parkSeatsTx(ctx context.Context, tx *store.Tx, cid int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE charter_seats SET seat_no = -id WHERE charter_id = $1 AND status = 'assigned'`, cid); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE charters SET taken = 0 WHERE id = $1`, cid)
	return err
}

// cancelSeatTx gives up the seat of a rider no longer carried, with its
// number restored.
func cancelSeatTx(ctx context.Context, tx *store.Tx, m ManifestRow) error {
	_, err := tx.ExecContext(ctx, `UPDATE charter_seats SET status = 'cancelled', seat_no = $1 WHERE id = $2`, m.SeatNo, m.SeatID)
	return err
}

// dropCharterTx cancels a charter left empty.
func dropCharterTx(ctx context.Context, tx *store.Tx, cid int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE charters SET status = 'cancelled' WHERE id = $1`, cid)
	return err
}

// writeCharterTx inserts a new charter, or rewrites a kept one's stops and
// distance, and returns its id.
func writeCharterTx(ctx context.Context, tx *store.Tx, planID int64, v PlanView, c charterDiff) (int64, error) {
	if c.ref == 0 {
		return insertCharterTx(ctx, tx, planID, c.number, v, c.plan)
	}
	if err := writeStopsTx(ctx, tx, c.ref, c.plan); err != nil {
		return 0, err
	}
	_, err := tx.ExecContext(ctx, `UPDATE charters SET km = $1 WHERE id = $2`, c.plan.Km, c.ref)
	return c.ref, err
}

// placeSeatTx seats a rider on charter cid: a new seat for a newcomer, or
// the rider's own seat moved there; either takes a place within the load.
func placeSeatTx(ctx context.Context, tx *store.Tx, cid int64, rider candidate, st seatDiff) error {
	if st.seat == 0 {
		_, err := seatTx(ctx, tx, cid, rider.app, rider.seeker.ID, st.no, st.stop)
		return err
	}
	if err := takePlaceTx(ctx, tx, cid); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE charter_seats SET charter_id = $1, seat_no = $2, stop_seq = $3 WHERE id = $4`,
		cid, st.no, st.stop, st.seat)
	return err
}

// renotifyTx tells a new or moved rider the seat.
func (s *Service) renotifyTx(ctx context.Context, tx *store.Tx, rider candidate, number, seat int, v PlanView) error {
	if err := s.notifySeatTx(ctx, tx, rider.seeker.Phone, number, seat, v.DepartAt, v.Pickup.Name); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE charter_seats SET notified_at = $1 WHERE application_id = $2 AND status = 'assigned'`,
		tx.At, rider.app)
	return err
}
