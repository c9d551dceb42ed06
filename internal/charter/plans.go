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
	"easyjob/internal/epidemic"
	"easyjob/internal/ident"
	"easyjob/internal/region"
	"easyjob/internal/store"
)

// Plans (plans, charters, charter_stops, charter_seats): the health gate,
// previews and confirmed plans. The planning itself is planner.MakePlan;
// this file reads its input and writes its output in one transaction.

// PlanRequest asks for a day's charters from one pickup point.
type PlanRequest struct {
	Date          easyjob.Date `json:"date"`
	PickupPointID int64        `json:"pickup_point_id"`
	DepartTime    string       `json:"depart_time"` // HH:MM in Shanghai; 08:00 when empty
	Seats         int          `json:"seats"`       // seats per bus for riders
	LoadFactor    float64      `json:"load_factor"` // 0.5 when 0
	MaxStops      int          `json:"max_stops"`   // drop-off stops per bus; 0 = no limit
	RoadFactor    float64      `json:"road_factor"` // planner.DefaultRoadFactor when 0
	HealthHours   int          `json:"health_hours"`
}

// GateFailure is a rider who may not ride, with the reason (a message key).
type GateFailure struct {
	ApplicationID int64  `json:"application_id"`
	SeekerID      int64  `json:"seeker_id"`
	Name          string `json:"name"` // in full: only officers of the rider's county plan
	County        string `json:"county"`
	Reason        string `json:"reason"`
	Message       string `json:"message,omitempty"`
}

// PlanView is a plan: previewed (ID 0) or confirmed.
type PlanView struct {
	ID           int64         `json:"id"`
	Request      PlanRequest   `json:"request"`
	Pickup       PickupPoint   `json:"pickup"`
	DepartAt     time.Time     `json:"depart_at"`
	Allowed      int           `json:"allowed"` // riders per bus
	Riders       int           `json:"riders"`
	Km           float64       `json:"km"`
	Charters     []CharterView `json:"charters"`
	GateFailures []GateFailure `json:"gate_failures"`
	Unplanned    []GateFailure `json:"unplanned"` // passed the gate but could not be planned (e.g. no site point)
	// Late are the county's riders whose departure day is before the
	// plan's date (their start date is past or too close): no plan of
	// this date takes them; an officer adds them to a charter, or they
	// travel on their own.
	Late  []Rider    `json:"late"`
	Moves []PlanMove `json:"moves,omitempty"`
}

// PlanMove tells that a rider changed charter on a replan.
type PlanMove struct {
	ApplicationID int64  `json:"application_id"`
	Name          string `json:"name"`
	From          int    `json:"from_number"`
	To            int    `json:"to_number"`
}

// candidate is an accepted application that may need a seat.
type candidate struct {
	app        int64
	seeker     easyjob.Seeker
	employer   int64
	posting    int64 // the posting whose own site the rider rides to; 0 for the employer's
	site       int64 // the planner's site: the employer, or -posting for a posting's own site
	empName    string
	start      easyjob.Date // the offer's start date (the posting's when the offer has none)
	day        easyjob.Date // the departure day (DepartureDay)
	own        bool         // travels on their own
	kept       bool         // seated on the plan being replanned
	district   string
	point      planner.Point
	hasPoint   bool
	passed     bool
	failReason string
}

func (req *PlanRequest) defaults() {
	if req.LoadFactor == 0 {
		req.LoadFactor = planner.DefaultLoadFactor
	}
	if req.RoadFactor == 0 {
		req.RoadFactor = float64(planner.DefaultRoadFactor)
	}
	if req.DepartTime == "" {
		req.DepartTime = "08:00"
	}
	if req.HealthHours == 0 {
		req.HealthHours = DefaultHealthHours
	}
}

