// Package epidemic is the epidemic system: a county's risk level as
// officers set it (table county_risk). Other systems read it through
// Service.RiskOf — the charter health gate lets nobody ride from a county
// at high risk. County daily reports and the "three zeros" will join it
// here, with their own tables.
package epidemic

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/region"
	"easyjob/internal/store"
)

// Level is a county's risk level.
type Level string

// Risk levels, as stored in county_risk.level.
const (
	Low    Level = "low"
	Medium Level = "medium"
	High   Level = "high"
)

// Valid tells whether l is one of the three levels.
func (l Level) Valid() bool { return l == Low || l == Medium || l == High }

// High tells whether the county is at high risk: nobody from it rides a
// charter.
func (l Level) High() bool { return l == High }

// CountyRisk is a county's risk level as last set.
type CountyRisk struct {
	County string    `json:"county"`
	Level  Level     `json:"level"`
	SetBy  int64     `json:"set_by"`
	At     time.Time `json:"at,omitzero"`
}

// Service keeps county risk levels on the store's kernel.
type Service struct {
	S *store.Store
}

// SetCountyRisk records a county's risk level now (officers of the county,
// or of the district it is twinned with, or the city).
func (e *Service) SetCountyRisk(ctx context.Context, a easyjob.Actor, county string, level Level) (_ CountyRisk, err error) {
	defer func() { err = store.Wrap(err, "epidemic.SetCountyRisk", "county", county) }()
	if !a.IsOfficer() {
		return CountyRisk{}, store.Forbidden()
	}
	f := easyjob.Fields{}
	d, ok := region.Lookup(county)
	if !ok || d.Level != region.County {
		f.Add("county", "pickup.county_unknown")
	} else if !a.Scope.County(d.Code) {
		f.Add("county", "seeker.out_of_region")
	}
	if !level.Valid() {
		f.Add("level", "field.risk_level")
	}
	if err := f.Err(); err != nil {
		return CountyRisk{}, err
	}
	r := CountyRisk{County: d.Code, Level: level, SetBy: a.UserID}
	err = e.S.Tx(ctx, func(tx *store.Tx) error {
		r.At = easyjob.FromMillis(tx.At)
		_, err := tx.ExecContext(ctx, `INSERT INTO county_risk (county, level, set_by, at) VALUES ($1, $2, $3, $4)`,
			d.Code, string(level), a.UserID, tx.At)
		return err
	})
	if err != nil {
		return CountyRisk{}, err
	}
	return r, nil
}

// RiskOf returns a county's current risk level (low when never set).
func (e *Service) RiskOf(ctx context.Context, county string) (CountyRisk, error) {
	r := CountyRisk{County: county, Level: Low}
	var level string
	var at int64
	err := e.S.DB.R.QueryRowContext(ctx, `SELECT level, set_by, at FROM county_risk WHERE county = $1 ORDER BY id DESC LIMIT 1`, county).
		Scan(&level, &r.SetBy, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return r, nil
	}
	if err != nil {
		return r, store.Wrap(err, "epidemic.RiskOf", "county", county)
	}
	r.Level, r.At = Level(level), easyjob.FromMillis(at)
	return r, nil
}
