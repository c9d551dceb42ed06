package charter

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/store"
)

// Sites (employer_points, posting_sites): where a charter drops its
// riders. An employer gives its site's location with its address; a
// posting whose work site differs has a site of its own, and its hires
// ride there. Without either, the centre of the employer's street or
// district is used.

// Site is a work site's address and location.
type Site struct {
	Address string    `json:"address"`
	Lat     *float64  `json:"lat"`
	Lng     *float64  `json:"lng"`
	SetAt   time.Time `json:"set_at,omitzero"`
}

// HasPoint tells whether the site has a location.
func (s Site) HasPoint() bool { return s.Lat != nil && s.Lng != nil }

// PointText is the location as "lat, lng", or "" without one.
func (s Site) PointText() string {
	if !s.HasPoint() {
		return ""
	}
	return fmt.Sprintf("%.5f, %.5f", *s.Lat, *s.Lng)
}

// SiteInput sets a site: its address and either coordinates or one of the
// known points of the employer's district (Known, a code of KnownPoints).
type SiteInput struct {
	Address string   `json:"address"`
	Lat     *float64 `json:"lat"`
	Lng     *float64 `json:"lng"`
	Known   string   `json:"known,omitempty"`
}

// checkSite trims and validates a site's input in place; district is the
// employer's, whose known points may be chosen.
func checkSite(district string, in *SiteInput) error {
	in.Address, in.Known = strings.TrimSpace(in.Address), strings.TrimSpace(in.Known)
	f := easyjob.Fields{}
	if in.Address == "" {
		f.Add("address", "field.required")
	} else if len([]rune(in.Address)) > 200 {
		f.Add("address", "field.too_long", "max", 200)
	}
	if in.Known != "" && in.Lat == nil && in.Lng == nil {
		for _, k := range KnownPoints(district) {
			if k.Code == in.Known {
				lat, lng := k.Lat, k.Lng
				in.Lat, in.Lng = &lat, &lng
			}
		}
		if in.Lat == nil {
			f.Add("known", "pickup.known_unknown")
		}
	}
	switch {
	case (in.Lat == nil) != (in.Lng == nil):
		f.Add("lat", "pickup.point_half")
	case in.Lat == nil && in.Known == "":
		f.Add("lat", "site.point_required")
	case in.Lat != nil && (math.IsNaN(*in.Lat) || math.IsNaN(*in.Lng) || outsideChina(*in.Lat, *in.Lng)):
		f.Add("lat", "pickup.point_outside")
	}
	return f.Err()
}

// mayEditSite: the employer itself or an officer of its district.
func mayEditSite(a easyjob.Actor, e easyjob.Employer) bool {
	return (a.Role == easyjob.RoleEmployer && a.EmployerID == e.ID) || (a.IsOfficer() && a.Scope.District(e.District))
}

// SetEmployerSite records an employer's site: its address and location.
func (s *Service) SetEmployerSite(ctx context.Context, a easyjob.Actor, employerID int64, in SiteInput) (_ Site, err error) {
	defer func() { err = store.Wrap(err, "charter.SetEmployerSite", "employer", employerID) }()
	e, err := s.S.Employer(ctx, employerID)
	if err != nil {
		return Site{}, err
	}
	if !mayEditSite(a, e) {
		return Site{}, store.Forbidden()
	}
	if err := checkSite(e.District, &in); err != nil {
		return Site{}, err
	}
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO employer_points (employer_id, lat, lng, set_by, at, address) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (employer_id) DO UPDATE SET lat = excluded.lat, lng = excluded.lng, set_by = excluded.set_by, at = excluded.at,
			address = excluded.address`, employerID, *in.Lat, *in.Lng, a.UserID, tx.At, in.Address)
		return err
	})
	if err != nil {
		return Site{}, err
	}
	return s.employerSite(ctx, employerID)
}

// SetEmployerPoint records the coordinates of an employer's site (its
// address stays): the employer itself or an officer of its district.
func (s *Service) SetEmployerPoint(ctx context.Context, a easyjob.Actor, employerID int64, lat, lng float64) (err error) {
	defer func() { err = store.Wrap(err, "charter.SetEmployerPoint", "employer", employerID) }()
	e, err := s.S.Employer(ctx, employerID)
	if err != nil {
		return err
	}
	if !mayEditSite(a, e) {
		return store.Forbidden()
	}
	if outsideChina(lat, lng) || math.IsNaN(lat) || math.IsNaN(lng) {
		f := easyjob.Fields{}
		f.Add("lat", "pickup.point_outside")
		return f.Err()
	}
	return s.S.Tx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO employer_points (employer_id, lat, lng, set_by, at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (employer_id) DO UPDATE SET lat = excluded.lat, lng = excluded.lng, set_by = excluded.set_by, at = excluded.at`,
			employerID, lat, lng, a.UserID, tx.At)
		return err
	})
}