// validate checks the request against today and returns the departure time.
func (req PlanRequest) validate(today easyjob.Date) (time.Time, error) {
	f := easyjob.Fields{}
	var at time.Time
	if req.Date.IsZero() {
		f.Add("date", "field.required")
	} else if req.Date.Before(today) {
		f.Add("date", "field.date_past")
	}
	hm, err := time.Parse("15:04", req.DepartTime)
	if err != nil {
		f.Add("depart_time", "plan.depart_time")
	} else if !req.Date.IsZero() {
		d := req.Date.Time()
		at = time.Date(d.Year(), d.Month(), d.Day(), hm.Hour(), hm.Minute(), 0, 0, easyjob.Shanghai).UTC()
	}
	if req.PickupPointID <= 0 {
		f.Add("pickup_point_id", "field.required")
	}
	switch {
	case req.Seats <= 0:
		f.Add("seats", "plan.seats_positive")
	case req.Seats > 80:
		f.Add("seats", "plan.seats_max", "max", 80)
	case req.LoadFactor > 0 && req.LoadFactor <= 1 && (planner.Bus{Seats: req.Seats, LoadFactor: req.LoadFactor}).Allowed() < 1:
		f.Add("seats", "plan.no_allowed_seats")
	}
	if !(req.LoadFactor > 0 && req.LoadFactor <= 1) || math.IsNaN(req.LoadFactor) {
		f.Add("load_factor", "plan.load_factor")
	}
	if req.MaxStops < 0 || req.MaxStops > 20 {
		f.Add("max_stops", "plan.max_stops")
	}
	if !(req.RoadFactor >= 1 && req.RoadFactor <= 3) {
		f.Add("road_factor", "plan.road_factor")
	}
	if req.HealthHours < 1 || req.HealthHours > 14*24 {
		f.Add("health_hours", "plan.health_hours")
	}
	return at, f.Err()
}

// riders reads the accepted applications of a county without an active
// seat (or with one on a charter of plan keepPlan), with their start date,
// departure day and site: the posting's own site, else the employer's,
// else the centre of its street or district. Hires travelling on their own
// are left out unless withOwn; only > 0 reads that application alone.
func (s *Service) riders(ctx context.Context, county string, keepPlan int64, withOwn bool, only int64) ([]candidate, error) {
	own := ` AND NOT EXISTS (SELECT 1 FROM charter_travel t WHERE t.application_id = a.id AND t.own_since > 0)`
	if withOwn {
		own = ``
	}
	rows, err := s.S.DB.R.QueryContext(ctx, `SELECT a.id, p.employer_id, e.name, e.district, e.street, p.id, p.district, ps.lat, ps.lng, ep.lat, ep.lng,
		COALESCE(a.offer_start, p.start_date),
		COALESCE((SELECT t.own_since FROM charter_travel t WHERE t.application_id = a.id), 0),
		(SELECT COUNT(*) FROM charter_seats cs JOIN charters c ON c.id = cs.charter_id
			WHERE cs.application_id = a.id AND cs.status IN ('assigned', 'boarded') AND c.plan_id = $2), `+store.SeekerColumns+`
		FROM applications a JOIN postings p ON p.id = a.posting_id JOIN employers e ON e.id = p.employer_id
		JOIN seekers s ON s.id = a.seeker_id LEFT JOIN employer_points ep ON ep.employer_id = e.id
		LEFT JOIN posting_sites ps ON ps.posting_id = p.id
		WHERE a.state = 'accepted' AND s.home_county = $1 AND NOT EXISTS (SELECT 1 FROM charter_seats cs
			JOIN charters c ON c.id = cs.charter_id
			WHERE cs.application_id = a.id AND cs.status IN ('assigned', 'boarded') AND c.plan_id <> $2)`+own+`
		AND ($3 = 0 OR a.id = $3) ORDER BY a.id`, county, keepPlan, only)
	return store.Collect(rows, err, func(row store.Scanner) (candidate, error) {
		var c candidate
		var street, postDistrict string
		var posting, since int64
		var pLat, pLng, eLat, eLng sql.NullFloat64
		var kept int
		dest := []any{&c.app, &c.employer, &c.empName, &c.district, &street, &posting, &postDistrict, &pLat, &pLng, &eLat, &eLng, &c.start, &since, &kept}
		k, err := s.S.ScanSeeker(store.ScanFunc(func(v ...any) error { return row.Scan(append(dest, v...)...) }))
		if err != nil {
			return c, err
		}
		c.seeker, c.own, c.kept, c.site = k, since > 0, kept > 0, c.employer
		switch {
		case pLat.Valid && pLng.Valid:
			c.point, c.hasPoint, c.posting, c.site = planner.Point{Lat: pLat.Float64, Lng: pLng.Float64}, true, posting, -posting
			if postDistrict != "" {
				c.district = postDistrict
			}
		case eLat.Valid && eLng.Valid:
			c.point, c.hasPoint = planner.Point{Lat: eLat.Float64, Lng: eLng.Float64}, true
		default:
			code := street
			if code == "" {
				code = c.district
			}
			if p, _, ok := region.Locate(code); ok {
				c.point, c.hasPoint = planner.Point{Lat: p.Lat, Lng: p.Lng}, true
			}
		}
		c.day = DepartureDay(c.start, roadKm(county, c.point, c.hasPoint))
		return c, nil
	})
}

