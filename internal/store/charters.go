package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"easyjob/internal/charter/planner"
	"easyjob/internal/easyjob"
	"easyjob/internal/ident"
	"easyjob/internal/region"
)

// Charters: pickup points, county risk, the health gate, plans, manifests,
// boarding, departure and arrival. The planning itself is planner.MakePlan;
// this file reads its input from the database and writes its output in one
// transaction. A charter's seats are counted in charters.taken, which only
// a conditional update raises (taken < allowed).

// Risk levels of a county.
const (
	RiskLow    = "low"
	RiskMedium = "medium"
	RiskHigh   = "high"
)

// Seat statuses.
const (
	SeatAssigned  = "assigned"
	SeatBoarded   = "boarded"
	SeatNoShow    = "no_show"
	SeatCancelled = "cancelled"
)

// Charter statuses.
const (
	CharterPlanned   = "planned"
	CharterBoarding  = "boarding"
	CharterDeparted  = "departed"
	CharterArrived   = "arrived"
	CharterCancelled = "cancelled"
)

// DefaultHealthHours is how recent a green health status must be, before
// departure, for a seeker to ride.
const DefaultHealthHours = 48

// planSeed and planIterations make a plan depend only on its input, so the
// preview an officer saw is the plan confirmed.
const (
	planSeed       = 2020
	planIterations = 3000
)

// PickupPoint is where riders of a county board.
type PickupPoint struct {
	ID         int64    `json:"id"`
	County     string   `json:"county"`
	CountyName string   `json:"county_name"`
	Name       string   `json:"name"`
	Address    string   `json:"address"`
	Lat        *float64 `json:"lat"`
	Lng        *float64 `json:"lng"`
}

// HasPoint tells whether the pickup point has coordinates.
func (p PickupPoint) HasPoint() bool { return p.Lat != nil && p.Lng != nil }

// PointText is the coordinates as "lat, lng", or "" without them.
func (p PickupPoint) PointText() string {
	if !p.HasPoint() {
		return ""
	}
	return fmt.Sprintf("%.5f, %.5f", *p.Lat, *p.Lng)
}

func (p PickupPoint) point() planner.Point {
	if !p.HasPoint() {
		return planner.Point{}
	}
	return planner.Point{Lat: *p.Lat, Lng: *p.Lng}
}

// PickupPointInput creates a pickup point. With no coordinates and
// CountySeat set, the county's seat of government is used.
type PickupPointInput struct {
	County     string   `json:"county"`
	Name       string   `json:"name"`
	Address    string   `json:"address"`
	Lat        *float64 `json:"lat"`
	Lng        *float64 `json:"lng"`
	CountySeat bool     `json:"county_seat"`
}

func isOfficer(a easyjob.Actor) bool {
	return a.IsOfficer()
}

// CountySeatPoint is the default pickup point of a county: its seat of
// government, with a name.
func CountySeatPoint(county string) PickupPointInput {
	in := PickupPointInput{County: county, Name: region.Name(county) + "人民政府", CountySeat: true}
	if p, _, ok := region.Locate(county); ok {
		in.Lat, in.Lng = &p.Lat, &p.Lng
	}
	return in
}

// AddPickupPoint records a pickup point in a county of the officer's region.
func (s *Store) AddPickupPoint(ctx context.Context, a easyjob.Actor, in PickupPointInput) (PickupPoint, error) {
	if !a.IsOfficer() {
		return PickupPoint{}, Forbidden()
	}
	in.Name, in.Address, in.County = strings.TrimSpace(in.Name), strings.TrimSpace(in.Address), strings.TrimSpace(in.County)
	if in.County == "" && len(a.Region) == 6 {
		in.County = a.Region
	}
	f := easyjob.Fields{}
	d, ok := region.Lookup(in.County)
	switch {
	case in.County == "":
		f.Add("county", "field.required")
	case !ok || d.Level != region.County:
		f.Add("county", "pickup.county_unknown")
	case !a.Scope.County(d.Code):
		f.Add("county", "seeker.out_of_region")
	}
	if ok {
		in.County = d.Code
	}
	if in.Name == "" {
		f.Add("name", "field.required")
	} else if len([]rune(in.Name)) > 100 {
		f.Add("name", "field.too_long", "max", 100)
	}
	if (in.Lat == nil) != (in.Lng == nil) {
		f.Add("lat", "pickup.point_half")
	}
	if in.Lat == nil && in.Lng == nil && in.CountySeat && ok {
		if p, _, found := region.Locate(in.County); found {
			in.Lat, in.Lng = &p.Lat, &p.Lng
		}
	}
	if in.Lat != nil && in.Lng != nil && (*in.Lat < 3 || *in.Lat > 54 || *in.Lng < 73 || *in.Lng > 136) {
		f.Add("lat", "pickup.point_outside")
	}
	if err := f.Err(); err != nil {
		return PickupPoint{}, err
	}
	var id int64
	err := s.DB.W.QueryRowContext(ctx, `INSERT INTO pickup_points (county, name, address, lat, lng, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, in.County, in.Name, in.Address, in.Lat, in.Lng, a.UserID, s.now()).Scan(&id)
	if err != nil {
		return PickupPoint{}, err
	}
	return s.pickupPoint(ctx, id)
}

const pickupCols = `id, county, name, address, lat, lng`

func scanPickup(row interface{ Scan(...any) error }) (PickupPoint, error) {
	var p PickupPoint
	var lat, lng sql.NullFloat64
	err := row.Scan(&p.ID, &p.County, &p.Name, &p.Address, &lat, &lng)
	if lat.Valid && lng.Valid {
		p.Lat, p.Lng = &lat.Float64, &lng.Float64
	}
	p.CountyName = region.FullName(p.County)
	return p, err
}

func (s *Store) pickupPoint(ctx context.Context, id int64) (PickupPoint, error) {
	p, err := scanPickup(s.DB.R.QueryRowContext(ctx, `SELECT `+pickupCols+` FROM pickup_points WHERE id = $1`, id))
	return p, NotFound(err, "pickup_point")
}

// PickupPoints lists the pickup points of the officer's counties.
func (s *Store) PickupPoints(ctx context.Context, a easyjob.Actor) ([]PickupPoint, error) {
	if !a.IsOfficer() {
		return nil, Forbidden()
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+pickupCols+` FROM pickup_points ORDER BY county, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []PickupPoint{}
	for rows.Next() {
		p, err := scanPickup(rows)
		if err != nil {
			return nil, err
		}
		if a.Scope.County(p.County) {
			out = append(out, p)
		}
	}
	return out, rows.Err()
}

// CountyRisk is a county's risk level as last set.
type CountyRisk struct {
	County string    `json:"county"`
	Level  string    `json:"level"`
	SetBy  int64     `json:"set_by"`
	At     time.Time `json:"at,omitzero"`
}

// SetCountyRisk records a county's risk level now (officers of the county,
// or of the district it is twinned with, or the city).
func (s *Store) SetCountyRisk(ctx context.Context, a easyjob.Actor, county, level string) (CountyRisk, error) {
	if !a.IsOfficer() {
		return CountyRisk{}, Forbidden()
	}
	f := easyjob.Fields{}
	d, ok := region.Lookup(county)
	if !ok || d.Level != region.County {
		f.Add("county", "pickup.county_unknown")
	} else if !a.Scope.County(d.Code) {
		f.Add("county", "seeker.out_of_region")
	}
	switch level {
	case RiskLow, RiskMedium, RiskHigh:
	default:
		f.Add("level", "field.risk_level")
	}
	if err := f.Err(); err != nil {
		return CountyRisk{}, err
	}
	now := s.now()
	if _, err := s.DB.W.ExecContext(ctx, `INSERT INTO county_risk (county, level, set_by, at) VALUES ($1, $2, $3, $4)`,
		d.Code, level, a.UserID, now); err != nil {
		return CountyRisk{}, err
	}
	return CountyRisk{County: d.Code, Level: level, SetBy: a.UserID, At: easyjob.FromMillis(now)}, nil
}

// RiskOf returns a county's current risk level (low when never set).
func (s *Store) RiskOf(ctx context.Context, county string) (CountyRisk, error) {
	r := CountyRisk{County: county, Level: RiskLow}
	var at int64
	err := s.DB.R.QueryRowContext(ctx, `SELECT level, set_by, at FROM county_risk WHERE county = $1 ORDER BY id DESC LIMIT 1`, county).
		Scan(&r.Level, &r.SetBy, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return r, nil
	}
	r.At = easyjob.FromMillis(at)
	return r, err
}

// SetEmployerPoint records the coordinates of an employer's site (entered
// with its address): the employer itself or an officer of its district.
func (s *Store) SetEmployerPoint(ctx context.Context, a easyjob.Actor, employerID int64, lat, lng float64) error {
	e, err := s.Employer(ctx, employerID)
	if err != nil {
		return err
	}
	if !(a.Role == easyjob.RoleEmployer && a.EmployerID == employerID) && !(a.IsOfficer() && a.Scope.District(e.District)) {
		return Forbidden()
	}
	if lat < 3 || lat > 54 || lng < 73 || lng > 136 {
		f := easyjob.Fields{}
		f.Add("lat", "pickup.point_outside")
		return f.Err()
	}
	_, err = s.DB.W.ExecContext(ctx, `INSERT INTO employer_points (employer_id, lat, lng, set_by, at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (employer_id) DO UPDATE SET lat = excluded.lat, lng = excluded.lng, set_by = excluded.set_by, at = excluded.at`,
		employerID, lat, lng, a.UserID, s.now())
	return err
}

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
	Name          string `json:"name"` // masked
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
	Moves        []PlanMove    `json:"moves,omitempty"`
}

