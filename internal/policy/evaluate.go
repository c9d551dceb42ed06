package policy

import (
	"errors"
	"math"

	"easyjob/internal/easyjob"
)

// Result is the answer of one measure for one profile on one date.
type Result struct {
	Measure    *Measure
	AsOf       easyjob.Date
	Status     Status
	NotInForce bool       // NotEligible because the measure is not in force on AsOf
	Failed     *Condition // NotEligible: the first condition not met
	Missing    FactSet    // NeedsInfo: the facts needed to decide
	Gaps       ParamSet   // Undetermined: parameters with no known value on AsOf
	// Benefit is the estimate; for NeedsInfo and Undetermined it is what the enterprise
	// would get if eligible, as far as the known facts tell.
	Benefit Benefit
}

// Benefit is the estimated benefit of a measure.
type Benefit struct {
	CNY       float64 // the sum of the CNY parts that could be estimated, rounded to fen
	AtMost    bool    // CNY is a ceiling ("up to")
	Estimated bool    // at least one CNY part was estimated
	Parts     []PartResult
}

// PartResult is one part of the benefit that applies (or may apply) to the profile.
type PartResult struct {
	Part      *Part
	Estimated bool    // CNY (and Months, Days) were computed
	CNY       float64 // PartCNY: the amount; PartDeferral: the amount deferred, if given
	Months    int     // PartDeferral
	Days      int     // PartDeferral
	Unsure    bool    // whether the part applies is not known
	Missing   FactSet // facts needed to estimate it or to know if it applies
	Gaps      ParamSet
}

// ParamSet is a set of a measure's parameters (bit i is Params[i]).
type ParamSet uint64

// Of returns the parameters of m in s.
func (s ParamSet) Of(m *Measure) []*Param {
	var out []*Param
	for i, p := range m.Params {
		if s&(1<<i) != 0 {
			out = append(out, p)
		}
	}
	return out
}

// Evaluate answers every measure for the profile on asOf, in the order of the document.
// An invalid profile or a date outside AsOfFirst..AsOfLast gives an easyjob EINVALID error
// naming the fields; an error of an expression at run time is internal.
func (r *Rules) Evaluate(p Profile, asOf easyjob.Date) ([]Result, error) {
	err := errors.Join(p.Validate(), CheckAsOf(asOf))
	if err != nil {
		return nil, mergeInvalid(err)
	}
	s := &scope{known: known(&p)}
	s.env.Profile = p
	n := 0
	for _, m := range r.measures {
		n += len(m.Benefit)
	}
	out := make([]Result, len(r.measures))
	parts := make([]PartResult, 0, n)
	for i, m := range r.measures {
		if out[i], err = s.evaluate(m, asOf, &parts); err != nil {
			return nil, easyjob.Internal(err)
		}
	}
	return out, nil
}

// EvaluateOne answers one measure.
func (r *Rules) EvaluateOne(slug string, p Profile, asOf easyjob.Date) (Result, error) {
	m := r.Measure(slug)
	if m == nil {
		return Result{}, easyjob.NotFound("measure")
	}
	rs, err := (&Rules{measures: []*Measure{m}}).Evaluate(p, asOf)
	if err != nil {
		return Result{}, err
	}
	return rs[0], nil
}

func (s *scope) evaluate(m *Measure, asOf easyjob.Date, parts *[]PartResult) (Result, error) {
	res := Result{Measure: m, AsOf: asOf}
	if !m.InForce(asOf) {
		res.NotInForce = true
		return res, nil
	}
	if m.undetermined {
		res.Status = Undetermined
		return res, nil
	}
	seg := m.segment(asOf)
	s.env.P, s.params = seg.values, seg.known
	var miss FactSet
	var gaps uint64
	for _, c := range m.Conditions {
		v, mi, g, err := s.eval(c.c)
		if err != nil {
			return res, err
		}
		switch v {
		case tFalse:
			res.Failed = c
			return res, nil
		case tMissing:
			miss |= mi
			gaps |= g
		case tGap:
			gaps |= g
		}
	}
	switch {
	case miss != 0:
		res.Status, res.Missing = NeedsInfo, miss
	case gaps != 0:
		res.Status, res.Gaps = Undetermined, ParamSet(gaps)
	default:
		res.Status = Eligible
	}
	var err error
	res.Benefit, err = s.benefit(m, parts)
	return res, err
}

func (s *scope) benefit(m *Measure, parts *[]PartResult) (Benefit, error) {
	start := len(*parts)
	var b Benefit
	for _, pt := range m.Benefit {
		pr := PartResult{Part: pt}
		if pt.when != nil {
			v, mi, g, err := s.eval(pt.when)
			switch {
			case err != nil:
				return b, err
			case v == tFalse:
				continue
			case v != tTrue:
				pr.Unsure, pr.Missing, pr.Gaps = true, mi, ParamSet(g)
				*parts = append(*parts, pr)
				continue
			}
		}
		pr.Estimated = pt.Kind == PartCNY || pt.Kind == PartDeferral
		var cny, months, days float64
		for _, e := range [...]struct {
			n   *num
			dst *float64
		}{{pt.cny, &cny}, {pt.months, &months}, {pt.days, &days}} {
			if e.n == nil {
				continue
			}
			v, mi, g, err := s.number(e.n)
			if err != nil {
				return b, err
			}
			if mi != 0 || g != 0 {
				pr.Estimated, pr.Missing, pr.Gaps = false, pr.Missing|mi, pr.Gaps|ParamSet(g)
			}
			*e.dst = v
		}
		if pr.Estimated {
			pr.CNY, pr.Months, pr.Days = fen(cny), int(math.Round(months)), int(math.Round(days))
		}
		if pt.Kind == PartCNY && pr.Estimated {
			b.CNY += pr.CNY
			b.Estimated = true
			b.AtMost = b.AtMost || pt.AtMost
		}
		*parts = append(*parts, pr)
	}
	b.CNY = fen(b.CNY)
	b.Parts = (*parts)[start:len(*parts):len(*parts)]
	return b, nil
}

// mergeInvalid merges the EINVALID errors of the profile and of the date into one.
func mergeInvalid(err error) error {
	all := easyjob.Fields{}
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var ee *easyjob.Error
		if errors.As(e, &ee) {
			for k, v := range ee.Fields {
				all[k] = v
			}
		}
	}
	return all.Err()
}

// fen rounds an amount to the fen (0.01 CNY).
func fen(v float64) float64 { return math.Round(v*100) / 100 }
