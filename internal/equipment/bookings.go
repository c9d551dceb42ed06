package equipment

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/equipment/rules"
	"easyjob/internal/store"
)

// Booking is a borrower's hold on an instrument for a time.
type Booking struct {
	ID           int64         `json:"id"`
	InstrumentID int64         `json:"instrument_id"`
	Instrument   string        `json:"instrument"`
	Institution  string        `json:"institution"`
	UserID       int64         `json:"user_id"`
	Borrower     string        `json:"borrower"`
	Project      string        `json:"project"`
	Emergency    bool          `json:"emergency"`
	Start        time.Time     `json:"start"`
	End          time.Time     `json:"end"`
	Status       BookingStatus `json:"status"`
	CheckedInAt  time.Time     `json:"checked_in_at,omitzero"`
	CreatedAt    time.Time     `json:"created_at"`
}

// When is the booking's time in Shanghai, "2006-01-02 15:04–16:00".
func (b Booking) When() string {
	return Clock(b.Start) + "–" + b.End.In(easyjob.Shanghai).Format("15:04")
}

// CheckInOpen tells whether the borrower may check in at t.
func (b Booking) CheckInOpen(t time.Time) bool {
	return b.Status.CanCheckIn() && rules.CanCheckIn(b.Start, b.End, t)
}

const bookingCols = `b.id, b.instrument_id, i.name, n.name, b.user_id, u.name, b.project, b.emergency, b.start_at, b.end_at,
	b.status, b.checked_in_at, b.created_at`

const bookingFrom = ` FROM equipment_bookings b JOIN equipment_instruments i ON i.id = b.instrument_id
	JOIN equipment_institutions n ON n.id = i.institution_id JOIN users u ON u.id = b.user_id`

func scanBooking(r store.Scanner) (Booking, error) {
	var b Booking
	var start, end, in, at int64
	err := r.Scan(&b.ID, &b.InstrumentID, &b.Instrument, &b.Institution, &b.UserID, &b.Borrower, &b.Project, &b.Emergency,
		&start, &end, &b.Status, &in, &at)
	b.Start, b.End, b.CreatedAt = easyjob.FromMillis(start), easyjob.FromMillis(end), easyjob.FromMillis(at)
	if in > 0 {
		b.CheckedInAt = easyjob.FromMillis(in)
	}
	return b, err
}

// BookingInput is a request to book: start and end as RFC 3339 or Shanghai wall time
// ("2026-03-05T09:00"), the project, and whether it is an emergency (epidemic) project.
type BookingInput struct {
	Start     string `json:"start"`
	End       string `json:"end"`
	Project   string `json:"project"`
	Emergency bool   `json:"emergency"`
}

// Book books an instrument for the researcher. It answers 403 with the reason when the
// borrower lacks the biosafety level or certificate, is suspended or is not of the owner's
// institution for an internal instrument; 422 naming the field for a window that ends
// before it starts, is too short or long, is in the past or within the notice; and 409
// naming the booked slot when it overlaps a booking that holds. The overlap is held by the
// database: the transaction locks the instrument's row before it looks for an overlap, so
// two bookings of one instrument are checked and written one after the other on both
// databases.
func (s *Service) Book(ctx context.Context, a easyjob.Actor, instrumentID int64, in BookingInput) (Booking, error) {
	p, err := s.researcher(ctx, a)
	if err != nil {
		return Booking{}, err
	}
	x, err := s.Instrument(ctx, a, instrumentID)
	if err != nil {
		return Booking{}, err
	}
	f := easyjob.Fields{}
	start, ok := ParseTime(in.Start)
	if !ok {
		f.Add("start", "field.time_invalid")
	}
	end, ok := ParseTime(in.End)
	if !ok {
		f.Add("end", "field.time_invalid")
	}
	in.Project = strings.TrimSpace(in.Project)
	switch {
	case in.Project == "":
		f.Add("project", "field.required")
	case len([]rune(in.Project)) > rules.ProjectMaxLen:
		f.Add("project", "field.too_long", "max", rules.ProjectMaxLen)
	case easyjob.TextProblem(in.Project) != "":
		f.Add("project", easyjob.TextProblem(in.Project))
	}
	if err := f.Err(); err != nil {
		return Booking{}, err
	}
	now := s.S.Now()
	if err := rules.CheckWindow(x.Window(), now, start, end); err != nil {
		return Booking{}, err
	}
	switch {
	case !x.Sharing.Bookable():
		return Booking{}, easyjob.Errorf(easyjob.ECONFLICT, "equipment.out_of_service", "reason", x.OutReason)
	case x.Sharing == Internal && p.InstitutionID != x.InstitutionID:
		return Booking{}, easyjob.Errorf(easyjob.EFORBIDDEN, "equipment.internal_only")
	case p.Suspended(now):
		return Booking{}, easyjob.Errorf(easyjob.EFORBIDDEN, "equipment.suspended", "until", Clock(p.SuspendedUntil))
	case p.Biosafety < x.Biosafety:
		return Booking{}, easyjob.Errorf(easyjob.EFORBIDDEN, "equipment.biosafety", "need", x.Biosafety, "have", p.Biosafety)
	case x.Certificate != "" && !p.Holds(x.Certificate):
		return Booking{}, easyjob.Errorf(easyjob.EFORBIDDEN, "equipment.certificate", "certificate", x.Certificate)
	}
	status := Confirmed
	if x.Approval {
		status = Pending
	}
	var id int64
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		var err error
		id, err = holdTx(ctx, tx, instrumentID, a.UserID, in.Project, in.Emergency, start, end, status)
		return err
	})
	if err != nil {
		return Booking{}, store.Wrap(err, "equipment.Book", "instrument", instrumentID)
	}
	return s.booking(ctx, id)
}