// PlanMove tells that a rider changed charter on a replan.
type PlanMove struct {
	ApplicationID int64  `json:"application_id"`
	Name          string `json:"name"`
	From          int    `json:"from_number"`
	To            int    `json:"to_number"`
}

// CharterView is one charter with its stops and, in a manifest, its riders.
type CharterView struct {
	ID       int64         `json:"id"`
	PlanID   int64         `json:"plan_id"`
	Number   int           `json:"number"`
	Pickup   PickupPoint   `json:"pickup"`
	DepartAt time.Time     `json:"depart_at"`
	Km       float64       `json:"km"`
	Seats    int           `json:"seats"`
	Allowed  int           `json:"allowed"`
	Taken    int           `json:"taken"`
	Status   string        `json:"status"`
	Stops    []StopView    `json:"stops"`
	Riders   []ManifestRow `json:"riders"`
}

// StopView is a drop-off.
type StopView struct {
	Seq          int     `json:"seq"`
	EmployerID   int64   `json:"employer_id"`
	EmployerName string  `json:"employer_name"`
	District     string  `json:"district"`
	Lat          float64 `json:"lat"`
	Lng          float64 `json:"lng"`
	Riders       int     `json:"riders"`
}

// ManifestRow is one rider on a manifest.
type ManifestRow struct {
	SeatID        int64     `json:"seat_id"`
	SeatNo        int       `json:"seat_no"`
	ApplicationID int64     `json:"application_id"`
	SeekerID      int64     `json:"seeker_id"`
	Name          string    `json:"name"`
	IDNumber      string    `json:"id_number"` // masked
	Phone         string    `json:"phone"`
	Group         string    `json:"group"`
	StopSeq       int       `json:"stop_seq"`
	EmployerName  string    `json:"employer_name"`
	Status        string    `json:"status"`
	NotifiedAt    time.Time `json:"notified_at,omitzero"`
	BoardedAt     time.Time `json:"boarded_at,omitzero"`
	idLast6       string
	token         string
	state         easyjob.ApplicationState
}

