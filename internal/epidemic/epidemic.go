// Package epidemic is the epidemic system: the daily case reports of the
// twinned counties and of Shenzhen's districts, the "three cleared-to-zeros"
// (三清零) they show, and each county's risk level, which follows from the
// reports by a rule officers set, unless an officer overrides it (who, why,
// until when). Other systems read the level through Service.RiskOf — the
// charter health gate lets nobody ride from a county at high risk — and are
// told through Service.Hold, in the same transaction, when a county turns
// high or stops being high (the charter system holds its riders' seats).
// See docs/EPIDEMIC.md.
//
// Its tables are epidemic_reports (every version of every report, append
// only), epidemic_days (a region's day: how many versions, which is
// current, whether the first came late), epidemic_rules (the rule and the
// deadline hour, latest counts), epidemic_overrides (levels set by hand,
// latest per county counts; the old county_risk rows were moved here) and
// epidemic_reminders. It writes no others.
//
// The rule itself is pure and lives in epidemic/zeros; this package reads
// the reports, asks zeros, and writes.
package epidemic

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/epidemic/zeros"
	"easyjob/internal/region"
	"easyjob/internal/store"
)

// Level is a county's risk level.
type Level = zeros.Level

// Risk levels, as stored in epidemic_overrides.level.
const (
	Low    = zeros.Low
	Medium = zeros.Medium
	High   = zeros.High
)

// Where a county's level comes from.
const (
	FromReports  = "reports"  // the rule applied to the reports
	FromOverride = "override" // an officer's override in force
	FromNone     = "none"     // no report yet: the rule's level for silence
)

// CountyRisk is a county's risk level and where it comes from.
type CountyRisk struct {
	County string        `json:"county"`
	Level  Level         `json:"level"`
	SetBy  int64         `json:"set_by"`      // the override's officer; 0 when the reports decide
	At     time.Time     `json:"at,omitzero"` // when the override was set
	Source string        `json:"source"`      // reports, override or none
	Rule   Level         `json:"rule_level"`  // what the rule gives from the reports
	Reason string        `json:"reason,omitempty"`
	Until  *easyjob.Date `json:"until,omitempty"` // the override's last day; none: until lifted
}

// Overridden tells whether an officer's override sets the level.
func (r CountyRisk) Overridden() bool { return r.Source == FromOverride }

// Service is the epidemic system on the store's kernel.
type Service struct {
	S *store.Store
	// Hold is called in the writing transaction when a county's level
	// changes to or from high; it answers how many seats it held. The app
	// sets it to the charter system's HoldCounty. nil: nobody is told.
	Hold func(ctx context.Context, tx *store.Tx, county string, from, to Level) (int, error)
}

// querier is a pool or a transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// FirstDay is the earliest day a report may be for.
var FirstDay = easyjob.NewDate(2019, 12, 1)

// Reportable tells whether code is a region that reports: a twinned county
// or a Shenzhen district.
func Reportable(code string) bool {
	d, ok := region.Lookup(code)
	if !ok || d.Level != region.County || d.Code != code {
		return false
	}
	return region.IsTwinned(code) || (region.IsShenzhen(code) && code != region.ShenzhenCode)
}

// Regions lists the regions that report: the twinned counties, then
// Shenzhen's districts, by code.
func Regions() []string {
	var out []string
	for _, p := range region.TwinnedCounties() {
		out = append(out, p.County)
	}
	for _, d := range region.ShenzhenDistricts() {
		out = append(out, d.Code)
	}
	return out
}

// mayReport tells whether a may report for code: an officer whose scope
// holds the county or the district.
func mayReport(a easyjob.Actor, code string) bool {
	if !a.IsOfficer() {
		return false
	}
	if region.IsShenzhen(code) {
		return a.Scope.District(code)
	}
	return a.Scope.County(code)
}

// SetCountyRisk sets a county's level by hand now, until lifted (officers
// of the county, or of the district it is twinned with, or the city). It
// is Override without a reason or an end, kept for the charter pages and
// the PUT /counties/{county}/risk route.
func (e *Service) SetCountyRisk(ctx context.Context, a easyjob.Actor, county string, level Level) (CountyRisk, error) {
	return e.Override(ctx, a, county, OverrideInput{Level: level})
}

// RiskOf returns a county's level today: an override in force, else what
// the rule gives from the reports (low when the county never reported and
// the rule leaves silence low). The charter health gate reads it.
func (e *Service) RiskOf(ctx context.Context, county string) (_ CountyRisk, err error) {
	defer func() { err = store.Wrap(err, "epidemic.RiskOf", "county", county) }()
	rule, err := e.rule(ctx, e.S.DB.R)
	if err != nil {
		return CountyRisk{}, err
	}
	now := e.S.Now()
	return e.riskAt(ctx, e.S.DB.R, county, easyjob.DateOf(now), rule, rule.open(now))
}

// riskAt is a county's level as of day on q.
func (e *Service) riskAt(ctx context.Context, q querier, county string, day easyjob.Date, rule Rule, open zeros.Open) (CountyRisk, error) {
	s, err := e.series(ctx, q, county, day)
	if err != nil {
		return CountyRisk{}, err
	}
	o, err := e.overrideAt(ctx, q, county, day)
	if err != nil {
		return CountyRisk{}, err
	}
	return decide(county, s, day, rule, open, o), nil
}

// decide combines the rule's level and the override in force.
func decide(county string, s zeros.Series, day easyjob.Date, rule Rule, open zeros.Open, o *Override) CountyRisk {
	r := CountyRisk{County: county, Source: FromReports, Rule: zeros.LevelAt(s, day, open, rule.Rule)}
	r.Level = r.Rule
	if f, ok := s.First(); !ok || f.After(day) {
		r.Source = FromNone
	}
	if o.inForce(day) {
		r.Level, r.Source, r.SetBy, r.At, r.Reason = *o.Level, FromOverride, o.SetBy, o.At, o.Reason
		r.Until = o.Until
	}
	return r
}

// noRows tells whether err is sql.ErrNoRows.
func noRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
