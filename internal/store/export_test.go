package store

import (
	"context"

	"easyjob/internal/easyjob"
)

// SetAfterImportRow lets a test interrupt a "valid rows" import after a
// number of rows (by cancelling its context, say).
func SetAfterImportRow(s *Store, f func(n int)) { s.afterImportRow = f }

// CandidatesFromDatabase is Candidates read from the database alone (the
// answer before the seekers and who applied were kept in memory).
func (s *Store) CandidatesFromDatabase(ctx context.Context, a easyjob.Actor, postingID int64, limit int) ([]Candidate, error) {
	return s.candidates(ctx, a, postingID, limit, false)
}

// AppliedRead tells whether the set of who applied to which employer is read.
func (m *Matching) AppliedRead() bool { return m.applied.base.Load() != nil }

// CandidateOf opens a candidate reference made for postingID.
func (s *Store) CandidateOf(postingID int64, ref string) (int64, error) {
	return s.candidateOf(postingID, ref)
}
