package epidemic

import (
	"context"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/region"
	"easyjob/internal/store"
)

// Settle brings the seat holds in line with every twinned county's level
// as of the store's clock. A level can change without a write — high runs
// out fourteen days after the last confirmed case, an override ends — so
// the queue calls this periodically; Hold is idempotent both ways (a seat
// is held once, a release releases what is open).
func (e *Service) Settle(ctx context.Context) (err error) {
	defer func() { err = store.Wrap(err, "epidemic.Settle") }()
	if e.Hold == nil {
		return nil
	}
	return e.S.Tx(ctx, func(tx *store.Tx) error {
		rule, err := e.rule(ctx, tx)
		if err != nil {
			return err
		}
		for _, p := range region.TwinnedCounties() {
			r, err := e.riskAt(ctx, tx, p.County, easyjob.DateOf(tx.Now), rule, rule.open(tx.Now))
			if err != nil {
				return err
			}
			from := High // releases the open holds of a county that is not high
			if r.Level.High() {
				from = Low // holds its riders' seats
			}
			if _, err := e.Hold(ctx, tx, p.County, from, r.Level); err != nil {
				return err
			}
		}
		return nil
	})
}

// Watch is the periodic work of the epidemic system: reminders of reports
// falling due, then the seat holds settled.
func (e *Service) Watch(ctx context.Context, now time.Time) error {
	if _, err := e.RemindDue(ctx, now); err != nil {
		return err
	}
	return e.Settle(ctx)
}