// holdTx is the one way a booking comes to hold a slot: lock the instrument, look for an
// overlapping holding booking (409 naming it), insert.
func holdTx(ctx context.Context, tx *store.Tx, instrumentID, userID int64, project string, emergency bool, start, end time.Time, status BookingStatus) (int64, error) {
	if err := store.LockRows(ctx, tx, "equipment_instruments", "updated_at", instrumentID); err != nil {
		return 0, err
	}
	s0, e0 := easyjob.Millis(start), easyjob.Millis(end)
	var cs, ce int64
	err := tx.QueryRowContext(ctx, `SELECT start_at, end_at FROM equipment_bookings
		WHERE instrument_id = $1 AND holds AND start_at < $2 AND end_at > $3 ORDER BY start_at LIMIT 1`,
		instrumentID, e0, s0).Scan(&cs, &ce)
	switch {
	case err == nil:
		c := Booking{Start: easyjob.FromMillis(cs), End: easyjob.FromMillis(ce)}
		e := easyjob.Errorf(easyjob.ECONFLICT, "equipment.overlap", "slot", c.When())
		e.Fields = map[string]easyjob.Msg{"start": easyjob.M("equipment.overlap", "slot", c.When())}
		return 0, e
	case !errors.Is(err, sql.ErrNoRows):
		return 0, err
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO equipment_bookings (instrument_id, user_id, project, emergency, start_at, end_at,
		status, holds, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, $8, $8) RETURNING id`,
		instrumentID, userID, project, emergency, s0, e0, string(status), tx.At).Scan(&id)
	return id, err
}

func (s *Service) booking(ctx context.Context, id int64) (Booking, error) {
	b, err := scanBooking(s.S.DB.R.QueryRowContext(ctx, `SELECT `+bookingCols+bookingFrom+` WHERE b.id = $1`, id))
	return b, store.Wrap(store.NotFound(err, "booking"), "equipment.Booking", "id", id)
}

// Booking reads a booking: its borrower, its instrument's manager and officers see it.
func (s *Service) Booking(ctx context.Context, a easyjob.Actor, id int64) (Booking, error) {
	b, err := s.booking(ctx, id)
	if err != nil || a.IsOfficer() || b.UserID == a.UserID {
		return b, err
	}
	if p, err := s.manager(ctx, a); err == nil {
		var inst int64
		if err := s.S.DB.R.QueryRowContext(ctx, `SELECT institution_id FROM equipment_instruments WHERE id = $1`, b.InstrumentID).Scan(&inst); err == nil && inst == p.InstitutionID {
			return b, nil
		}
	}
	return Booking{}, easyjob.NotFound("booking")
}

// MyBookings lists the researcher's bookings, the latest start first.
func (s *Service) MyBookings(ctx context.Context, a easyjob.Actor) ([]Booking, error) {
	if _, err := s.researcher(ctx, a); err != nil {
		return nil, err
	}
	xs, err := store.Select(ctx, s.S.DB.R, scanBooking, `SELECT `+bookingCols+bookingFrom+
		` WHERE b.user_id = $1 ORDER BY b.start_at DESC LIMIT 100`, a.UserID)
	return xs, store.Wrap(err, "equipment.MyBookings")
}

// Calendar lists the holding bookings of an instrument from from to to (borrowers' names are
// not shown to others: the page shows the times).
func (s *Service) Calendar(ctx context.Context, instrumentID int64, from, to time.Time) ([]Booking, error) {
	xs, err := store.Select(ctx, s.S.DB.R, scanBooking, `SELECT `+bookingCols+bookingFrom+
		` WHERE b.instrument_id = $1 AND b.holds AND b.start_at < $2 AND b.end_at > $3 ORDER BY b.start_at`,
		instrumentID, easyjob.Millis(to), easyjob.Millis(from))
	return xs, store.Wrap(err, "equipment.Calendar", "instrument", instrumentID)
}

// Queue is the manager's approval queue: pending bookings of the institution's instruments,
// emergency (epidemic) projects first, then by start.
func (s *Service) Queue(ctx context.Context, a easyjob.Actor) ([]Booking, error) {
	p, err := s.manager(ctx, a)
	if err != nil {
		return nil, err
	}
	xs, err := store.Select(ctx, s.S.DB.R, scanBooking, `SELECT `+bookingCols+bookingFrom+
		` WHERE i.institution_id = $1 AND b.status = 'pending' ORDER BY b.emergency DESC, b.start_at, b.id LIMIT 200`, p.InstitutionID)
	return xs, store.Wrap(err, "equipment.Queue")
}

// Decide approves or rejects a pending booking (the instrument's manager); only a booking
// still pending moves.
func (s *Service) Decide(ctx context.Context, a easyjob.Actor, id int64, approve bool) (Booking, error) {
	p, err := s.manager(ctx, a)
	if err != nil {
		return Booking{}, err
	}
	to, holds := Rejected, false
	if approve {
		to, holds = Confirmed, true
	}
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE equipment_bookings SET status = $1, holds = $2, decided_by = $3, updated_at = $4
			WHERE id = $5 AND status = 'pending'
			AND instrument_id IN (SELECT id FROM equipment_instruments WHERE institution_id = $6)`,
			string(to), holds, a.UserID, tx.At, id, p.InstitutionID)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return easyjob.Errorf(easyjob.ECONFLICT, "equipment.not_pending")
		}
		return nil
	})
	if err != nil {
		return Booking{}, store.Wrap(err, "equipment.Decide", "id", id)
	}
	return s.booking(ctx, id)
}

