package charter

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"

	"easyjob/internal/charter/planner"
	"easyjob/internal/easyjob"
	"easyjob/internal/region"
	"easyjob/internal/store"
)

// Pickup points (pickup_points); employer sites are in sites.go.

// PickupPoint is where riders of a county board.
type PickupPoint struct {
	ID         int64    `json:"id"`
	County     string   `json:"county"`
	CountyName string   `json:"county_name"`
	Name       string   `json:"name"`
	Address    string   `json:"address"`
	Lat        *float64 `json:"lat"`
	Lng        *float64 `json:"lng"`
	Retired    bool     `json:"retired,omitempty"` // not offered for new plans
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
	Known      string   `json:"known,omitempty"` // the code of one of KnownPoints(County), for its coordinates
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

// outsideChina tells whether a point lies outside China's bounding box.
func outsideChina(lat, lng float64) bool { return lat < 3 || lat > 54 || lng < 73 || lng > 136 }

// KnownPoint is a place of a county with coordinates from the division
// data: the county seat and the streets or townships that have a point of
// their own.
type KnownPoint struct {
	Code string  `json:"code"`
	Name string  `json:"name"`
	Lat  float64 `json:"lat"`
	Lng  float64 `json:"lng"`
}

// KnownPoints lists the county's places with coordinates, the county seat
// first; nil for an unknown county.
func KnownPoints(county string) []KnownPoint {
	p, _, ok := region.Locate(county)
	if !ok {
		return nil
	}
	out := []KnownPoint{{Code: county, Name: region.Name(county) + "人民政府", Lat: p.Lat, Lng: p.Lng}}
	for _, d := range region.Children(county) {
		if region.HasOwnPoint(d.Code) {
			if q, _, ok := region.Locate(d.Code); ok {
				out = append(out, KnownPoint{Code: d.Code, Name: d.Name, Lat: q.Lat, Lng: q.Lng})
			}
		}
	}
	return out
}

// checkPickup trims and validates a pickup point's input in place for an
// officer; a location is required: coordinates, a known point of the
// county (Known) or the county seat (CountySeat).
func checkPickup(a easyjob.Actor, in *PickupPointInput) error {
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
	if len([]rune(in.Address)) > 200 {
		f.Add("address", "field.too_long", "max", 200)
	}
	if in.Known != "" && in.Lat == nil && in.Lng == nil {
		found := false
		for _, k := range KnownPoints(in.County) {
			if k.Code == in.Known {
				lat, lng := k.Lat, k.Lng
				in.Lat, in.Lng, found = &lat, &lng, true
			}
		}
		if !found {
			f.Add("known", "pickup.known_unknown")
		}
	}
	if (in.Lat == nil) != (in.Lng == nil) {
		f.Add("lat", "pickup.point_half")
	}
	if in.Lat == nil && in.Lng == nil && in.CountySeat && ok {
		if p, _, found := region.Locate(in.County); found {
			in.Lat, in.Lng = &p.Lat, &p.Lng
		}
	}
	if in.Lat == nil && in.Lng == nil && in.Known == "" {
		f.Add("lat", "pickup.point_required")
	}
	if in.Lat != nil && in.Lng != nil && (outsideChina(*in.Lat, *in.Lng) || math.IsNaN(*in.Lat) || math.IsNaN(*in.Lng)) {
		f.Add("lat", "pickup.point_outside")
	}
	return f.Err()
}

// AddPickupPoint records a pickup point in a county of the officer's
// region, with its location.
func (s *Service) AddPickupPoint(ctx context.Context, a easyjob.Actor, in PickupPointInput) (_ PickupPoint, err error) {
	defer func() { err = store.Wrap(err, "charter.AddPickupPoint", "county", in.County) }()
	if !a.IsOfficer() {
		return PickupPoint{}, store.Forbidden()
	}
	if err := checkPickup(a, &in); err != nil {
		return PickupPoint{}, err
	}
	var id int64
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO pickup_points (county, name, address, lat, lng, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, in.County, in.Name, in.Address, in.Lat, in.Lng, a.UserID, tx.At).Scan(&id)
	})
	if err != nil {
		return PickupPoint{}, err
	}
	return s.pickupPoint(ctx, id)
}

