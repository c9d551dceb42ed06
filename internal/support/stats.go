package support

import (
	"context"

	"easyjob/internal/easyjob"
	"easyjob/internal/policy"
	"easyjob/internal/store"
)

// MeasureStat is how one measure is doing: enterprises eligible on a date (among those with
// a profile), applied or notified, obtained, the mean days from applying (or notification)
// to the benefit, and the tickets about it.
type MeasureStat struct {
	Measure        string   `json:"measure"`
	No             int      `json:"no"`
	Title          string   `json:"title"`
	Department     string   `json:"department"`
	Automatic      bool     `json:"automatic"`
	Eligible       int      `json:"eligible"`
	Applied        int      `json:"applied"`
	Obtained       int      `json:"obtained"`
	DaysToBenefit  *float64 `json:"days_to_benefit"` // mean; null when none obtained
	OpenTickets    int      `json:"open_tickets"`
	OverdueTickets int      `json:"overdue_tickets"`
}

// Stats answers, for officers, each measure's figures on asOf (zero: DefaultAsOf of today),
// counting the enterprises of the officer's districts (all for city-wide officers).
func (s *Service) Stats(ctx context.Context, a easyjob.Actor, asOf easyjob.Date) (_ []MeasureStat, err error) {
	defer func() { err = store.Wrap(err, "support.Stats") }()
	if !a.IsOfficer() {
		return nil, forbidden()
	}
	if asOf.IsZero() {
		asOf = DefaultAsOf(s.S.Today())
	}
	if err := policy.CheckAsOf(asOf); err != nil {
		return nil, err
	}
	r, err := s.Rules(ctx)
	if err != nil {
		return nil, err
	}
	ms := r.Measures()
	out := make([]MeasureStat, len(ms))
	idx := map[string]int{}
	for i, m := range ms {
		run := running(m.Slug)
		out[i] = MeasureStat{Measure: m.Slug, No: m.No, Title: m.Title.In(a.Lang), Department: run.Department, Automatic: run.Automatic}
		idx[m.Slug] = i
	}
	err = s.allProfiles(ctx, func(id int64, p policy.Profile) error {
		if !a.Scope.District(p.District) {
			return nil
		}
		rs, err := r.Evaluate(p, asOf)
		if err != nil {
			return nil // a stored profile the rules now refuse is not counted
		}
		for i, x := range rs {
			if x.Status == policy.Eligible {
				out[i].Eligible++
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var w store.Where
	w.Scope(a.Scope, "", "e.district")
	claims, err := store.Select(ctx, s.S.DB.R, scanClaim, `SELECT c.measure, c.automatic, c.estimate_cny, c.notified_at, c.applied_at,
		c.obtained_on, c.obtained_cny FROM support_claims c JOIN employers e ON e.id = c.employer_id`+w.SQL(), w.Args()...)
	if err != nil {
		return nil, err
	}
	sums := make([]float64, len(out))
	counted := make([]int, len(out))
	for _, c := range claims {
		i, ok := idx[c.Measure]
		if !ok {
			continue
		}
		if c.Applied() {
			out[i].Applied++
		}
		if c.Obtained() {
			out[i].Obtained++
			if since := c.since(); !since.IsZero() {
				sums[i] += float64(easyjob.DateOf(since).DaysUntil(c.ObtainedOn))
				counted[i]++
			}
		}
	}
	for i := range out {
		if counted[i] > 0 {
			v := sums[i] / float64(counted[i])
			out[i].DaysToBenefit = &v
		}
	}
	var tw store.Where
	tw.Scope(a.Scope, "", "district")
	tw.Add("closed_at = 0 AND measure <> ''")
	type open struct {
		measure string
		overdue bool
	}
	opens, err := store.Select(ctx, s.S.DB.R, func(row store.Scanner) (open, error) {
		var o open
		var rank, reminded int
		err := row.Scan(&o.measure, &rank, &reminded)
		o.overdue = reminded > 0 && rank < StatusNotHelped.Rank()
		return o, err
	}, `SELECT measure, status_rank, reminded FROM support_tickets`+tw.SQL(), tw.Args()...)
	if err != nil {
		return nil, err
	}
	for _, o := range opens {
		if i, ok := idx[o.measure]; ok {
			out[i].OpenTickets++
			if o.overdue {
				out[i].OverdueTickets++
			}
		}
	}
	return out, nil
}