// CheckIn records that the borrower started using the instrument: from 15 minutes before
// the start to an hour after it. It opens the usage record.
func (s *Service) CheckIn(ctx context.Context, a easyjob.Actor, id int64) (Booking, error) {
	b, err := s.Booking(ctx, a, id)
	if err != nil {
		return b, err
	}
	if b.UserID != a.UserID {
		return b, store.Forbidden()
	}
	now := s.S.Now()
	if !b.Status.CanCheckIn() {
		return b, easyjob.Errorf(easyjob.ECONFLICT, "equipment.cannot_check_in")
	}
	if !rules.CanCheckIn(b.Start, b.End, now) {
		return b, easyjob.Errorf(easyjob.ECONFLICT, "equipment.check_in_window", "from", Clock(b.Start.Add(-rules.CheckInEarly)),
			"to", Clock(b.Start.Add(rules.CheckInGrace)))
	}
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE equipment_bookings SET status = 'checked_in', checked_in_at = $1, updated_at = $1
			WHERE id = $2 AND status = 'confirmed'`, tx.At, id)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return easyjob.Errorf(easyjob.ECONFLICT, "equipment.cannot_check_in")
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO equipment_usage (booking_id, instrument_id, user_id, operator, project, start_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, id, b.InstrumentID, b.UserID, b.Borrower, b.Project, tx.At)
		return err
	})
	if err != nil {
		return b, store.Wrap(err, "equipment.CheckIn", "id", id)
	}
	return s.booking(ctx, id)
}

// Finish records the end of the use now (the borrower); the fee is the hours used, rounded
// up to the quarter hour, times the hourly fee.
func (s *Service) Finish(ctx context.Context, a easyjob.Actor, id int64) (Booking, error) {
	b, err := s.Booking(ctx, a, id)
	if err != nil {
		return b, err
	}
	if b.UserID != a.UserID {
		return b, store.Forbidden()
	}
	err = s.S.Tx(ctx, func(tx *store.Tx) error { return finishTx(ctx, tx, id, tx.At) })
	if err != nil {
		return b, store.Wrap(err, "equipment.Finish", "id", id)
	}
	return s.booking(ctx, id)
}

// finishTx closes a checked-in booking and its usage row at end (milliseconds).
func finishTx(ctx context.Context, tx *store.Tx, id, end int64) error {
	r, err := tx.ExecContext(ctx, `UPDATE equipment_bookings SET status = 'completed', updated_at = $1
		WHERE id = $2 AND status = 'checked_in'`, tx.At, id)
	if err != nil {
		return err
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return easyjob.Errorf(easyjob.ECONFLICT, "equipment.not_in_use")
	}
	var start int64
	var fee int
	if err := tx.QueryRowContext(ctx, `SELECT u.start_at, i.fee_per_hour FROM equipment_usage u
		JOIN equipment_instruments i ON i.id = u.instrument_id WHERE u.booking_id = $1`, id).Scan(&start, &fee); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE equipment_usage SET end_at = $1, fee = $2 WHERE booking_id = $3 AND end_at = 0`,
		end, UsageFee(start, end, fee), id)
	return err
}