// candidates is riders (without those travelling on their own) with the
// health gate applied at departure time departAt.
func (s *Service) candidates(ctx context.Context, county string, departAt time.Time, healthHours int, keepPlan int64) ([]candidate, error) {
	out, err := s.riders(ctx, county, keepPlan, false, 0)
	if err != nil {
		return nil, err
	}
	risk, err := s.Risk.RiskOf(ctx, county)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].failReason = gate(out[i].seeker, risk.Level, departAt, healthHours)
		out[i].passed = out[i].failReason == ""
	}
	return out, nil
}

// gate is the health gate: green, reported (or confirmed) by an officer
// within the window before departure, from a county not at high risk; a
// seeker's own report waits for an officer's confirmation. It returns the failure's
// message key, or "".
func gate(k easyjob.Seeker, risk epidemic.Level, departAt time.Time, hours int) string {
	switch {
	case risk.High():
		return "gate.county_high_risk"
	case k.Health == "" || k.HealthAt.IsZero():
		return "gate.health_missing"
	case k.Health != easyjob.HealthGreen:
		return "gate.health_not_green"
	case k.HealthBy == easyjob.HealthBySelf:
		return "gate.health_self_reported"
	case k.HealthAt.Before(departAt.Add(-time.Duration(hours) * time.Hour)):
		return "gate.health_stale"
	}
	return ""
}

// noRiders is the error of a plan with nobody to carry.
func noRiders(v PlanView) error {
	return easyjob.Errorf(easyjob.EINVALID, "plan.no_riders", "pickup", v.Pickup.Name, "failed", len(v.GateFailures))
}

