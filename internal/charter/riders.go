package charter

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"sort"
	"time"

	"easyjob/internal/charter/planner"
	"easyjob/internal/easyjob"
	"easyjob/internal/region"
	"easyjob/internal/store"
)

// Riders (charter_travel): which accepted hires a charter carries, and on
// which day. A hire leaves on the departure day their start date calls
// for (DepartureDay); a hire who travels on their own has a row with
// own_since > 0 and is never a candidate. The row of an application is
// also the lock that a seat and the choice share: seatTx and SetOwnTravel
// both upsert it first, so on PostgreSQL the second waits for the first
// and then sees what it wrote; SQLite has one writer anyway.

// RoadKmh is a charter's average speed on the road, breaks included.
const RoadKmh = 60

// SameDayHours is the longest trip that leaves on the start date itself:
// leaving at 05:00, the riders are at work by 09:00.
const SameDayHours = 4

// DepartureDay is the day a hire starting work on start leaves, for a road
// trip of roadKm from the county to the site: the start date itself when
// the trip takes at most SameDayHours at RoadKmh; otherwise as many days
// before as the rest of the trip needs, in whole days of 24 hours (a day
// before for anything up to 28 hours). An unknown distance (negative or
// NaN) counts as far: the day before.
func DepartureDay(start easyjob.Date, roadKm float64) easyjob.Date {
	if !(roadKm >= 0) {
		return start.AddDays(-1)
	}
	hours := roadKm / RoadKmh
	if hours <= SameDayHours {
		return start
	}
	return start.AddDays(-int(math.Ceil((hours - SameDayHours) / 24)))
}

// roadKm is the road distance from a county's seat of government to a
// site, or -1 when either is unknown. The county seat stands for every
// pickup point of the county, so a rider's day is the same on every page.
func roadKm(county string, site planner.Point, ok bool) float64 {
	seat, _, found := region.Locate(county)
	if !ok || !found {
		return -1
	}
	return planner.DefaultRoadFactor.Km(planner.Point{Lat: seat.Lat, Lng: seat.Lng}, site)
}

// Rider is an accepted hire of a county waiting for a seat.
type Rider struct {
	ApplicationID int64        `json:"application_id"`
	SeekerID      int64        `json:"seeker_id"`
	Name          string       `json:"name"` // in full: only officers of the rider's county see it
	EmployerName  string       `json:"employer_name"`
	StartDate     easyjob.Date `json:"start_date"`
	DepartureDay  easyjob.Date `json:"departure_day"`
	OwnTravel     bool         `json:"own_travel,omitempty"`
}

// RiderDay is how many riders leave on a day.
type RiderDay struct {
	Day    easyjob.Date `json:"day"`
	Riders int          `json:"riders"`
}

// WaitingRiders is a county's accepted hires without a seat: counted by
// departure day (today and later), those whose day has passed (Overdue:
// no plan takes them, an officer adds them to a charter or they travel on
// their own) and those travelling on their own.
type WaitingRiders struct {
	County    string       `json:"county"`
	Today     easyjob.Date `json:"today"`
	Next      easyjob.Date `json:"next,omitzero"` // the first day with riders: the day to plan next
	Days      []RiderDay   `json:"days"`
	Riders    []Rider      `json:"riders"`
	Overdue   []Rider      `json:"overdue"`
	OwnTravel []Rider      `json:"own_travel"`
}

// Waiting lists the county's waiting riders for an officer of the county.
func (s *Service) Waiting(ctx context.Context, a easyjob.Actor, county string) (_ WaitingRiders, err error) {
	defer func() { err = store.Wrap(err, "charter.Waiting", "county", county) }()
	out := WaitingRiders{County: county, Today: s.S.Today(), Days: []RiderDay{}, Riders: []Rider{}, Overdue: []Rider{}, OwnTravel: []Rider{}}
	if !a.IsOfficer() {
		return out, store.Forbidden()
	}
	if d, ok := region.Lookup(county); !ok || d.Level != region.County {
		f := easyjob.Fields{}
		f.Add("county", "pickup.county_unknown")
		return out, f.Err()
	}
	if !a.Scope.County(county) {
		return out, store.Forbidden()
	}
	cs, err := s.riders(ctx, county, 0, true, 0)
	if err != nil {
		return out, err
	}
	count := map[easyjob.Date]int{}
	for _, c := range cs {
		r := Rider{ApplicationID: c.app, SeekerID: c.seeker.ID, Name: c.seeker.Name, EmployerName: c.empName,
			StartDate: c.start, DepartureDay: c.day, OwnTravel: c.own}
		switch {
		case c.own:
			out.OwnTravel = append(out.OwnTravel, r)
		case c.day.Before(out.Today):
			out.Overdue = append(out.Overdue, r)
		default:
			out.Riders = append(out.Riders, r)
			count[c.day]++
		}
	}
	for d, n := range count {
		out.Days = append(out.Days, RiderDay{Day: d, Riders: n})
	}
	sort.Slice(out.Days, func(i, j int) bool { return out.Days[i].Day.Before(out.Days[j].Day) })
	sort.SliceStable(out.Riders, func(i, j int) bool { return out.Riders[i].DepartureDay.Before(out.Riders[j].DepartureDay) })
	if len(out.Days) > 0 {
		out.Next = out.Days[0].Day
	}
	return out, nil
}

// Travel is a hire's travel choice, as the seeker's offer card shows it.
type Travel struct {
	ApplicationID int64        `json:"application_id"`
	OwnTravel     bool         `json:"own_travel"`
	Since         time.Time    `json:"since,omitzero"`
	Seated        bool         `json:"seated"` // an assigned or boarded seat
	DepartureDay  easyjob.Date `json:"departure_day,omitzero"`
}