// candidate is an accepted application that may need a seat.
type candidate struct {
	app        int64
	seeker     easyjob.Seeker
	employer   int64
	empName    string
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

// validate checks the request and returns the departure time.
func (s *Store) validatePlan(req PlanRequest) (time.Time, error) {
	f := easyjob.Fields{}
	var at time.Time
	if req.Date.IsZero() {
		f.Add("date", "field.required")
	} else if req.Date.Before(s.today()) {
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

// candidates reads the accepted applications of the pickup point's county
// without an active seat (or with one on a charter of plan keepPlan), and
// applies the health gate at departure time departAt.
func (s *Store) candidates(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, county string, departAt time.Time, healthHours int, keepPlan int64) ([]candidate, error) {
	rows, err := q.QueryContext(ctx, `SELECT a.id, p.employer_id, e.name, e.district, e.street, ep.lat, ep.lng, `+seekerCols+`
		FROM applications a JOIN postings p ON p.id = a.posting_id JOIN employers e ON e.id = p.employer_id
		JOIN seekers s ON s.id = a.seeker_id LEFT JOIN employer_points ep ON ep.employer_id = e.id
		WHERE a.state = 'accepted' AND s.home_county = $1 AND NOT EXISTS (SELECT 1 FROM charter_seats cs
			JOIN charters c ON c.id = cs.charter_id
			WHERE cs.application_id = a.id AND cs.status IN ('assigned', 'boarded') AND c.plan_id <> $2)
		ORDER BY a.id`, county, keepPlan)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []candidate
	for rows.Next() {
		var c candidate
		var street string
		var lat, lng sql.NullFloat64
		dest := []any{&c.app, &c.employer, &c.empName, &c.district, &street, &lat, &lng}
		k, err := s.scanSeeker(scanFunc(func(v ...any) error { return rows.Scan(append(dest, v...)...) }))
		if err != nil {
			return nil, err
		}
		c.seeker = k
		switch {
		case lat.Valid && lng.Valid:
			c.point, c.hasPoint = planner.Point{Lat: lat.Float64, Lng: lng.Float64}, true
		default:
			code := street
			if code == "" {
				code = c.district
			}
			if p, _, ok := region.Locate(code); ok {
				c.point, c.hasPoint = planner.Point{Lat: p.Lat, Lng: p.Lng}, true
			}
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	risk, err := s.RiskOf(ctx, county)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].failReason = gate(out[i].seeker, risk.Level, departAt, healthHours)
		out[i].passed = out[i].failReason == ""
	}
	return out, nil
}

type scanFunc func(...any) error

func (f scanFunc) Scan(v ...any) error { return f(v...) }

// gate is the health gate: green, reported within the window before
// departure, from a county not at high risk. It returns the failure's
// message key, or "".
func gate(k easyjob.Seeker, risk string, departAt time.Time, hours int) string {
	switch {
	case risk == RiskHigh:
		return "gate.county_high_risk"
	case k.Health == "" || k.HealthAt.IsZero():
		return "gate.health_missing"
	case k.Health != easyjob.HealthGreen:
		return "gate.health_not_green"
	case k.HealthAt.Before(departAt.Add(-time.Duration(hours) * time.Hour)):
		return "gate.health_stale"
	}
	return ""
}

// plan computes a plan without writing anything. The returned view has the
// gate failures even when err says there is nothing to plan.
func (s *Store) plan(ctx context.Context, a easyjob.Actor, req PlanRequest, keepPlan int64, prev []planner.Charter,
	notified map[int64]bool) (PlanView, planner.Plan, map[int64]candidate, error) {
	req.defaults()
	v := PlanView{Request: req, Charters: []CharterView{}, GateFailures: []GateFailure{}, Unplanned: []GateFailure{}}
	if !a.IsOfficer() {
		return v, planner.Plan{}, nil, Forbidden()
	}
	departAt, err := s.validatePlan(req)
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
		return v, planner.Plan{}, nil, Forbidden()
	}
	v.Pickup, v.DepartAt = pk, departAt
	bus := planner.Bus{Seats: req.Seats, LoadFactor: req.LoadFactor}
	v.Allowed = bus.Allowed()
	if !pk.HasPoint() {
		f := easyjob.Fields{}
		f.Add("pickup_point_id", "plan.pickup_no_point", "name", pk.Name)
		return v, planner.Plan{}, nil, f.Err()
	}
	cands, err := s.candidates(ctx, s.DB.R, pk.County, departAt, req.HealthHours, keepPlan)
	if err != nil {
		return v, planner.Plan{}, nil, err
	}
	byApp := map[int64]candidate{}
	var riders []planner.Rider
	for _, c := range cands {
		byApp[c.app] = c
		if !c.passed {
			v.GateFailures = append(v.GateFailures, GateFailure{ApplicationID: c.app, SeekerID: c.seeker.ID,
				Name: ident.MaskName(c.seeker.Name), County: c.seeker.HomeCounty, Reason: c.failReason})
			continue
		}
		r := planner.Rider{ID: c.app, Seeker: c.seeker.ID, Group: c.seeker.Group, Pickup: pk.ID, Site: c.employer}
		if c.hasPoint {
			r.At = c.point
		}
		riders = append(riders, r)
	}
	if len(riders) == 0 && len(prev) == 0 {
		return v, planner.Plan{}, byApp, easyjob.Errorf(easyjob.EINVALID, "plan.no_riders", "pickup", pk.Name, "failed", len(v.GateFailures))
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
		return v, cp, byApp, easyjob.Errorf(easyjob.EINVALID, "plan.no_riders", "pickup", pk.Name, "failed", len(v.GateFailures))
	}
	if err != nil {
		return v, cp, byApp, err
	}
	for _, u := range cp.Unassigned {
		c := byApp[u.Rider]
		v.Unplanned = append(v.Unplanned, GateFailure{ApplicationID: c.app, SeekerID: c.seeker.ID,
			Name: ident.MaskName(c.seeker.Name), County: c.seeker.HomeCounty, Reason: u.Reason})
	}
	for i, c := range cp.Charters {
		cv := CharterView{Number: i + 1, Pickup: pk, DepartAt: departAt, Km: c.Km, Seats: req.Seats, Allowed: v.Allowed,
			Taken: c.Load(), Status: CharterPlanned, Riders: []ManifestRow{}}
		for si, st := range c.Stops {
			n := 0
			for _, seat := range c.Seats {
				if seat.Stop == si {
					n++
				}
			}
			cd := firstAt(byApp, c, si)
			cv.Stops = append(cv.Stops, StopView{Seq: si + 1, EmployerID: st.Site, EmployerName: cd.empName,
				District: cd.district, Lat: st.At.Lat, Lng: st.At.Lng, Riders: n})
		}
		for _, seat := range c.Seats {
			cd := byApp[seat.Rider]
			cv.Riders = append(cv.Riders, ManifestRow{SeatNo: seat.No, ApplicationID: cd.app, SeekerID: cd.seeker.ID,
				Name: ident.MaskName(cd.seeker.Name), IDNumber: ident.MaskID(cd.seeker.IDNumber), Phone: ident.MaskPhone(cd.seeker.Phone),
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
func (s *Store) PreviewPlan(ctx context.Context, a easyjob.Actor, req PlanRequest) (PlanView, error) {
	v, _, _, err := s.plan(ctx, a, req, 0, nil, nil)
	return v, err
}

// ConfirmPlan plans as PreviewPlan does and writes the plan, its charters,
// stops and seats in one transaction, with a message to every rider in the
// outbox. Nothing is written when any step fails.
func (s *Store) ConfirmPlan(ctx context.Context, a easyjob.Actor, req PlanRequest) (PlanView, error) {
	v, cp, byApp, err := s.plan(ctx, a, req, 0, nil, nil)
	if err != nil {
		return v, err
	}
	if len(cp.Charters) == 0 {
		return v, easyjob.Errorf(easyjob.EINVALID, "plan.no_riders", "pickup", v.Pickup.Name, "failed", len(v.GateFailures))
	}
	req = v.Request
	err = s.Tx(ctx, func(tx *Tx) error {
		now := tx.At
		err := tx.QueryRowContext(ctx, `INSERT INTO plans (day, pickup_point_id, depart_at, seats, load_factor, max_stops, road_factor,
			status, created_by, created_at, health_hours) VALUES ($1, $2, $3, $4, $5, $6, $7, 'confirmed', $8, $9, $10) RETURNING id`,
			req.Date, req.PickupPointID, easyjob.Millis(v.DepartAt), req.Seats, req.LoadFactor, req.MaxStops, req.RoadFactor,
			a.UserID, now, req.HealthHours).Scan(&v.ID)
		if err != nil {
			return err
		}
		for i, c := range cp.Charters {
			cid, err := s.insertCharterTx(ctx, tx, v.ID, i+1, v, c)
			if err != nil {
				return err
			}
			v.Charters[i].ID, v.Charters[i].PlanID = cid, v.ID
			for _, seat := range c.Seats {
				cd := byApp[seat.Rider]
				if _, err := s.seatTx(ctx, tx, cid, cd.app, cd.seeker.ID, seat.No, seat.Stop+1); err != nil {
					return err
				}
				if err := s.notifySeatTx(ctx, tx, cd.seeker.Phone, i+1, seat.No, v.DepartAt, v.Pickup.Name); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `UPDATE charter_seats SET notified_at = $1 WHERE charter_id = $2`, now, cid); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		v.ID = 0
		if isUnique(err) {
			return v, easyjob.Errorf(easyjob.ECONFLICT, "plan.changed")
		}
		return v, err
	}
	return v, nil
}

func (s *Store) insertCharterTx(ctx context.Context, tx *Tx, planID int64, number int, v PlanView, c planner.Charter) (int64, error) {
	var cid int64
	err := tx.QueryRowContext(ctx, `INSERT INTO charters (plan_id, number, pickup_point_id, depart_at, km, seats, allowed, taken, status)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 'planned') RETURNING id`,
		planID, number, v.Pickup.ID, easyjob.Millis(v.DepartAt), c.Km, v.Request.Seats, v.Allowed).Scan(&cid)
	if err != nil {
		return 0, err
	}
	return cid, s.writeStopsTx(ctx, tx, cid, c)
}

func (s *Store) writeStopsTx(ctx context.Context, tx *Tx, cid int64, c planner.Charter) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM charter_stops WHERE charter_id = $1`, cid); err != nil {
		return err
	}
	for si, st := range c.Stops {
		var district string
		if err := tx.QueryRowContext(ctx, `SELECT district FROM employers WHERE id = $1`, st.Site).Scan(&district); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO charter_stops (charter_id, seq, employer_id, district, lat, lng)
			VALUES ($1, $2, $3, $4, $5, $6)`, cid, si+1, st.Site, district, st.At.Lat, st.At.Lng); err != nil {
			return err
		}
	}
	return nil
}

// seatTx takes one place on charter cid for an application, within the
// charter's allowed load: the count rises only if it is below the limit.
// seatNo 0 takes the first free seat of the spread.
func (s *Store) seatTx(ctx context.Context, tx *Tx, cid, appID, seekerID int64, seatNo, stopSeq int) (int64, error) {
	var state string
	if err := tx.QueryRowContext(ctx, `SELECT state FROM applications WHERE id = $1`, appID).Scan(&state); err != nil {
		return 0, NotFound(err, "application")
	}
	if state != string(easyjob.StateAccepted) {
		return 0, easyjob.Errorf(easyjob.ECONFLICT, "charter.not_eligible")
	}
	res, err := tx.ExecContext(ctx, `UPDATE charters SET taken = taken + 1 WHERE id = $1 AND taken < allowed
		AND status IN ('planned', 'boarding')`, cid)
	if err != nil {
		return 0, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return 0, easyjob.Errorf(easyjob.ECONFLICT, "charter.full")
	}
	if seatNo == 0 {
		if seatNo, err = freeSeatTx(ctx, tx, cid); err != nil {
			return 0, err
		}
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO charter_seats (charter_id, seat_no, application_id, seeker_id, stop_seq, status,
		boarding_token, created_at) VALUES ($1, $2, $3, $4, $5, 'assigned', $6, $7) RETURNING id`,
		cid, seatNo, appID, seekerID, stopSeq, newToken(), tx.At).Scan(&id)
	if isUnique(err) {
		return 0, easyjob.Errorf(easyjob.ECONFLICT, "charter.seated")
	}
	return id, err
}

// freeSeatTx returns the first free seat number: the spread first (every
// other seat at a load factor of 0.5), then any seat.
func freeSeatTx(ctx context.Context, tx *Tx, cid int64) (int, error) {
	var seats, allowed int
	if err := tx.QueryRowContext(ctx, `SELECT seats, allowed FROM charters WHERE id = $1`, cid).Scan(&seats, &allowed); err != nil {
		return 0, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT seat_no FROM charter_seats WHERE charter_id = $1 AND status IN ('assigned', 'boarded')`, cid)
	if err != nil {
		return 0, err
	}
	used := map[int]bool{}
	for rows.Next() {
		var n int
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return 0, err
		}
		used[n] = true
	}
	rows.Close()
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

func newToken() string {
	var b [15]byte
	rand.Read(b[:])
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}

// notifySeatTx tells a rider their seat, pickup point and time.
func (s *Store) notifySeatTx(ctx context.Context, tx *Tx, phone string, number, seat int, at time.Time, pickup string) error {
	if phone == "" {
		return nil
	}
	t := at.In(easyjob.Shanghai)
	body := fmt.Sprintf("【易就业】您已安排乘坐%d号车，座位%d，%d月%d日 %s 在%s上车。请带好身份证，在“我的报名”中出示乘车码。",
		number, seat, int(t.Month()), t.Day(), t.Format("15:04"), pickup)
	return s.send(ctx, tx, phone, "charter", body)
}

// charterRow is a charter's own fields.
type charterRow struct {
	CharterView
	county    string
	districts []string
}

func (s *Store) charterRows(ctx context.Context, where string, args ...any) ([]charterRow, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT c.id, c.plan_id, c.number, c.depart_at, c.km, c.seats, c.allowed, c.taken, c.status,
		pp.id, pp.county, pp.name, pp.address, pp.lat, pp.lng
		FROM charters c JOIN pickup_points pp ON pp.id = c.pickup_point_id WHERE `+where+` ORDER BY c.depart_at, c.plan_id, c.number`, args...)
	if err != nil {
		return nil, err
	}
	var out []charterRow
	for rows.Next() {
		var c charterRow
		var at int64
		dest := []any{&c.ID, &c.PlanID, &c.Number, &at, &c.Km, &c.Seats, &c.Allowed, &c.Taken, &c.Status}
		p, err := scanPickup(scanFunc(func(v ...any) error { return rows.Scan(append(dest, v...)...) }))
		if err != nil {
			rows.Close()
			return nil, err
		}
		c.Pickup, c.DepartAt, c.county = p, easyjob.FromMillis(at), p.County
		c.Stops, c.Riders = []StopView{}, []ManifestRow{}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		st, err := s.DB.R.QueryContext(ctx, `SELECT cs.seq, cs.employer_id, e.name, cs.district, cs.lat, cs.lng,
			(SELECT COUNT(*) FROM charter_seats x WHERE x.charter_id = cs.charter_id AND x.stop_seq = cs.seq AND x.status <> 'cancelled')
			FROM charter_stops cs JOIN employers e ON e.id = cs.employer_id WHERE cs.charter_id = $1 ORDER BY cs.seq`, out[i].ID)
		if err != nil {
			return nil, err
		}
		for st.Next() {
			var v StopView
			if err := st.Scan(&v.Seq, &v.EmployerID, &v.EmployerName, &v.District, &v.Lat, &v.Lng, &v.Riders); err != nil {
				st.Close()
				return nil, err
			}
			out[i].Stops = append(out[i].Stops, v)
			out[i].districts = append(out[i].districts, v.District)
		}
		st.Close()
	}
	return out, nil
}

// charterVisible: stations see charters leaving their counties, districts
// those leaving their twinned counties or delivering into the district, the
// city everything.
func charterVisible(a easyjob.Actor, c charterRow) bool {
	if !a.IsOfficer() {
		return false
	}
	if a.Scope.County(c.county) {
		return true
	}
	for _, d := range c.districts {
		if a.Scope.District(d) {
			return true
		}
	}
	return false
}

// mayRunCharter: boarding, seat changes and departure belong to the
// officers of the pickup point's county (its station, its twinned district,
// the city).
func mayRunCharter(a easyjob.Actor, c charterRow) bool {
	return a.IsOfficer() && a.Scope.County(c.county)
}

func (s *Store) charterRow(ctx context.Context, a easyjob.Actor, id int64) (charterRow, error) {
	cs, err := s.charterRows(ctx, `c.id = $1`, id)
	if err != nil {
		return charterRow{}, err
	}
	if len(cs) == 0 || !charterVisible(a, cs[0]) {
		return charterRow{}, easyjob.NotFound("charter")
	}
	return cs[0], nil
}

// CharterFilter narrows a list of charters.
type CharterFilter struct {
	Date   easyjob.Date
	PlanID int64
}

// Charters lists the charters the officer may see, by departure.
func (s *Store) Charters(ctx context.Context, a easyjob.Actor, f CharterFilter) ([]CharterView, error) {
	if !a.IsOfficer() {
		return nil, Forbidden()
	}
	where, args := `c.status <> 'cancelled'`, []any{}
	if !f.Date.IsZero() {
		d := f.Date.Time()
		from := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, easyjob.Shanghai)
		args = append(args, easyjob.Millis(from), easyjob.Millis(from.AddDate(0, 0, 1)))
		where += ` AND c.depart_at >= $1 AND c.depart_at < $2`
	}
	if f.PlanID > 0 {
		args = append(args, f.PlanID)
		where += ` AND c.plan_id = $` + itoa(len(args))
	}
	rows, err := s.charterRows(ctx, where, args...)
	if err != nil {
		return nil, err
	}
	out := []CharterView{}
	for _, c := range rows {
		if charterVisible(a, c) {
			out = append(out, c.CharterView)
		}
	}
	return out, nil
}

// Plan returns a confirmed plan with its charters.
func (s *Store) Plan(ctx context.Context, a easyjob.Actor, id int64) (PlanView, error) {
	var v PlanView
	var at int64
	err := s.DB.R.QueryRowContext(ctx, `SELECT id, day, pickup_point_id, depart_at, seats, load_factor, max_stops, road_factor,
		health_hours FROM plans WHERE id = $1`, id).Scan(&v.ID, &v.Request.Date, &v.Request.PickupPointID, &at, &v.Request.Seats,
		&v.Request.LoadFactor, &v.Request.MaxStops, &v.Request.RoadFactor, &v.Request.HealthHours)
	if err != nil {
		return v, NotFound(err, "plan")
	}
	v.DepartAt = easyjob.FromMillis(at)
	v.Request.DepartTime = v.DepartAt.In(easyjob.Shanghai).Format("15:04")
	if v.Pickup, err = s.pickupPoint(ctx, v.Request.PickupPointID); err != nil {
		return v, err
	}
	if !a.IsOfficer() || !a.Scope.County(v.Pickup.County) {
		cs, err := s.Charters(ctx, a, CharterFilter{PlanID: id})
		if err != nil || len(cs) == 0 {
			return PlanView{}, easyjob.NotFound("plan")
		}
	}
	v.Allowed = planner.Bus{Seats: v.Request.Seats, LoadFactor: v.Request.LoadFactor}.Allowed()
	v.Charters, err = s.Charters(ctx, a, CharterFilter{PlanID: id})
	if err != nil {
		return v, err
	}
	v.GateFailures, v.Unplanned = []GateFailure{}, []GateFailure{}
	for _, c := range v.Charters {
		v.Riders += c.Taken
		v.Km += c.Km
	}
	v.Km = math.Round(v.Km*10) / 10
	return v, nil
}

// Manifest returns a charter with its riders: names, masked ID numbers and
// phones, for the officers who may see the charter (each view audited).
func (s *Store) Manifest(ctx context.Context, a easyjob.Actor, id int64) (CharterView, error) {
	c, err := s.charterRow(ctx, a, id)
	if err != nil {
		return CharterView{}, err
	}
	rows, err := s.manifestRows(ctx, id)
	if err != nil {
		return CharterView{}, err
	}
	for _, r := range rows {
		if r.Status == SeatCancelled {
			continue
		}
		if err := s.audit(ctx, a, r.SeekerID, "view_contact", "charter_manifest: "+itoa(int(id))); err != nil {
			return CharterView{}, err
		}
		c.Riders = append(c.Riders, r)
	}
	return c.CharterView, nil
}

func (s *Store) manifestRows(ctx context.Context, cid int64) ([]ManifestRow, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT cs.id, cs.seat_no, cs.application_id, cs.stop_seq, cs.status, cs.boarding_token,
		cs.notified_at, cs.boarded_at, a.state, COALESCE(e.name, ''), `+seekerCols+`
		FROM charter_seats cs JOIN seekers s ON s.id = cs.seeker_id JOIN applications a ON a.id = cs.application_id
		LEFT JOIN charter_stops st ON st.charter_id = cs.charter_id AND st.seq = cs.stop_seq
		LEFT JOIN employers e ON e.id = st.employer_id
		WHERE cs.charter_id = $1 ORDER BY cs.seat_no, cs.id`, cid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []ManifestRow{}
	for rows.Next() {
		var m ManifestRow
		var nat, bat int64
		var state string
		dest := []any{&m.SeatID, &m.SeatNo, &m.ApplicationID, &m.StopSeq, &m.Status, &m.token, &nat, &bat, &state, &m.EmployerName}
		k, err := s.scanSeeker(scanFunc(func(v ...any) error { return rows.Scan(append(dest, v...)...) }))
		if err != nil {
			return nil, err
		}
		m.NotifiedAt, m.BoardedAt, m.state = easyjob.FromMillis(nat), easyjob.FromMillis(bat), easyjob.ApplicationState(state)
		m.SeekerID, m.Name, m.Phone, m.Group = k.ID, k.Name, k.Phone, k.Group
		m.IDNumber = ident.MaskID(k.IDNumber)
		if n := len(k.IDNumber); n >= 6 {
			m.idLast6 = strings.ToUpper(k.IDNumber[n-6:])
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

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
func (s *Store) CheckIn(ctx context.Context, a easyjob.Actor, id int64, code string) (ManifestRow, error) {
	c, err := s.charterRow(ctx, a, id)
	if err != nil {
		return ManifestRow{}, err
	}
	if !mayRunCharter(a, c) {
		return ManifestRow{}, Forbidden()
	}
	if c.Status != CharterPlanned && c.Status != CharterBoarding {
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
		if r.Status == SeatCancelled {
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
	case hits[0].Status == SeatBoarded:
		return hits[0], easyjob.Errorf(easyjob.ECONFLICT, "charter.already_boarded", "seat", hits[0].SeatNo)
	case hits[0].Status != SeatAssigned:
		return hits[0], easyjob.Errorf(easyjob.ECONFLICT, "charter.seat_not_assigned")
	}
	m := hits[0]
	now := s.now()
	err = s.Tx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE charter_seats SET status = 'boarded', boarded_at = $1 WHERE id = $2 AND status = 'assigned'`, now, m.SeatID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return easyjob.Errorf(easyjob.ECONFLICT, "charter.already_boarded", "seat", m.SeatNo)
		}
		_, err = tx.ExecContext(ctx, `UPDATE charters SET status = 'boarding' WHERE id = $1 AND status = 'planned'`, id)
		return err
	})
	if err != nil {
		return ManifestRow{}, err
	}
	m.Status, m.BoardedAt = SeatBoarded, easyjob.FromMillis(now)
	return m, nil
}

// MarkNoShow records that a rider did not come; the place is freed for a
// standby rider.
func (s *Store) MarkNoShow(ctx context.Context, a easyjob.Actor, seatID int64) error {
	cid, err := s.seatCharter(ctx, seatID)
	if err != nil {
		return err
	}
	c, err := s.charterRow(ctx, a, cid)
	if err != nil {
		return err
	}
	if !mayRunCharter(a, c) {
		return Forbidden()
	}
	return s.Tx(ctx, func(tx *Tx) error {
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

func (s *Store) seatCharter(ctx context.Context, seatID int64) (int64, error) {
	var cid int64
	err := s.DB.R.QueryRowContext(ctx, `SELECT charter_id FROM charter_seats WHERE id = $1`, seatID).Scan(&cid)
	return cid, NotFound(err, "seat")
}

// AddToCharter seats an accepted application that passes the health gate
// on a charter with room (a late hire, a standby for a no-show).
func (s *Store) AddToCharter(ctx context.Context, a easyjob.Actor, charterID, appID int64) (ManifestRow, error) {
	c, err := s.charterRow(ctx, a, charterID)
	if err != nil {
		return ManifestRow{}, err
	}
	if !mayRunCharter(a, c) {
		return ManifestRow{}, Forbidden()
	}
	var hours int
	if err := s.DB.R.QueryRowContext(ctx, `SELECT health_hours FROM plans WHERE id = $1`, c.PlanID).Scan(&hours); err != nil {
		return ManifestRow{}, err
	}
	cands, err := s.candidates(ctx, s.DB.R, c.county, c.DepartAt, hours, 0)
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
	err = s.Tx(ctx, func(tx *Tx) error {
		seq, err := stopForTx(ctx, tx, charterID, cd.employer, cd.district, cd.point)
		if err != nil {
			return err
		}
		if seatID, err = s.seatTx(ctx, tx, charterID, appID, cd.seeker.ID, 0, seq); err != nil {
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

func (s *Store) seatRow(ctx context.Context, cid, seatID int64) (ManifestRow, error) {
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

// stopForTx returns the stop of charter cid at an employer, adding it last
// when the charter does not stop there yet.
func stopForTx(ctx context.Context, tx *Tx, cid, employer int64, district string, p planner.Point) (int, error) {
	var seq int
	err := tx.QueryRowContext(ctx, `SELECT seq FROM charter_stops WHERE charter_id = $1 AND employer_id = $2`, cid, employer).Scan(&seq)
	if err == nil {
		return seq, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM charter_stops WHERE charter_id = $1`, cid).Scan(&seq); err != nil {
		return 0, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO charter_stops (charter_id, seq, employer_id, district, lat, lng) VALUES ($1, $2, $3, $4, $5, $6)`,
		cid, seq, employer, district, p.Lat, p.Lng)
	return seq, err
}

// ReassignSeat moves a rider (assigned, not yet boarded) to another charter
// of the same pickup point with room, on its first free seat; the rider is
// told the new seat.
func (s *Store) ReassignSeat(ctx context.Context, a easyjob.Actor, seatID, toCharter int64) (ManifestRow, error) {
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
		return ManifestRow{}, Forbidden()
	}
	if from == toCharter {
		return ManifestRow{}, easyjob.Errorf(easyjob.ECONFLICT, "charter.same")
	}
	if fc.Pickup.ID != tc.Pickup.ID {
		return ManifestRow{}, easyjob.Errorf(easyjob.ECONFLICT, "charter.other_pickup")
	}
	err = s.Tx(ctx, func(tx *Tx) error {
		var appID, seekerID, employer int64
		var district string
		var p planner.Point
		err := tx.QueryRowContext(ctx, `SELECT cs.application_id, cs.seeker_id, st.employer_id, st.district, st.lat, st.lng
			FROM charter_seats cs JOIN charter_stops st ON st.charter_id = cs.charter_id AND st.seq = cs.stop_seq
			WHERE cs.id = $1 AND cs.status = 'assigned'`, seatID).Scan(&appID, &seekerID, &employer, &district, &p.Lat, &p.Lng)
		if errors.Is(err, sql.ErrNoRows) {
			return easyjob.Errorf(easyjob.ECONFLICT, "charter.seat_not_assigned")
		}
		if err != nil {
			return err
		}
		// Take the new place first: if the charter is full nothing moves.
		res, err := tx.ExecContext(ctx, `UPDATE charters SET taken = taken + 1 WHERE id = $1 AND taken < allowed
			AND status IN ('planned', 'boarding')`, toCharter)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return easyjob.Errorf(easyjob.ECONFLICT, "charter.full")
		}
		res, err = tx.ExecContext(ctx, `UPDATE charter_seats SET status = 'cancelled' WHERE id = $1 AND status = 'assigned'`, seatID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return easyjob.Errorf(easyjob.ECONFLICT, "charter.seat_not_assigned")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE charters SET taken = taken - 1 WHERE id = $1`, from); err != nil {
			return err
		}
		seq, err := stopForTx(ctx, tx, toCharter, employer, district, p)
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
		if isUnique(err) {
			return easyjob.Errorf(easyjob.ECONFLICT, "charter.changed")
		}
		if err != nil {
			return err
		}
		k, err := s.seekerRow(ctx, seekerID)
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

// DepartResult is what a departure did.
type DepartResult struct {
	Departed int           `json:"departed"`
	NoShows  int           `json:"no_shows"`
	Failed   []GateFailure `json:"failed"` // boarded riders whose application could not move (reason: message key)
}

// Depart closes boarding: boarded riders' applications move to departed
// (through Transition, as the officer), riders not boarded are recorded as
// no-shows, and the charter is departed.
func (s *Store) Depart(ctx context.Context, a easyjob.Actor, id int64) (DepartResult, error) {
	res := DepartResult{Failed: []GateFailure{}}
	c, err := s.charterRow(ctx, a, id)
	if err != nil {
		return res, err
	}
	if !mayRunCharter(a, c) {
		return res, Forbidden()
	}
	if c.Status != CharterPlanned && c.Status != CharterBoarding {
		return res, easyjob.Errorf(easyjob.ECONFLICT, "charter.not_boarding")
	}
	rows, err := s.manifestRows(ctx, id)
	if err != nil {
		return res, err
	}
	boarded := 0
	for _, r := range rows {
		if r.Status == SeatBoarded {
			boarded++
		}
	}
	if boarded == 0 {
		return res, easyjob.Errorf(easyjob.ECONFLICT, "charter.nobody_boarded")
	}
	for _, r := range rows {
		if r.Status != SeatBoarded {
			continue
		}
		if r.state == easyjob.StateDeparted {
			res.Departed++
			continue
		}
		_, err := s.Transition(ctx, a, r.ApplicationID, Move{To: easyjob.StateDeparted, Reason: fmt.Sprintf("charter %d seat %d", c.Number, r.SeatNo)})
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
	err = s.Tx(ctx, func(tx *Tx) error {
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

// Arrivals lists the riders on their way (applications in departed): an
// employer's own, or those going to an officer's district.
func (s *Store) Arrivals(ctx context.Context, a easyjob.Actor) ([]Arrival, error) {
	q := `SELECT a.id, a.seeker_id, k.name, p.title, e.name, COALESCE(c.id, 0), COALESCE(c.number, 0), COALESCE(cs.seat_no, 0),
		COALESCE(pp.name, ''), COALESCE(c.departed_at, 0)
		FROM applications a JOIN postings p ON p.id = a.posting_id JOIN employers e ON e.id = p.employer_id
		JOIN seekers k ON k.id = a.seeker_id
		LEFT JOIN charter_seats cs ON cs.application_id = a.id AND cs.status = 'boarded'
		LEFT JOIN charters c ON c.id = cs.charter_id LEFT JOIN pickup_points pp ON pp.id = c.pickup_point_id
		WHERE a.state = 'departed'`
	var args []any
	switch {
	case a.Role == easyjob.RoleEmployer:
		args = append(args, a.EmployerID)
		q += ` AND p.employer_id = $1`
	case a.IsCityWide():
	case a.Role == easyjob.RoleOfficer:
		args = append(args, a.Region+"%")
		q += ` AND p.district LIKE $1`
	default:
		return nil, Forbidden()
	}
	rows, err := s.DB.R.QueryContext(ctx, q+` ORDER BY c.number, cs.seat_no, a.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Arrival{}
	for rows.Next() {
		var x Arrival
		var at int64
		if err := rows.Scan(&x.ApplicationID, &x.SeekerID, &x.Name, &x.PostingTitle, &x.EmployerName, &x.CharterID,
			&x.CharterNumber, &x.SeatNo, &x.Pickup, &at); err != nil {
			return nil, err
		}
		x.DepartedAt = easyjob.FromMillis(at)
		out = append(out, x)
	}
	return out, rows.Err()
}

// ConfirmArrival moves a departed rider's application to arrived (the
// employer, or the receiving officer), and marks the charter arrived once
// no rider of it is still on the way.
func (s *Store) ConfirmArrival(ctx context.Context, a easyjob.Actor, appID int64) (easyjob.Application, error) {
	app, err := s.Transition(ctx, a, appID, Move{To: easyjob.StateArrived})
	if err != nil {
		return app, err
	}
	var cid int64
	err = s.DB.R.QueryRowContext(ctx, `SELECT charter_id FROM charter_seats WHERE application_id = $1 AND status = 'boarded'`, appID).Scan(&cid)
	if errors.Is(err, sql.ErrNoRows) {
		return app, nil
	}
	if err != nil {
		return app, err
	}
	_, err = s.DB.W.ExecContext(ctx, `UPDATE charters SET status = 'arrived' WHERE id = $1 AND status = 'departed' AND NOT EXISTS (
		SELECT 1 FROM charter_seats cs JOIN applications x ON x.id = cs.application_id
		WHERE cs.charter_id = $1 AND cs.status = 'boarded' AND x.state = 'departed')`, cid)
	return app, err
}

// Pass is a rider's boarding pass.
type Pass struct {
	Token         string    `json:"token"`
	ApplicationID int64     `json:"application_id"`
	Name          string    `json:"name"`
	IDNumber      string    `json:"id_number"` // masked
	CharterID     int64     `json:"charter_id"`
	CharterNumber int       `json:"charter_number"`
	SeatNo        int       `json:"seat_no"`
	Status        string    `json:"status"`
	DepartAt      time.Time `json:"depart_at"`
	Pickup        string    `json:"pickup"`
	PickupAddress string    `json:"pickup_address"`
	EmployerName  string    `json:"employer_name"`
	StopSeq       int       `json:"stop_seq"`
}

const passQuery = `SELECT cs.boarding_token, cs.application_id, cs.seeker_id, c.id, c.number, cs.seat_no, cs.status, c.depart_at,
	pp.name, pp.address, pp.county, COALESCE(e.name, ''), cs.stop_seq
	FROM charter_seats cs JOIN charters c ON c.id = cs.charter_id JOIN pickup_points pp ON pp.id = c.pickup_point_id
	LEFT JOIN charter_stops st ON st.charter_id = cs.charter_id AND st.seq = cs.stop_seq
	LEFT JOIN employers e ON e.id = st.employer_id`

func (s *Store) scanPass(row interface{ Scan(...any) error }) (Pass, int64, string, error) {
	var p Pass
	var seeker, at int64
	var county string
	err := row.Scan(&p.Token, &p.ApplicationID, &seeker, &p.CharterID, &p.CharterNumber, &p.SeatNo, &p.Status, &at,
		&p.Pickup, &p.PickupAddress, &county, &p.EmployerName, &p.StopSeq)
	p.DepartAt = easyjob.FromMillis(at)
	return p, seeker, county, err
}

// PassByToken returns a boarding pass to its rider, or to officers of the
// pickup point's county.
func (s *Store) PassByToken(ctx context.Context, a easyjob.Actor, token string) (Pass, error) {
	p, seeker, county, err := s.scanPass(s.DB.R.QueryRowContext(ctx, passQuery+` WHERE cs.boarding_token = $1`, strings.ToLower(token)))
	if err != nil {
		return Pass{}, NotFound(err, "seat")
	}
	if !(a.Role == easyjob.RoleSeeker && a.SeekerID == seeker) && !(a.IsOfficer() && a.Scope.County(county)) {
		return Pass{}, easyjob.NotFound("seat")
	}
	k, err := s.seekerRow(ctx, seeker)
	if err != nil {
		return Pass{}, err
	}
	p.Name, p.IDNumber = k.Name, ident.MaskID(k.IDNumber)
	return p, nil
}

// MySeats returns the seeker's active seats by application.
func (s *Store) MySeats(ctx context.Context, a easyjob.Actor) (map[int64]Pass, error) {
	if a.Role != easyjob.RoleSeeker || a.SeekerID == 0 {
		return nil, Forbidden()
	}
	rows, err := s.DB.R.QueryContext(ctx, passQuery+` WHERE cs.seeker_id = $1 AND cs.status IN ('assigned', 'boarded')`, a.SeekerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]Pass{}
	for rows.Next() {
		p, _, _, err := s.scanPass(rows)
		if err != nil {
			return nil, err
		}
		out[p.ApplicationID] = p
	}
	return out, rows.Err()
}

// Replan plans a confirmed plan again after cancellations and late hires:
// riders still eligible keep their charters and seats when capacity allows,
// cancelled riders lose their seats, newcomers fill the room, and the
// result says who moved. With confirm it is written in one transaction and
// moved or new riders are told their seat. Charters that started boarding
// cannot be replanned.
func (s *Store) Replan(ctx context.Context, a easyjob.Actor, planID int64, confirm bool) (PlanView, error) {
	old, err := s.Plan(ctx, a, planID)
	if err != nil {
		return old, err
	}
	if !a.IsOfficer() || !a.Scope.County(old.Pickup.County) {
		return old, Forbidden()
	}
	rows, err := s.charterRows(ctx, `c.plan_id = $1 AND c.status <> 'cancelled'`, planID)
	if err != nil {
		return old, err
	}
	var prev []planner.Charter
	notified := map[int64]bool{}
	numberOf := map[int64]int{}
	seatOf := map[int64]ManifestRow{} // application → current seat
	charterOf := map[int64]int64{}    // application → current charter
	maxNumber := 0
	for _, c := range rows {
		if c.Status != CharterPlanned {
			return old, easyjob.Errorf(easyjob.ECONFLICT, "plan.boarding_started")
		}
		numberOf[c.ID] = c.Number
		maxNumber = max(maxNumber, c.Number)
		pc := planner.Charter{Ref: c.ID, Pickup: c.Pickup.ID}
		for _, st := range c.Stops {
			pc.Stops = append(pc.Stops, planner.Stop{Site: st.EmployerID, At: planner.Point{Lat: st.Lat, Lng: st.Lng}})
		}
		ms, err := s.manifestRows(ctx, c.ID)
		if err != nil {
			return old, err
		}
		for _, m := range ms {
			if m.Status != SeatAssigned {
				continue
			}
			pc.Seats = append(pc.Seats, planner.Seat{Rider: m.ApplicationID, No: m.SeatNo, Stop: m.StopSeq - 1})
			notified[m.ApplicationID] = !m.NotifiedAt.IsZero()
			seatOf[m.ApplicationID], charterOf[m.ApplicationID] = m, c.ID
		}
		prev = append(prev, pc)
	}
	req := old.Request // with the plan's own health window
	v, cp, byApp, err := s.plan(ctx, a, req, planID, prev, notified)
	if err != nil {
		return v, err
	}
	v.ID = planID
	// Number the charters: kept ones keep their numbers.
	numbers := make([]int, len(cp.Charters))
	for i, c := range cp.Charters {
		if c.Ref != 0 {
			numbers[i] = numberOf[c.Ref]
		} else {
			maxNumber++
			numbers[i] = maxNumber
		}
		v.Charters[i].Number, v.Charters[i].ID, v.Charters[i].PlanID = numbers[i], c.Ref, planID
	}
	for _, m := range cp.Moves {
		from := numberOf[m.From]
		v.Moves = append(v.Moves, PlanMove{ApplicationID: m.Rider, Name: ident.MaskName(byApp[m.Rider].seeker.Name), From: from, To: numbers[m.ToIndex]})
	}
	if !confirm {
		return v, nil
	}
	placed := map[int64]bool{}
	for _, c := range cp.Charters {
		for _, st := range c.Seats {
			placed[st.Rider] = true
		}
	}
	err = s.Tx(ctx, func(tx *Tx) error {
		for _, c := range rows {
			// Park seat numbers out of the way, and count places afresh.
			if _, err := tx.ExecContext(ctx, `UPDATE charter_seats SET seat_no = -id WHERE charter_id = $1 AND status = 'assigned'`, c.ID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE charters SET taken = 0 WHERE id = $1`, c.ID); err != nil {
				return err
			}
		}
		for app, m := range seatOf {
			if !placed[app] {
				if _, err := tx.ExecContext(ctx, `UPDATE charter_seats SET status = 'cancelled', seat_no = $1 WHERE id = $2`, m.SeatNo, m.SeatID); err != nil {
					return err
				}
			}
		}
		for _, ref := range cp.Dropped {
			if _, err := tx.ExecContext(ctx, `UPDATE charters SET status = 'cancelled' WHERE id = $1`, ref); err != nil {
				return err
			}
		}
		for i, c := range cp.Charters {
			cid := c.Ref
			if cid == 0 {
				if cid, err = s.insertCharterTx(ctx, tx, planID, numbers[i], v, c); err != nil {
					return err
				}
				v.Charters[i].ID = cid
			} else {
				if err := s.writeStopsTx(ctx, tx, cid, c); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `UPDATE charters SET km = $1 WHERE id = $2`, c.Km, cid); err != nil {
					return err
				}
			}
			for _, st := range c.Seats {
				cd := byApp[st.Rider]
				m, had := seatOf[st.Rider]
				if !had {
					if _, err := s.seatTx(ctx, tx, cid, cd.app, cd.seeker.ID, st.No, st.Stop+1); err != nil {
						return err
					}
				} else {
					res, err := tx.ExecContext(ctx, `UPDATE charters SET taken = taken + 1 WHERE id = $1 AND taken < allowed`, cid)
					if err != nil {
						return err
					}
					if n, _ := res.RowsAffected(); n == 0 {
						return easyjob.Errorf(easyjob.ECONFLICT, "charter.full")
					}
					if _, err := tx.ExecContext(ctx, `UPDATE charter_seats SET charter_id = $1, seat_no = $2, stop_seq = $3 WHERE id = $4`,
						cid, st.No, st.Stop+1, m.SeatID); err != nil {
						return err
					}
					if charterOf[st.Rider] == cid && m.SeatNo == st.No {
						continue // same charter, same seat: nothing to tell
					}
				}
				if err := s.notifySeatTx(ctx, tx, cd.seeker.Phone, numbers[i], st.No, v.DepartAt, v.Pickup.Name); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `UPDATE charter_seats SET notified_at = $1 WHERE application_id = $2 AND status = 'assigned'`,
					tx.At, cd.app); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		if isUnique(err) {
			return v, easyjob.Errorf(easyjob.ECONFLICT, "plan.changed")
		}
		return v, err
	}
	return v, nil
}