// plan computes a plan without writing anything. The returned view has the
// gate failures even when err says there is nothing to plan.
func (s *Service) plan(ctx context.Context, a easyjob.Actor, req PlanRequest, keepPlan int64, prev []planner.Charter,
	notified map[int64]bool) (PlanView, planner.Plan, map[int64]candidate, error) {
	req.defaults()
	v := PlanView{Request: req, Charters: []CharterView{}, GateFailures: []GateFailure{}, Unplanned: []GateFailure{}, Late: []Rider{}}
	if !a.IsOfficer() {
		return v, planner.Plan{}, nil, store.Forbidden()
	}
	departAt, err := req.validate(s.S.Today())
	if err != nil {
		return v, planner.Plan{}, nil, err
	}
	pk, err := s.pickupPoint(ctx, req.PickupPointID)
	if err != nil {
		if easyjob.ErrorCode(err) == easyjob.ENOTFOUND {
			f := easyjob.Fields{}
			f.Add("pickup_point_id", "plan.pickup_unknown")
			return v, planner.Plan{}, nil, f.Err()
		}
		return v, planner.Plan{}, nil, err
	}
	if !a.Scope.County(pk.County) {
		return v, planner.Plan{}, nil, store.Forbidden()
	}
	if pk.Retired && keepPlan == 0 {
		f := easyjob.Fields{}
		f.Add("pickup_point_id", "plan.pickup_retired", "name", pk.Name)
		return v, planner.Plan{}, nil, f.Err()
	}
	v.Pickup, v.DepartAt = pk, departAt
	bus := planner.Bus{Seats: req.Seats, LoadFactor: req.LoadFactor}
	v.Allowed = bus.Allowed()
	if !pk.HasPoint() {
		f := easyjob.Fields{}
		f.Add("pickup_point_id", "plan.pickup_no_point", "name", pk.Name)
		return v, planner.Plan{}, nil, f.Err()
	}
	cands, err := s.candidates(ctx, pk.County, departAt, req.HealthHours, keepPlan)
	if err != nil {
		return v, planner.Plan{}, nil, err
	}
	byApp := map[int64]candidate{}
	var riders []planner.Rider
	for _, c := range cands {
		switch {
		case c.kept || c.day == req.Date:
		case c.day.Before(req.Date):
			v.Late = append(v.Late, Rider{ApplicationID: c.app, SeekerID: c.seeker.ID, Name: c.seeker.Name, EmployerName: c.empName,
				StartDate: c.start, DepartureDay: c.day})
			continue
		default:
			continue // a later day's rider
		}
		byApp[c.app] = c
		if !c.passed {
			v.GateFailures = append(v.GateFailures, GateFailure{ApplicationID: c.app, SeekerID: c.seeker.ID,
				Name: c.seeker.Name, County: c.seeker.HomeCounty, Reason: c.failReason})
			continue
		}
		r := planner.Rider{ID: c.app, Seeker: c.seeker.ID, Group: c.seeker.Group, Pickup: pk.ID, Site: c.site}
		if c.hasPoint {
			r.At = c.point
		}
		riders = append(riders, r)
	}
	if len(riders) == 0 && len(prev) == 0 {
		return v, planner.Plan{}, byApp, noRiders(v)
	}
	// Only riders still eligible stay on a replanned charter.
	var keep []planner.Charter
	for _, c := range prev {
		var seats []planner.Seat
		for _, st := range c.Seats {
			if cd, ok := byApp[st.Rider]; ok && cd.passed {
				seats = append(seats, st)
			}
		}
		c.Seats = seats
		keep = append(keep, c)
	}
	cp, err := planner.MakePlan(ctx, planner.PlanInput{
		Pickups: map[int64]planner.Point{pk.ID: pk.point()}, Riders: riders, Bus: bus, MaxStops: req.MaxStops,
		Distance: planner.RoadFactor(req.RoadFactor), Previous: keep, Notified: notified,
		Seed: planSeed, MaxIterations: planIterations, TimeLimit: 20 * time.Second,
	})
	if errors.Is(err, planner.ErrNoRiders) {
		return v, cp, byApp, noRiders(v)
	}
	if err != nil {
		return v, cp, byApp, err
	}
	for _, u := range cp.Unassigned {
		c := byApp[u.Rider]
		v.Unplanned = append(v.Unplanned, GateFailure{ApplicationID: c.app, SeekerID: c.seeker.ID,
			Name: c.seeker.Name, County: c.seeker.HomeCounty, Reason: u.Reason})
	}
	for i, c := range cp.Charters {
		cv := CharterView{Number: i + 1, Pickup: pk, DepartAt: departAt, Km: c.Km, Seats: req.Seats, Allowed: v.Allowed,
			Taken: c.Load(), Status: Planned, Riders: []ManifestRow{}}
		for si, st := range c.Stops {
			n := 0
			for _, seat := range c.Seats {
				if seat.Stop == si {
					n++
				}
			}
			cd := firstAt(byApp, c, si)
			cv.Stops = append(cv.Stops, StopView{Seq: si + 1, EmployerID: cd.employer, PostingID: cd.posting, EmployerName: cd.empName,
				District: cd.district, Lat: st.At.Lat, Lng: st.At.Lng, Riders: n})
		}
		for _, seat := range c.Seats {
			cd := byApp[seat.Rider]
			cv.Riders = append(cv.Riders, ManifestRow{SeatNo: seat.No, ApplicationID: cd.app, SeekerID: cd.seeker.ID,
				Name: cd.seeker.Name, IDNumber: ident.MaskID(cd.seeker.IDNumber), Phone: ident.MaskPhone(cd.seeker.Phone),
				Group: cd.seeker.Group, StopSeq: seat.Stop + 1, EmployerName: cd.empName, Status: SeatAssigned})
		}
		sort.Slice(cv.Riders, func(i, j int) bool { return cv.Riders[i].SeatNo < cv.Riders[j].SeatNo })
		v.Riders += c.Load()
		v.Km += c.Km
		v.Charters = append(v.Charters, cv)
	}
	v.Km = math.Round(v.Km*10) / 10
	return v, cp, byApp, nil
}