// UpdatePickupPoint changes a pickup point's name, address and location
// (its county stays). Charters already planned from it keep their times
// and routes; a replan uses the new location.
func (s *Service) UpdatePickupPoint(ctx context.Context, a easyjob.Actor, id int64, in PickupPointInput) (_ PickupPoint, err error) {
	defer func() { err = store.Wrap(err, "charter.UpdatePickupPoint", "pickup", id) }()
	cur, err := s.officerPickup(ctx, a, id)
	if err != nil {
		return PickupPoint{}, err
	}
	in.County = cur.County
	if err := checkPickup(a, &in); err != nil {
		return PickupPoint{}, err
	}
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE pickup_points SET name = $1, address = $2, lat = $3, lng = $4 WHERE id = $5`,
			in.Name, in.Address, in.Lat, in.Lng, id)
		return err
	})
	if err != nil {
		return PickupPoint{}, err
	}
	return s.pickupPoint(ctx, id)
}

// RetirePickupPoint stops offering a pickup point for new plans (retire
// true) or offers it again (false). Plans that use it keep it.
func (s *Service) RetirePickupPoint(ctx context.Context, a easyjob.Actor, id int64, retire bool) (_ PickupPoint, err error) {
	defer func() { err = store.Wrap(err, "charter.RetirePickupPoint", "pickup", id) }()
	if _, err := s.officerPickup(ctx, a, id); err != nil {
		return PickupPoint{}, err
	}
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		var at int64
		if retire {
			at = tx.At
		}
		_, err := tx.ExecContext(ctx, `UPDATE pickup_points SET retired_at = $1 WHERE id = $2 AND (retired_at = 0) = $3`, at, id, retire)
		return err
	})
	if err != nil {
		return PickupPoint{}, err
	}
	return s.pickupPoint(ctx, id)
}

// officerPickup reads a pickup point of the officer's counties.
func (s *Service) officerPickup(ctx context.Context, a easyjob.Actor, id int64) (PickupPoint, error) {
	if !a.IsOfficer() {
		return PickupPoint{}, store.Forbidden()
	}
	p, err := s.pickupPoint(ctx, id)
	if err != nil {
		return p, err
	}
	if !a.Scope.County(p.County) {
		return PickupPoint{}, easyjob.NotFound("pickup_point")
	}
	return p, nil
}

const pickupCols = `id, county, name, address, lat, lng, retired_at`

func scanPickup(row store.Scanner) (PickupPoint, error) {
	var p PickupPoint
	var lat, lng sql.NullFloat64
	var retired int64
	err := row.Scan(&p.ID, &p.County, &p.Name, &p.Address, &lat, &lng, &retired)
	p.Retired = retired != 0
	if lat.Valid && lng.Valid {
		p.Lat, p.Lng = &lat.Float64, &lng.Float64
	}
	p.CountyName = region.FullName(p.County)
	return p, err
}

func (s *Service) pickupPoint(ctx context.Context, id int64) (PickupPoint, error) {
	p, err := scanPickup(s.S.DB.R.QueryRowContext(ctx, `SELECT `+pickupCols+` FROM pickup_points WHERE id = $1`, id))
	return p, store.NotFound(err, "pickup_point")
}

// PickupPoints lists the pickup points of the officer's counties, by
// county, one page at a time; retired ones marked.
func (s *Service) PickupPoints(ctx context.Context, a easyjob.Actor, o store.ListOptions) (_ easyjob.Page[PickupPoint], err error) {
	defer func() { err = store.Wrap(err, "charter.PickupPoints", "user", a.UserID) }()
	var empty easyjob.Page[PickupPoint]
	if !a.IsOfficer() {
		return empty, store.Forbidden()
	}
	after, err := store.DecodeCursor(o.Cursor)
	if err != nil {
		return empty, err
	}
	var w store.Where
	w.Scope(a.Scope, "county", "")
	if after > 0 {
		w.Add("(county, id) > (SELECT x.county, x.id FROM pickup_points x WHERE x.id = ?)", after)
	}
	rows, err := s.S.DB.R.QueryContext(ctx, `SELECT `+pickupCols+` FROM pickup_points`+w.SQL()+` ORDER BY county, id LIMIT `+
		w.Arg(o.PageSize()+1), w.Args()...)
	ps, err := store.Collect(rows, err, scanPickup)
	if err != nil {
		return empty, err
	}
	return store.PageOf(ps, o.PageSize(), func(p PickupPoint) int64 { return p.ID }), nil
}
