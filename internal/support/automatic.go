package support

import (
	"context"
	"slices"
	"strings"

	"easyjob/internal/easyjob"
	"easyjob/internal/policy"
	"easyjob/internal/store"
)

// The city-wide run of the measures granted without application (免申即享). RunAutomatic is
// a plain method for the task queue to call (daily, say); it is idempotent: an enterprise is
// notified of a measure once (support_claims.notified_at is set only where it is 0).

// AutomaticSlugs lists the measures the city grants without application, in slug order.
func AutomaticSlugs() []string {
	var out []string
	for slug, r := range Catalogue {
		if r.Automatic {
			out = append(out, slug)
		}
	}
	slices.Sort(out)
	return out
}

// Grant is one enterprise found eligible for an automatic measure.
type Grant struct {
	EmployerID  int64
	Measure     string
	EstimateCNY *float64
}

// Sweep evaluates the rules r (usually r.Only(AutomaticSlugs()...)) for each profile on asOf
// and calls grant for every measure a profile is eligible for. It is pure; a profile that
// does not validate is skipped (stored profiles were validated when saved).
func Sweep(r *policy.Rules, asOf easyjob.Date, next func() (int64, policy.Profile, bool), grant func(Grant)) (profiles int) {
	for {
		id, p, ok := next()
		if !ok {
			return profiles
		}
		profiles++
		rs, err := r.Evaluate(p, asOf)
		if err != nil {
			continue
		}
		for _, x := range rs {
			if x.Status != policy.Eligible {
				continue
			}
			g := Grant{EmployerID: id, Measure: x.Measure.Slug}
			if x.Benefit.Estimated {
				v := x.Benefit.CNY
				g.EstimateCNY = &v
			}
			grant(g)
		}
	}
}

// AutoRun says what one RunAutomatic did.
type AutoRun struct {
	AsOf     easyjob.Date `json:"as_of"`
	Profiles int          `json:"profiles"`
	Eligible int          `json:"eligible"` // enterprise × measure pairs eligible
	Notified int          `json:"notified"` // pairs newly recorded and notified
	Messages int          `json:"messages"` // text messages written (one per enterprise)
}

// autoBatch is how many enterprises one transaction of RunAutomatic records.
const autoBatch = 200

// RunAutomatic evaluates the automatic measures for every stored profile on asOf and, for
// each enterprise newly found eligible, records the grant (support_claims: automatic,
// notified) and sends one text message to its contact naming the measures.
func (s *Service) RunAutomatic(ctx context.Context, asOf easyjob.Date) (out AutoRun, err error) {
	defer func() { err = store.Wrap(err, "support.RunAutomatic", "as_of", asOf) }()
	if err := policy.CheckAsOf(asOf); err != nil {
		return out, err
	}
	out.AsOf = asOf
	r, err := s.Rules(ctx)
	if err != nil {
		return out, err
	}
	auto := r.Only(AutomaticSlugs()...)
	byEmployer := map[int64][]Grant{}
	var order []int64
	var ids []int64
	var ps []policy.Profile
	if err := s.allProfiles(ctx, func(id int64, p policy.Profile) error {
		ids, ps = append(ids, id), append(ps, p)
		return nil
	}); err != nil {
		return out, err
	}
	i := 0
	out.Profiles = Sweep(auto, asOf, func() (int64, policy.Profile, bool) {
		if i == len(ids) {
			return 0, policy.Profile{}, false
		}
		i++
		return ids[i-1], ps[i-1], true
	}, func(g Grant) {
		if byEmployer[g.EmployerID] == nil {
			order = append(order, g.EmployerID)
		}
		byEmployer[g.EmployerID] = append(byEmployer[g.EmployerID], g)
		out.Eligible++
	})
	titles := map[string]string{}
	for _, m := range auto.Measures() {
		titles[m.Slug] = m.Title.Zh
	}
	for lo := 0; lo < len(order); lo += autoBatch {
		batch := order[lo:min(len(order), lo+autoBatch)]
		phones := map[int64]string{}
		for _, id := range batch {
			e, err := s.S.Employer(ctx, id)
			if err != nil {
				return out, err
			}
			phones[id] = e.ContactPhone
		}
		var notified, messages int
		err := s.S.Tx(ctx, func(tx *store.Tx) error {
			notified, messages = 0, 0
			for _, id := range batch {
				var named []string
				for _, g := range byEmployer[id] {
					res, err := tx.ExecContext(ctx, `INSERT INTO support_claims (employer_id, measure, automatic, estimate_cny, notified_at, updated_at)
						VALUES ($1, $2, TRUE, $3, $4, $4) ON CONFLICT (employer_id, measure) DO UPDATE SET automatic = TRUE,
						estimate_cny = excluded.estimate_cny, notified_at = excluded.notified_at, updated_at = excluded.updated_at
						WHERE support_claims.notified_at = 0`, id, g.Measure, g.EstimateCNY, tx.At)
					if err != nil {
						return err
					}
					if n, _ := res.RowsAffected(); n > 0 {
						notified++
						named = append(named, titles[g.Measure])
					}
				}
				if len(named) == 0 || phones[id] == "" {
					continue
				}
				if err := s.S.Send(ctx, tx, phones[id], "support_automatic", "support.sms.automatic",
					"measures", strings.Join(named, "、")); err != nil {
					return err
				}
				messages++
			}
			return nil
		})
		if err != nil {
			return out, err
		}
		out.Notified += notified
		out.Messages += messages
	}
	return out, nil
}