func firstAt(byApp map[int64]candidate, c planner.Charter, stop int) candidate {
	for _, seat := range c.Seats {
		if seat.Stop == stop {
			return byApp[seat.Rider]
		}
	}
	return candidate{}
}

// PreviewPlan plans a day's charters from a pickup point without writing
// anything. On "no riders" the returned view still lists who failed the
// gate and why.
func (s *Service) PreviewPlan(ctx context.Context, a easyjob.Actor, req PlanRequest) (PlanView, error) {
	v, _, _, err := s.plan(ctx, a, req, 0, nil, nil)
	return v, store.Wrap(err, "charter.PreviewPlan", "pickup", req.PickupPointID, "date", req.Date)
}

// ConfirmPlan plans as PreviewPlan does and writes the plan, its charters,
// stops and seats in one transaction, with a message to every rider in the
// outbox. Nothing is written when any step fails.
func (s *Service) ConfirmPlan(ctx context.Context, a easyjob.Actor, req PlanRequest) (_ PlanView, err error) {
	defer func() { err = store.Wrap(err, "charter.ConfirmPlan", "pickup", req.PickupPointID, "date", req.Date) }()
	v, cp, byApp, err := s.plan(ctx, a, req, 0, nil, nil)
	if err != nil {
		return v, err
	}
	if len(cp.Charters) == 0 {
		return v, noRiders(v)
	}
	req = v.Request
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO plans (day, pickup_point_id, depart_at, seats, load_factor, max_stops, road_factor,
			status, created_by, created_at, health_hours) VALUES ($1, $2, $3, $4, $5, $6, $7, 'confirmed', $8, $9, $10) RETURNING id`,
			req.Date, req.PickupPointID, easyjob.Millis(v.DepartAt), req.Seats, req.LoadFactor, req.MaxStops, req.RoadFactor,
			a.UserID, tx.At, req.HealthHours).Scan(&v.ID)
		if err != nil {
			return err
		}
		for i, c := range cp.Charters {
			cid, err := insertCharterTx(ctx, tx, v.ID, i+1, v, c)
			if err != nil {
				return err
			}
			v.Charters[i].ID, v.Charters[i].PlanID = cid, v.ID
			for _, seat := range c.Seats {
				cd := byApp[seat.Rider]
				if _, err := seatTx(ctx, tx, cid, cd.app, cd.seeker.ID, seat.No, seat.Stop+1); err != nil {
					return err
				}
				if err := s.notifySeatTx(ctx, tx, cd.seeker.Phone, i+1, seat.No, v.DepartAt, v.Pickup.Name); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `UPDATE charter_seats SET notified_at = $1 WHERE charter_id = $2`, tx.At, cid); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		v.ID = 0
		if _, ok := store.UniqueViolation(err); ok {
			return v, easyjob.Errorf(easyjob.ECONFLICT, "plan.changed")
		}
		return v, err
	}
	return v, nil
}

func insertCharterTx(ctx context.Context, tx *store.Tx, planID int64, number int, v PlanView, c planner.Charter) (int64, error) {
	var cid int64
	err := tx.QueryRowContext(ctx, `INSERT INTO charters (plan_id, number, pickup_point_id, depart_at, km, seats, allowed, taken, status)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 'planned') RETURNING id`,
		planID, number, v.Pickup.ID, easyjob.Millis(v.DepartAt), c.Km, v.Request.Seats, v.Allowed).Scan(&cid)
	if err != nil {
		return 0, err
	}
	return cid, writeStopsTx(ctx, tx, cid, c)
}

// writeStopsTx replaces a charter's stops with c's.
func writeStopsTx(ctx context.Context, tx *store.Tx, cid int64, c planner.Charter) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM charter_stops WHERE charter_id = $1`, cid); err != nil {
		return err
	}
	for si, st := range c.Stops {
		var district string
		employer, posting := st.Site, int64(0)
		if st.Site < 0 { // a posting's own site
			posting = -st.Site
			if err := tx.QueryRowContext(ctx, `SELECT employer_id, district FROM postings WHERE id = $1`, posting).Scan(&employer, &district); err != nil {
				return err
			}
		} else if err := tx.QueryRowContext(ctx, `SELECT district FROM employers WHERE id = $1`, st.Site).Scan(&district); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO charter_stops (charter_id, seq, employer_id, posting_id, district, lat, lng)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, cid, si+1, employer, posting, district, st.At.Lat, st.At.Lng); err != nil {
			return err
		}
	}
	return nil
}

