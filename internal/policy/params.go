package policy

import (
	"math"
	"slices"

	"easyjob/internal/easyjob"
)

// ParamType is the kind of a parameter's values.
type ParamType string

const (
	TypeCNY    ParamType = "cny"    // an amount in CNY, ≥ 0 (also CNY per m² and the like)
	TypeRate   ParamType = "rate"   // a share, 0..1
	TypeMonths ParamType = "months" // a whole number of months, 0..120
	TypeDays   ParamType = "days"   // a whole number of days, 0..3660
)

// Param is a named value of a measure that changes on dates.
type Param struct {
	Name   string
	Type   ParamType
	Text   Text
	Values []DatedValue // From strictly increasing
}

// DatedValue is a parameter's value from a date on, until the next one.
type DatedValue struct {
	From       easyjob.Date
	Value      *float64 // nil: not known from this date on (Note says why)
	Source     string   // a source key of the shared data, or who decided it
	Assumption bool     // not stated by the source: Note says where it comes from
	Note       Text
}

// At returns the value on d; ok is false before the first value or while it is unknown.
func (p *Param) At(d easyjob.Date) (v float64, ok bool) {
	for i := len(p.Values) - 1; i >= 0; i-- {
		if !d.Before(p.Values[i].From) {
			if p.Values[i].Value == nil {
				return 0, false
			}
			return *p.Values[i].Value, true
		}
	}
	return 0, false
}

// check returns the field and message key of the first problem of v as the next value.
func (p *Param) check(v DatedValue) (field, key string) {
	switch {
	case v.From.IsZero() || v.From.Before(AsOfFirst) || v.From.After(AsOfLast):
		return "from", "policy.param.date_range"
	case len(p.Values) > 0 && !v.From.After(p.Values[len(p.Values)-1].From):
		return "from", "policy.param.not_after_last"
	case v.Value == nil && !v.Note.complete():
		return "note", "policy.param.unknown_needs_note"
	case v.Value != nil && !p.Type.valid(*v.Value):
		return "value", "policy.param.bad_value"
	case v.Source == "":
		return "source", "policy.param.no_source"
	case v.Assumption && !v.Note.complete():
		return "note", "policy.param.assumption_needs_note"
	}
	return "", ""
}

var paramMessages = map[string]string{
	"policy.param.date_range":            "the date must fall in 2020-01-01..2030-12-31",
	"policy.param.not_after_last":        "values must be dated strictly after the previous value",
	"policy.param.unknown_needs_note":    "a value that is not known (null) needs a note in zh and en",
	"policy.param.bad_value":             "the value does not fit the parameter's type",
	"policy.param.no_source":             "a value needs a source",
	"policy.param.assumption_needs_note": "an assumption needs a note in zh and en",
}

func (t ParamType) valid(v float64) bool {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return false
	}
	switch t {
	case TypeCNY:
		return v <= MaxAmountCNY
	case TypeRate:
		return v <= 1
	case TypeMonths:
		return v == math.Trunc(v) && v <= 120
	case TypeDays:
		return v == math.Trunc(v) && v <= 3660
	}
	return false
}

func (t ParamType) known() bool {
	return t == TypeCNY || t == TypeRate || t == TypeMonths || t == TypeDays
}

// segment holds the values of all of a measure's parameters from one date to the next.
type segment struct {
	from   easyjob.Date
	values map[string]float64
	known  uint64 // bit i: Params[i] has a value
}

// segment returns the parameter values on d (none before the first value of any).
func (m *Measure) segment(d easyjob.Date) *segment {
	i, found := slices.BinarySearchFunc(m.segs, d, func(s segment, d easyjob.Date) int {
		return s.from.Time().Compare(d.Time())
	})
	if !found {
		i--
	}
	if i < 0 {
		return &noValues
	}
	return &m.segs[i]
}

var noValues = segment{values: map[string]float64{}}

// buildSegments precomputes the values between every two change dates.
func (m *Measure) buildSegments() {
	var dates []easyjob.Date
	for _, p := range m.Params {
		for _, v := range p.Values {
			dates = append(dates, v.From)
		}
	}
	slices.SortFunc(dates, func(a, b easyjob.Date) int { return a.Time().Compare(b.Time()) })
	dates = slices.Compact(dates)
	m.segs = make([]segment, len(dates))
	for j, d := range dates {
		s := segment{from: d, values: make(map[string]float64, len(m.Params))}
		for i, p := range m.Params {
			if v, ok := p.At(d); ok {
				s.values[p.Name] = v
				s.known |= 1 << i
			}
		}
		m.segs[j] = s
	}
}

// WithParam returns a copy of r in which the parameter name of the measure slug takes the
// value v from v.From on. Results for dates before v.From do not change. The value must be
// dated strictly after the parameter's last value and fit its type; otherwise the error is
// an easyjob EINVALID error naming the field (slug, param, from, value, source, note).
func (r *Rules) WithParam(slug, name string, v DatedValue) (*Rules, error) {
	f := easyjob.Fields{}
	m := r.Measure(slug)
	if m == nil {
		f.Add("slug", "policy.param.unknown_measure")
		return nil, f.Err()
	}
	i := slices.IndexFunc(m.Params, func(p *Param) bool { return p.Name == name })
	if i < 0 {
		f.Add("param", "policy.param.unknown_param")
		return nil, f.Err()
	}
	if field, key := m.Params[i].check(v); field != "" {
		f.Add(field, key)
		return nil, f.Err()
	}
	p := *m.Params[i]
	p.Values = append(slices.Clip(p.Values), v)
	nm := *m
	nm.Params = slices.Clone(m.Params)
	nm.Params[i] = &p
	nm.buildSegments()
	return r.with(&nm), nil
}
