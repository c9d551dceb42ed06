package briefing

import (
	"context"
	"errors"

	"easyjob/internal/store"
)

// Step does one step of the refresh in one transaction (start the build,
// build a chunk, or read a batch of changes), as a process would before
// being stopped; building tells that the first build is not finished.
func (s *Service) Step(ctx context.Context) (building bool, err error) {
	for {
		err = s.S.Tx(ctx, func(tx *store.Tx) error {
			var err error
			_, building, err = s.refreshOnce(ctx, tx)
			return err
		})
		if !errors.Is(err, errRaced) {
			return building, err
		}
	}
}

// RecomputeSQL is the statement that rewrites the seekers' facts.
var RecomputeSQL = recomputeSQL
