package store

import (
	"context"
	"slices"

	"easyjob/internal/easyjob"
)

// Health status (seekers.health, health_at, health_by): reported one by one
// or for a list of hires before a departure. Every report is written to
// audit_log (action "set_health", reason "<status> by <officer|self>") in
// the transaction that sets it.

// maxHealthBatch bounds one bulk report (a day's riders of a county).
const maxHealthBatch = 500

// SetHealth records a health status (green, yellow, red) as reported now:
// by an officer of the seeker's region, or by the seeker themselves (marked
// self-reported; see SetHealthMany).
func (s *Store) SetHealth(ctx context.Context, a easyjob.Actor, id int64, status string) (err error) {
	defer wrapErr(&err, "store.SetHealth", "id", id)
	_, err = s.setHealth(ctx, a, []int64{id}, status)
	return err
}

// SetHealthMany records one health status for several seekers at once, all
// or nothing, and returns how many were set. Officers may report for the
// seekers of their region (marked "officer"); a seeker only for themselves
// (marked "self"). A seeker outside the officer's region makes the whole
// report forbidden.
func (s *Store) SetHealthMany(ctx context.Context, a easyjob.Actor, ids []int64, status string) (_ int, err error) {
	defer wrapErr(&err, "store.SetHealthMany", "n", len(ids))
	return s.setHealth(ctx, a, ids, status)
}

func (s *Store) setHealth(ctx context.Context, a easyjob.Actor, ids []int64, status string) (int, error) {
	f := easyjob.Fields{}
	switch status {
	case easyjob.HealthGreen, easyjob.HealthYellow, easyjob.HealthRed:
	default:
		f.Add("health", "field.health")
	}
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	switch {
	case len(ids) == 0 || ids[0] <= 0:
		f.Add("ids", "health.none_chosen")
	case len(ids) > maxHealthBatch:
		f.Add("ids", "health.too_many", "max", maxHealthBatch)
	}
	if err := f.Err(); err != nil {
		return 0, err
	}
	by := easyjob.HealthByOfficer
	switch {
	case a.Role == easyjob.RoleSeeker:
		if a.SeekerID == 0 || len(ids) != 1 || ids[0] != a.SeekerID {
			return 0, Forbidden()
		}
		by = easyjob.HealthBySelf
	case !a.IsOfficer():
		return 0, Forbidden()
	}
	err := s.Tx(ctx, func(tx *Tx) error {
		for _, id := range ids {
			var county string
			err := tx.QueryRowContext(ctx, `SELECT home_county FROM seekers WHERE id = $1`, id).Scan(&county)
			if err != nil {
				return NotFound(err, "seeker")
			}
			if by == easyjob.HealthByOfficer && !a.Scope.County(county) {
				return Forbidden()
			}
			if _, err := tx.ExecContext(ctx, `UPDATE seekers SET health = $1, health_at = $2, health_by = $3, updated_at = $2
				WHERE id = $4`, status, tx.At, by, id); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (actor_id, seeker_id, action, reason, at) VALUES ($1, $2, $3, $4, $5)`,
				a.UserID, id, "set_health", status+" by "+by, tx.At); err != nil {
				return err
			}
		}
		tx.AfterCommit(func() {
			for _, id := range ids {
				s.changed("seeker", id)
			}
		})
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(ids), nil
}
