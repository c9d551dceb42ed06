package epidemic

import (
	"context"
	"strings"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/region"
	"easyjob/internal/store"
)

// OverrideInput sets a county's level by hand: a level with a reason and
// optionally a last day; an empty level lifts the override, and the rule
// decides again.
type OverrideInput struct {
	Level  Level         `json:"level"`
	Reason string        `json:"reason"`
	Until  *easyjob.Date `json:"until,omitempty"`
}

// Override is one row of epidemic_overrides.
type Override struct {
	ID     int64         `json:"id"`
	County string        `json:"county"`
	Level  *Level        `json:"level"` // nil: the override was lifted
	Reason string        `json:"reason"`
	Until  *easyjob.Date `json:"until,omitempty"`
	SetBy  int64         `json:"set_by"`
	At     time.Time     `json:"at"`
}

// inForce tells whether the override sets the level on day.
func (o *Override) inForce(day easyjob.Date) bool {
	return o != nil && o.Level != nil && (o.Until == nil || !o.Until.Before(day))
}

// MaxReason is the longest reason an override may give.
const MaxReason = 500

// Override sets or lifts a county's level by hand (officers of the county,
// of the district it is twinned with, or the city). A level turning high,
// or no longer high, tells Hold in the same transaction.
func (e *Service) Override(ctx context.Context, a easyjob.Actor, county string, in OverrideInput) (_ CountyRisk, err error) {
	defer func() { err = store.Wrap(err, "epidemic.Override", "county", county) }()
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
	if in.Level != "" && !in.Level.Valid() {
		f.Add("level", "field.risk_level")
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if len([]rune(in.Reason)) > MaxReason {
		f.Add("reason", "field.too_long", "max", MaxReason)
	}
	today := easyjob.DateOf(e.S.Now())
	if in.Until != nil && (in.Until.IsZero() || in.Until.Before(today)) {
		f.Add("until", "epidemic.until_past")
	}
	if in.Level == "" && in.Until != nil {
		in.Until = nil
	}
	if err := f.Err(); err != nil {
		return CountyRisk{}, err
	}
	var level *string
	if in.Level != "" {
		l := string(in.Level)
		level = &l
	}
	var out CountyRisk
	err = e.S.Tx(ctx, func(tx *store.Tx) error {
		err := e.watch(ctx, tx, []string{d.Code}, func() error {
			_, err := tx.ExecContext(ctx, `INSERT INTO epidemic_overrides (county, level, reason, until_day, set_by, at) VALUES ($1, $2, $3, $4, $5, $6)`,
				d.Code, level, in.Reason, dateArg(in.Until), a.UserID, tx.At)
			return err
		}, nil)
		if err != nil {
			return err
		}
		rule, err := e.rule(ctx, tx)
		if err != nil {
			return err
		}
		out, err = e.riskAt(ctx, tx, d.Code, easyjob.DateOf(tx.Now), rule, rule.open(tx.Now))
		return err
	})
	if err != nil {
		return CountyRisk{}, err
	}
	return out, nil
}

func dateArg(d *easyjob.Date) any {
	if d == nil || d.IsZero() {
		return nil
	}
	return d.String()
}

// overrideAt is the latest override of county set by the end of day, or nil.
func (e *Service) overrideAt(ctx context.Context, q querier, county string, day easyjob.Date) (*Override, error) {
	end := easyjob.Millis(dayEnd(day))
	rows, err := store.Select(ctx, q, scanOverride, `SELECT id, county, level, reason, until_day, set_by, at FROM epidemic_overrides
		WHERE county = $1 AND at < $2 ORDER BY id DESC LIMIT 1`, county, end)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	return &rows[0], nil
}

// dayEnd is the first instant after day in Shanghai.
func dayEnd(day easyjob.Date) time.Time {
	t := day.AddDays(1).Time()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, easyjob.Shanghai)
}

func scanOverride(row store.Scanner) (Override, error) {
	var o Override
	var level *string
	var until easyjob.Date
	var at int64
	if err := row.Scan(&o.ID, &o.County, &level, &o.Reason, &until, &o.SetBy, &at); err != nil {
		return o, err
	}
	if level != nil {
		l := Level(*level)
		o.Level = &l
	}
	if !until.IsZero() {
		o.Until = &until
	}
	o.At = easyjob.FromMillis(at)
	return o, nil
}

// Overrides lists a county's overrides, newest first (officers).
func (e *Service) Overrides(ctx context.Context, a easyjob.Actor, county string) (_ []Override, err error) {
	defer func() { err = store.Wrap(err, "epidemic.Overrides", "county", county) }()
	if !a.IsOfficer() {
		return nil, store.Forbidden()
	}
	return store.Select(ctx, e.S.DB.R, scanOverride, `SELECT id, county, level, reason, until_day, set_by, at FROM epidemic_overrides
		WHERE county = $1 ORDER BY id DESC LIMIT 200`, county)
}