// travelApp reads an accepted application the actor may speak for: the
// seeker themself, or an officer of the seeker's county.
func (s *Service) travelApp(ctx context.Context, a easyjob.Actor, appID int64) (int64, error) {
	var seeker int64
	var county, state string
	err := s.S.DB.R.QueryRowContext(ctx, `SELECT a.seeker_id, s.home_county, a.state FROM applications a
		JOIN seekers s ON s.id = a.seeker_id WHERE a.id = $1`, appID).Scan(&seeker, &county, &state)
	if err != nil {
		return 0, store.NotFound(err, "application")
	}
	switch {
	case a.Role == easyjob.RoleSeeker && a.SeekerID == seeker:
	case a.IsOfficer() && a.Scope.County(county):
	default:
		return 0, easyjob.NotFound("application")
	}
	if state != string(easyjob.StateAccepted) {
		return 0, easyjob.Errorf(easyjob.ECONFLICT, "travel.not_accepted")
	}
	return seeker, nil
}

// TravelOf is an accepted application's travel choice.
func (s *Service) TravelOf(ctx context.Context, a easyjob.Actor, appID int64) (_ Travel, err error) {
	defer func() { err = store.Wrap(err, "charter.TravelOf", "application", appID) }()
	if _, err := s.travelApp(ctx, a, appID); err != nil {
		return Travel{}, err
	}
	return s.travel(ctx, appID)
}

// departureDay is an application's departure day (zero when seated).
func (s *Service) departureDay(ctx context.Context, appID int64) (easyjob.Date, error) {
	var county string
	if err := s.S.DB.R.QueryRowContext(ctx, `SELECT s.home_county FROM applications a JOIN seekers s ON s.id = a.seeker_id
		WHERE a.id = $1`, appID).Scan(&county); err != nil {
		return easyjob.Date{}, err
	}
	cs, err := s.riders(ctx, county, 0, true, appID)
	if err != nil || len(cs) == 0 {
		return easyjob.Date{}, err
	}
	return cs[0].day, nil
}

func (s *Service) travel(ctx context.Context, appID int64) (Travel, error) {
	t := Travel{ApplicationID: appID}
	var since int64
	err := s.S.DB.R.QueryRowContext(ctx, `SELECT COALESCE((SELECT own_since FROM charter_travel WHERE application_id = $1), 0),
		(SELECT COUNT(*) FROM charter_seats WHERE application_id = $1 AND status IN ('assigned', 'boarded'))`, appID).Scan(&since, &t.Seated)
	t.OwnTravel = since > 0
	if t.OwnTravel {
		t.Since = easyjob.FromMillis(since)
	}
	if err != nil {
		return t, err
	}
	t.DepartureDay, err = s.departureDay(ctx, appID)
	return t, err
}

// lockTravelTx takes the lock of an application's travel row (creating it
// as "by charter") and answers whether the hire travels on their own.
func lockTravelTx(ctx context.Context, tx *store.Tx, appID, seekerID int64) (bool, error) {
	var since int64
	err := tx.QueryRowContext(ctx, `INSERT INTO charter_travel (application_id, seeker_id, own_since, set_by, at) VALUES ($1, $2, 0, 0, $3)
		ON CONFLICT (application_id) DO UPDATE SET own_since = charter_travel.own_since RETURNING own_since`, appID, seekerID, tx.At).Scan(&since)
	return since > 0, err
}

// SetOwnTravel records that a hire travels on their own (own true) or
// needs a seat again (own false): the seeker, or an officer of the
// seeker's county. Saying "on my own" gives up an assigned seat in the
// same transaction (the seat is cancelled and its place freed); a rider
// who has boarded cannot say it. Undoing is refused while a seat is held.
func (s *Service) SetOwnTravel(ctx context.Context, a easyjob.Actor, appID int64, own bool) (_ Travel, err error) {
	defer func() { err = store.Wrap(err, "charter.SetOwnTravel", "application", appID) }()
	seeker, err := s.travelApp(ctx, a, appID)
	if err != nil {
		return Travel{}, err
	}
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		was, err := lockTravelTx(ctx, tx, appID, seeker)
		if err != nil || was == own {
			return err // nothing to change
		}
		var seatID, cid int64
		var status string
		err = tx.QueryRowContext(ctx, `SELECT id, charter_id, status FROM charter_seats
			WHERE application_id = $1 AND status IN ('assigned', 'boarded')`, appID).Scan(&seatID, &cid, &status)
		seated := err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		switch {
		case seated && SeatStatus(status).Boarded():
			return easyjob.Errorf(easyjob.ECONFLICT, "travel.boarded")
		case seated && !own:
			return easyjob.Errorf(easyjob.ECONFLICT, "travel.seated")
		case seated:
			res, err := tx.ExecContext(ctx, `UPDATE charter_seats SET status = 'cancelled' WHERE id = $1 AND status = 'assigned'`, seatID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 { // moved or boarded meanwhile
				return easyjob.Errorf(easyjob.ECONFLICT, "travel.changed")
			}
			if _, err := tx.ExecContext(ctx, `UPDATE charters SET taken = taken - 1 WHERE id = $1`, cid); err != nil {
				return err
			}
		}
		var since int64
		if own {
			since = tx.At
		}
		_, err = tx.ExecContext(ctx, `UPDATE charter_travel SET own_since = $1, set_by = $2, at = $3 WHERE application_id = $4`,
			since, a.UserID, tx.At, appID)
		return err
	})
	if err != nil {
		return Travel{}, err
	}
	return s.travel(ctx, appID)
}