// UsageFee is the fee of a use from start to end (milliseconds): the quarter hours begun
// times a quarter of the hourly fee, rounded to the yuan.
func UsageFee(start, end int64, perHour int) int {
	if end <= start {
		return 0
	}
	quarters := (end - start + 15*60*1000 - 1) / (15 * 60 * 1000)
	return int((quarters*int64(perHour) + 2) / 4)
}

// Cancel cancels a booking not yet started (the borrower); the slot is free again.
func (s *Service) Cancel(ctx context.Context, a easyjob.Actor, id int64) (Booking, error) {
	b, err := s.Booking(ctx, a, id)
	if err != nil {
		return b, err
	}
	if b.UserID != a.UserID {
		return b, store.Forbidden()
	}
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE equipment_bookings SET status = 'cancelled', holds = FALSE, updated_at = $1
			WHERE id = $2 AND status IN ('pending', 'confirmed') AND start_at > $1`, tx.At, id)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return easyjob.Errorf(easyjob.ECONFLICT, "equipment.cannot_cancel")
		}
		return nil
	})
	if err != nil {
		return b, store.Wrap(err, "equipment.Cancel", "id", id)
	}
	return s.booking(ctx, id)
}

// Released is what one run of Release did.
type Released struct {
	NoShows   int `json:"no_shows"`
	Lapsed    int `json:"lapsed"`
	Completed int `json:"completed"`
	Suspended int `json:"suspended"`
}

// Release is the queue's periodic work (equipment_release), at the store's clock: confirmed
// bookings not checked in within an hour of their start become no-shows and free their
// slot; pending bookings whose start has passed lapse; bookings in use whose end has passed
// complete, their usage closed at the booking's end. A borrower with three no-shows in 90
// days is suspended for 30 days from now (once: a suspension already running is not
// extended).
func (s *Service) Release(ctx context.Context, now time.Time) (Released, error) {
	var out Released
	at := easyjob.Millis(now)
	err := s.S.Tx(ctx, func(tx *store.Tx) error {
		out = Released{}
		users, err := store.Select(ctx, tx, func(r store.Scanner) (int64, error) {
			var id int64
			return id, r.Scan(&id)
		}, `UPDATE equipment_bookings SET status = 'no_show', holds = FALSE, updated_at = $1
			WHERE status = 'confirmed' AND start_at <= $2 RETURNING user_id`, at, at-rules.CheckInGrace.Milliseconds())
		if err != nil {
			return err
		}
		out.NoShows = len(users)
		r, err := tx.ExecContext(ctx, `UPDATE equipment_bookings SET status = 'lapsed', holds = FALSE, updated_at = $1
			WHERE status = 'pending' AND start_at <= $1`, at)
		if err != nil {
			return err
		}
		n, _ := r.RowsAffected()
		out.Lapsed = int(n)
		type ended struct{ id, end int64 }
		done, err := store.Select(ctx, tx, func(r store.Scanner) (ended, error) {
			var e ended
			return e, r.Scan(&e.id, &e.end)
		}, `SELECT id, end_at FROM equipment_bookings WHERE status = 'checked_in' AND end_at <= $1 ORDER BY id`, at)
		if err != nil {
			return err
		}
		for _, e := range done {
			if err := finishTx(ctx, tx, e.id, e.end); err != nil {
				return err
			}
		}
		out.Completed = len(done)
		seen := map[int64]bool{}
		for _, u := range users {
			if seen[u] {
				continue
			}
			seen[u] = true
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM equipment_bookings WHERE user_id = $1 AND status = 'no_show'
				AND start_at > $2`, u, at-rules.NoShowWindow.Milliseconds()).Scan(&n); err != nil {
				return err
			}
			if !rules.Suspends(n) {
				continue
			}
			r, err := tx.ExecContext(ctx, `UPDATE equipment_people SET suspended_until = $1 WHERE user_id = $2 AND suspended_until < $3`,
				at+rules.Suspension.Milliseconds(), u, at)
			if err != nil {
				return err
			}
			if n, _ := r.RowsAffected(); n > 0 {
				out.Suspended++
			}
		}
		return nil
	})
	return out, store.Wrap(err, "equipment.Release")
}
