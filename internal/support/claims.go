package support

import (
	"context"
	"database/sql"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/policy"
	"easyjob/internal/store"
)

// Claims (support_claims): per enterprise and measure, whether it was granted automatically
// and notified, whether it applied, and what it obtained — what the per-measure statistics
// count.

// Claim is what happened about one measure for one enterprise.
type Claim struct {
	Measure     string       `json:"measure"`
	Automatic   bool         `json:"automatic"`
	EstimateCNY *float64     `json:"estimate_cny"`
	NotifiedAt  time.Time    `json:"notified_at,omitzero"`
	AppliedAt   time.Time    `json:"applied_at,omitzero"`
	ObtainedOn  easyjob.Date `json:"obtained_on,omitzero"`
	ObtainedCNY *float64     `json:"obtained_cny"`
}

// Applied tells whether it applied or was granted automatically.
func (c Claim) Applied() bool { return !c.AppliedAt.IsZero() || !c.NotifiedAt.IsZero() }

// Obtained tells whether it received the benefit.
func (c Claim) Obtained() bool { return !c.ObtainedOn.IsZero() }

// since is when the enterprise started waiting: applied, or notified.
func (c Claim) since() time.Time {
	if !c.AppliedAt.IsZero() {
		return c.AppliedAt
	}
	return c.NotifiedAt
}

const claimCols = `measure, automatic, estimate_cny, notified_at, applied_at, obtained_on, obtained_cny`

func scanClaim(row store.Scanner) (Claim, error) {
	var c Claim
	var est, got sql.NullFloat64
	var notified, applied int64
	err := row.Scan(&c.Measure, &c.Automatic, &est, &notified, &applied, &c.ObtainedOn, &got)
	if est.Valid {
		c.EstimateCNY = &est.Float64
	}
	if got.Valid {
		c.ObtainedCNY = &got.Float64
	}
	c.NotifiedAt, c.AppliedAt = easyjob.FromMillis(notified), easyjob.FromMillis(applied)
	return c, err
}

// Claims returns the employer's claims by measure.
func (s *Service) Claims(ctx context.Context, a easyjob.Actor, employerID int64) (_ map[string]Claim, err error) {
	defer func() { err = store.Wrap(err, "support.Claims", "employer", employerID) }()
	e, err := s.S.Employer(ctx, employerID)
	if err != nil {
		return nil, err
	}
	if !mayActFor(a, e) {
		return nil, forbidden()
	}
	cs, err := store.Select(ctx, s.S.DB.R, scanClaim, `SELECT `+claimCols+` FROM support_claims WHERE employer_id = $1`, employerID)
	out := map[string]Claim{}
	for _, c := range cs {
		out[c.Measure] = c
	}
	return out, err
}

// ClaimInput is what an enterprise reports about a measure.
type ClaimInput struct {
	Measure     string       `json:"measure"`
	Applied     bool         `json:"applied"`     // it applied for the measure
	ObtainedOn  easyjob.Date `json:"obtained_on"` // it received the benefit on this date
	ObtainedCNY *float64     `json:"obtained_cny"`
}

// ReportClaim records that the enterprise applied for a measure, or obtained it: its own
// accounts only.
func (s *Service) ReportClaim(ctx context.Context, a easyjob.Actor, employerID int64, in ClaimInput) (err error) {
	defer func() { err = store.Wrap(err, "support.ReportClaim", "employer", employerID) }()
	if a.Role != easyjob.RoleEmployer || a.EmployerID != employerID {
		return forbidden()
	}
	r, err := s.Rules(ctx)
	if err != nil {
		return err
	}
	f := easyjob.Fields{}
	if r.Measure(in.Measure) == nil {
		f.Add("measure", "support.measure_unknown")
	}
	today := s.S.Today()
	var cny any
	if !in.ObtainedOn.IsZero() && (in.ObtainedOn.Before(policy.AsOfFirst) || in.ObtainedOn.After(today)) {
		f.Add("obtained_on", "support.received_on_range", "today", today.String())
	}
	if v := in.ObtainedCNY; v != nil {
		switch {
		case !(*v >= 0):
			f.Add("obtained_cny", "policy.field.negative")
		case *v > policy.MaxAmountCNY:
			f.Add("obtained_cny", "policy.field.too_large", "max", policy.MaxAmountCNY)
		default:
			cny = *v
		}
	}
	if !in.Applied && in.ObtainedOn.IsZero() {
		f.Add("applied", "field.required")
	}
	if err := f.Err(); err != nil {
		return err
	}
	return s.S.Tx(ctx, func(tx *store.Tx) error {
		if in.Applied {
			if err := markApplied(ctx, tx, employerID, in.Measure); err != nil {
				return err
			}
		}
		if in.ObtainedOn.IsZero() {
			return nil
		}
		return markObtained(ctx, tx, employerID, in.Measure, in.ObtainedOn, cny)
	})
}
