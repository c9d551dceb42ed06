package store

import (
	"context"
	"sort"

	"easyjob/internal/easyjob"
	"easyjob/internal/match"
)

// PreviewLine is one posting of a sample seeker's list, ranked under the
// policy in force and under a candidate policy.
type PreviewLine struct {
	Posting  easyjob.Posting `json:"posting"`
	Kind     string          `json:"kind"`
	OldRank  int             `json:"old_rank"` // 1-based
	NewRank  int             `json:"new_rank"`
	OldScore float64         `json:"old_score"`
	NewScore float64         `json:"new_score"`
}

// PolicyPreview tells how a sample seeker's recommendations would change
// under candidate weights, without saving them: the seeker's list (up to
// limit) is rescored (match.Rescore: only the priority multiplier and the
// congestion factor depend on the policy) and ranked again, matches before
// fallbacks as on the seeker's page, in the new order. It ranks the
// postings of today's list; a posting just outside it could move in.
// Officers of the seeker's region.
func (s *Store) PolicyPreview(ctx context.Context, a easyjob.Actor, seekerID int64, in PolicyInput, limit int) (_ []PreviewLine, err error) {
	defer wrapErr(&err, "store.PolicyPreview", "seekerID", seekerID)
	if err := in.validate(); err != nil {
		return nil, err
	}
	if !a.IsOfficer() {
		return nil, Forbidden()
	}
	pg, err := s.RecommendationPage(ctx, a, seekerID, limit)
	if err != nil {
		return nil, err
	}
	k, err := s.seekerRow(ctx, seekerID)
	if err != nil {
		return nil, err
	}
	from, _, err := s.loadPolicy(ctx)
	if err != nil {
		return nil, err
	}
	to := from
	to.PoorWeight, to.TwinnedWeight, to.CongestionAlpha = in.PoorWeight, in.TwinnedWeight, in.CongestionAlpha
	out := make([]PreviewLine, 0, len(pg.Items))
	for i, r := range pg.Items {
		p := r.Posting
		out = append(out, PreviewLine{Posting: p, Kind: r.Kind, OldRank: i + 1, OldScore: r.Score,
			NewScore: match.Rescore(r.Score, k.Poor, k.Twinned, p.Pending, p.Headcount-p.Filled, from, to)})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if (out[i].Kind == KindAlso) != (out[j].Kind == KindAlso) {
			return out[j].Kind == KindAlso
		}
		if out[i].NewScore != out[j].NewScore {
			return out[i].NewScore > out[j].NewScore
		}
		return out[i].Posting.ID < out[j].Posting.ID
	})
	for i := range out {
		out[i].NewRank = i + 1
	}
	return out, nil
}

// validate checks the weights' ranges with field messages.
func (in PolicyInput) validate() error {
	f := easyjob.Fields{}
	for _, x := range []struct {
		name string
		v    float64
	}{{"poor_weight", in.PoorWeight}, {"twinned_weight", in.TwinnedWeight}, {"congestion_alpha", in.CongestionAlpha}} {
		if !(x.v >= 0 && x.v <= 10) {
			f.Add(x.name, "error.range", "min", 0, "max", 10)
		}
	}
	return f.Err()
}