// EmployerSite is an employer's site, for the employer and officers; an
// employer that has given none has a Site without a location.
func (s *Service) EmployerSite(ctx context.Context, a easyjob.Actor, employerID int64) (_ Site, err error) {
	defer func() { err = store.Wrap(err, "charter.EmployerSite", "employer", employerID) }()
	if !(a.Role == easyjob.RoleEmployer && a.EmployerID == employerID) && !a.IsOfficer() {
		return Site{}, store.Forbidden()
	}
	return s.employerSite(ctx, employerID)
}

func (s *Service) employerSite(ctx context.Context, employerID int64) (Site, error) {
	return scanSite(s.S.DB.R.QueryRowContext(ctx, `SELECT address, lat, lng, at FROM employer_points WHERE employer_id = $1`, employerID))
}

func scanSite(row store.Scanner) (Site, error) {
	var st Site
	var lat, lng sql.NullFloat64
	var at int64
	err := row.Scan(&st.Address, &lat, &lng, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return Site{}, nil
	}
	if lat.Valid && lng.Valid {
		st.Lat, st.Lng = &lat.Float64, &lng.Float64
	}
	st.SetAt = easyjob.FromMillis(at)
	return st, err
}

// postingEmployer reads the employer of a posting the actor may manage.
func (s *Service) postingEmployer(ctx context.Context, a easyjob.Actor, postingID int64) (easyjob.Employer, error) {
	var employerID int64
	err := s.S.DB.R.QueryRowContext(ctx, `SELECT employer_id FROM postings WHERE id = $1`, postingID).Scan(&employerID)
	if err != nil {
		return easyjob.Employer{}, store.NotFound(err, "posting")
	}
	e, err := s.S.Employer(ctx, employerID)
	if err != nil {
		return e, err
	}
	if !mayEditSite(a, e) {
		return e, easyjob.NotFound("posting")
	}
	return e, nil
}

// SetPostingSite records a posting's own work site (its hires ride
// there): its employer or an officer of the employer's district.
func (s *Service) SetPostingSite(ctx context.Context, a easyjob.Actor, postingID int64, in SiteInput) (_ Site, err error) {
	defer func() { err = store.Wrap(err, "charter.SetPostingSite", "posting", postingID) }()
	e, err := s.postingEmployer(ctx, a, postingID)
	if err != nil {
		return Site{}, err
	}
	if err := checkSite(e.District, &in); err != nil {
		return Site{}, err
	}
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO posting_sites (posting_id, address, lat, lng, set_by, at) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (posting_id) DO UPDATE SET address = excluded.address, lat = excluded.lat, lng = excluded.lng,
			set_by = excluded.set_by, at = excluded.at`, postingID, in.Address, *in.Lat, *in.Lng, a.UserID, tx.At)
		return err
	})
	if err != nil {
		return Site{}, err
	}
	return s.postingSite(ctx, postingID)
}

// ClearPostingSite removes a posting's own site: its hires ride to the
// employer's site again.
func (s *Service) ClearPostingSite(ctx context.Context, a easyjob.Actor, postingID int64) (err error) {
	defer func() { err = store.Wrap(err, "charter.ClearPostingSite", "posting", postingID) }()
	if _, err := s.postingEmployer(ctx, a, postingID); err != nil {
		return err
	}
	return s.S.Tx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM posting_sites WHERE posting_id = $1`, postingID)
		return err
	})
}

// PostingSite is a posting's own site (without a location when it has
// none), for its employer and the officers of the employer's district.
func (s *Service) PostingSite(ctx context.Context, a easyjob.Actor, postingID int64) (_ Site, err error) {
	defer func() { err = store.Wrap(err, "charter.PostingSite", "posting", postingID) }()
	if _, err := s.postingEmployer(ctx, a, postingID); err != nil {
		return Site{}, err
	}
	return s.postingSite(ctx, postingID)
}

func (s *Service) postingSite(ctx context.Context, postingID int64) (Site, error) {
	return scanSite(s.S.DB.R.QueryRowContext(ctx, `SELECT address, lat, lng, at FROM posting_sites WHERE posting_id = $1`, postingID))
}
