package support

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/policy"
	"easyjob/internal/store"
)

// Enterprise profiles (support_profiles): what the measures need to know about an employer,
// beyond its registration. One row per employer, the policy.Profile kept as JSON (the
// measures' facts change with the rules; the row keeps exactly the profile that was
// validated), with its district for queries.

// EnterpriseProfile is an employer's stored profile.
type EnterpriseProfile struct {
	EmployerID   int64          `json:"employer_id"`
	EmployerName string         `json:"employer_name"`
	Profile      policy.Profile `json:"profile"`
	UpdatedAt    time.Time      `json:"updated_at,omitzero"` // zero: never saved
}

// mayActFor tells whether a may read or change the employer's profile and claims: its own
// accounts, and officers whose scope holds its district.
func mayActFor(a easyjob.Actor, e easyjob.Employer) bool {
	switch {
	case a.Role == easyjob.RoleEmployer:
		return a.EmployerID == e.ID
	case a.IsOfficer():
		return a.Scope.District(e.District)
	}
	return false
}

// Profile returns the employer's profile; one never saved starts from its registration (its
// district).
func (s *Service) Profile(ctx context.Context, a easyjob.Actor, employerID int64) (_ EnterpriseProfile, err error) {
	defer func() { err = store.Wrap(err, "support.Profile", "employer", employerID) }()
	e, err := s.S.Employer(ctx, employerID)
	if err != nil {
		return EnterpriseProfile{}, err
	}
	if !mayActFor(a, e) {
		return EnterpriseProfile{}, forbidden()
	}
	return s.profile(ctx, e)
}

func (s *Service) profile(ctx context.Context, e easyjob.Employer) (EnterpriseProfile, error) {
	ep := EnterpriseProfile{EmployerID: e.ID, EmployerName: e.Name}
	var raw string
	var at int64
	err := s.S.DB.R.QueryRowContext(ctx, `SELECT profile, updated_at FROM support_profiles WHERE employer_id = $1`, e.ID).Scan(&raw, &at)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if policy.KnownDistrict(e.District) {
			ep.Profile.District = e.District
		}
		return ep, nil
	case err != nil:
		return ep, err
	}
	ep.UpdatedAt = easyjob.FromMillis(at)
	return ep, json.Unmarshal([]byte(raw), &ep.Profile)
}

// SaveProfile validates and stores the employer's profile: its own accounts or an officer
// of its district. Impossible values are refused, naming each field; nothing is saved then.
// An empty district is the employer's registered district.
func (s *Service) SaveProfile(ctx context.Context, a easyjob.Actor, employerID int64, p policy.Profile) (_ EnterpriseProfile, err error) {
	defer func() { err = store.Wrap(err, "support.SaveProfile", "employer", employerID) }()
	e, err := s.S.Employer(ctx, employerID)
	if err != nil {
		return EnterpriseProfile{}, err
	}
	if !mayActFor(a, e) {
		return EnterpriseProfile{}, forbidden()
	}
	if p.District == "" && policy.KnownDistrict(e.District) {
		p.District = e.District
	}
	if err := p.Validate(); err != nil {
		return EnterpriseProfile{}, err
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return EnterpriseProfile{}, err
	}
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO support_profiles (employer_id, profile, district, updated_by, updated_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (employer_id) DO UPDATE SET profile = excluded.profile,
			district = excluded.district, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			e.ID, string(raw), p.District, a.UserID, tx.At)
		return err
	})
	if err != nil {
		return EnterpriseProfile{}, err
	}
	return s.profile(ctx, e)
}

// allProfiles reads every stored profile, calling fn for each in employer order.
func (s *Service) allProfiles(ctx context.Context, fn func(employerID int64, p policy.Profile) error) error {
	rows, err := s.S.DB.R.QueryContext(ctx, `SELECT employer_id, profile FROM support_profiles ORDER BY employer_id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var raw string
		if err := rows.Scan(&id, &raw); err != nil {
			return err
		}
		var p policy.Profile
		if err := json.Unmarshal([]byte(raw), &p); err != nil {
			return err
		}
		if err := fn(id, p); err != nil {
			return err
		}
	}
	return rows.Err()
}
