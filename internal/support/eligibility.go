package support

import (
	"context"

	"easyjob/internal/easyjob"
	"easyjob/internal/policy"
	"easyjob/internal/store"
)

// Item is the answer of one measure for one profile on one date, in the reader's language.
type Item struct {
	Measure        string   `json:"measure"` // the slug
	No             int      `json:"no"`
	Title          string   `json:"title"`
	Department     string   `json:"department"`
	DepartmentName string   `json:"department_name"`
	Automatic      bool     `json:"automatic"` // granted without application (免申即享)
	Status         string   `json:"status"`    // eligible, not_eligible, needs_info, undetermined
	StatusLabel    string   `json:"status_label"`
	NotInForce     bool     `json:"not_in_force"`
	EstimateCNY    *float64 `json:"estimate_cny"` // null when no amount can be estimated
	EstimateAtMost bool     `json:"estimate_at_most"`
	DeferralMonths int      `json:"deferral_months"` // the deferral it grants, if any
	DeferralDays   int      `json:"deferral_days"`
	Benefit        string   `json:"benefit"` // what the benefit is, in plain words
	Reasons        []string `json:"reasons"` // why: the condition met or failed, what is missing, what is not known
	Missing        []string `json:"missing"` // the profile's fields needed to decide (by their JSON names)
	MissingLabels  []string `json:"missing_labels"`
	Caveats        []string `json:"caveats"` // what the sources do not say about the measure
}

// Eligible tells whether every condition is met.
func (i Item) Eligible() bool { return i.Status == policy.Eligible.String() }

// Estimated tells whether an amount was estimated.
func (i Item) Estimated() bool { return i.EstimateCNY != nil }

func itemOf(r policy.Result, lang string) Item {
	m := r.Measure
	run := running(m.Slug)
	d, _ := DepartmentOf(run.Department)
	it := Item{Measure: m.Slug, No: m.No, Title: m.Title.In(lang), Department: d.Key, DepartmentName: d.Name.In(lang),
		Automatic: run.Automatic, Status: r.Status.String(), StatusLabel: r.Status.Label().In(lang), NotInForce: r.NotInForce,
		Reasons: []string{r.Why().In(lang)}, Missing: r.Missing.Names(), MissingLabels: []string{}, Caveats: []string{}}
	for _, f := range r.Missing.Facts() {
		it.MissingLabels = append(it.MissingLabels, f.Label.In(lang))
	}
	if !r.NotInForce && r.Status != policy.NotEligible {
		it.Benefit = r.Benefit.Summary().In(lang)
		if r.Benefit.Estimated {
			v := r.Benefit.CNY
			it.EstimateCNY, it.EstimateAtMost = &v, r.Benefit.AtMost
		}
		for _, p := range r.Benefit.Parts {
			if p.Part.Kind == policy.PartDeferral && p.Estimated && it.DeferralMonths == 0 && it.DeferralDays == 0 {
				it.DeferralMonths, it.DeferralDays = p.Months, p.Days
			}
		}
	}
	for _, c := range m.Caveats() {
		it.Caveats = append(it.Caveats, c.In(lang))
	}
	return it
}

// Result is an eligibility check: every measure for one profile on one date.
type Result struct {
	AsOf  easyjob.Date `json:"as_of"`
	Items []Item       `json:"items"`
	// TotalCNY sums the estimates of the measures the profile is eligible for.
	TotalCNY float64 `json:"total_cny"`
}

// Eligible lists the items the profile is eligible for.
func (r Result) Eligible() []Item {
	var out []Item
	for _, it := range r.Items {
		if it.Eligible() {
			out = append(out, it)
		}
	}
	return out
}

// Check answers every measure for a profile on asOf (zero: DefaultAsOf of today). Impossible
// profile values and a date outside 2020–2030 are an EINVALID error naming the fields.
func (s *Service) Check(ctx context.Context, a easyjob.Actor, p policy.Profile, asOf easyjob.Date) (_ Result, err error) {
	defer func() { err = store.Wrap(err, "support.Check") }()
	if asOf.IsZero() {
		asOf = DefaultAsOf(s.S.Today())
	}
	r, err := s.Rules(ctx)
	if err != nil {
		return Result{}, err
	}
	rs, err := r.Evaluate(p, asOf)
	if err != nil {
		return Result{}, err
	}
	out := Result{AsOf: asOf, Items: make([]Item, len(rs))}
	for i, x := range rs {
		out.Items[i] = itemOf(x, a.Lang)
		if out.Items[i].Eligible() && out.Items[i].EstimateCNY != nil {
			out.TotalCNY += *out.Items[i].EstimateCNY
		}
	}
	return out, nil
}

// CheckEmployer answers every measure for the employer's stored profile on asOf.
func (s *Service) CheckEmployer(ctx context.Context, a easyjob.Actor, employerID int64, asOf easyjob.Date) (EnterpriseProfile, Result, error) {
	ep, err := s.Profile(ctx, a, employerID)
	if err != nil {
		return ep, Result{}, err
	}
	res, err := s.Check(ctx, a, ep.Profile, asOf)
	return ep, res, err
}