// Plan returns a confirmed plan with its charters.
func (s *Service) Plan(ctx context.Context, a easyjob.Actor, id int64) (_ PlanView, err error) {
	defer func() { err = store.Wrap(err, "charter.Plan", "plan", id) }()
	var v PlanView
	var at int64
	err = s.S.DB.R.QueryRowContext(ctx, `SELECT id, day, pickup_point_id, depart_at, seats, load_factor, max_stops, road_factor,
		health_hours FROM plans WHERE id = $1`, id).Scan(&v.ID, &v.Request.Date, &v.Request.PickupPointID, &at, &v.Request.Seats,
		&v.Request.LoadFactor, &v.Request.MaxStops, &v.Request.RoadFactor, &v.Request.HealthHours)
	if err != nil {
		return v, store.NotFound(err, "plan")
	}
	v.DepartAt = easyjob.FromMillis(at)
	v.Request.DepartTime = v.DepartAt.In(easyjob.Shanghai).Format("15:04")
	if v.Pickup, err = s.pickupPoint(ctx, v.Request.PickupPointID); err != nil {
		return v, err
	}
	if !a.IsOfficer() || !a.Scope.County(v.Pickup.County) {
		cs, err := s.charterList(ctx, a, CharterFilter{PlanID: id}, 0, 0)
		if err != nil || len(cs) == 0 {
			return PlanView{}, easyjob.NotFound("plan")
		}
	}
	v.Allowed = planner.Bus{Seats: v.Request.Seats, LoadFactor: v.Request.LoadFactor}.Allowed()
	v.Charters, err = s.charterList(ctx, a, CharterFilter{PlanID: id}, 0, 0)
	if err != nil {
		return v, err
	}
	v.GateFailures, v.Unplanned, v.Late = []GateFailure{}, []GateFailure{}, []Rider{}
	for _, c := range v.Charters {
		v.Riders += c.Taken
		v.Km += c.Km
	}
	v.Km = math.Round(v.Km*10) / 10
	return v, nil
}
