package policy

import "easyjob/internal/easyjob"

// Measure is one support measure as loaded from its rule file. Treat it as read-only:
// Rules share measures.
type Measure struct {
	Slug       string
	No         int // the item number in the official document
	Title      Text
	Department Department
	Source     Source
	Validity   []Period // in order, not overlapping
	// WithoutApplication is true when granted without application (免申即享), nil when the
	// source does not say.
	WithoutApplication *bool
	Documents          []Text // documents required; nil when the source does not say
	Params             []*Param
	Conditions         []*Condition // all must hold
	Benefit            []*Part
	Unknown            []Unknown // what the source does not say, shown with every result
	File               string    // the rule file it was loaded from

	segs         []segment // parameter values by date, see params.go
	undetermined bool      // no conditions and they are declared unknown
}

// Department is the department responsible for a measure.
type Department struct {
	Key  string // stable key, e.g. "sz-drc"
	Name Text
}

// Source says where the rule comes from.
type Source struct {
	Document string   // the document's title
	Item     int      // the item in the document
	Keys     []string // source keys of the shared data (EN_LIST, CN_AMOUNTS, …)
	Summary  string   // the summary the rule was written from
}

// Period is a validity period, both dates included.
type Period struct{ From, To easyjob.Date }

// Contains reports whether d falls in the period.
func (p Period) Contains(d easyjob.Date) bool { return !d.Before(p.From) && !d.After(p.To) }

// Condition is one eligibility condition: an expression over the Profile and p.params.
type Condition struct {
	ID   string
	When string // the expression
	Text Text   // the requirement in plain words, shown when it is not met
	c    *cond
}

// PartKind is the kind of one part of a benefit.
type PartKind uint8

const (
	PartCNY          PartKind = iota // an amount in CNY (a grant, a refund, a saving)
	PartDeferral                     // a deferral of payments by months and days
	PartNonMonetary                  // a benefit that is not money (e.g. flexible hours)
	PartNotEstimated                 // money whose amount the source does not give
)

var partKinds = [...]string{"cny", "deferral", "non_monetary", "not_estimated"}

func (k PartKind) String() string { return partKinds[k] }

// Part is one part of a measure's benefit.
type Part struct {
	ID     string
	Kind   PartKind
	When   string // optional: the part applies only when this holds
	Text   Text   // what the part is
	CNY    string // PartCNY: the amount; PartDeferral: optionally the amount deferred
	AtMost bool   // the amount is a ceiling ("up to")
	Months string // PartDeferral
	Days   string // PartDeferral
	After  Text   // PartDeferral: the deferral runs from this event
	Note   Text   // PartNotEstimated: why; otherwise optional

	when              *cond
	cny, months, days *num
}

// Unknown records a detail of a measure that the source does not give.
type Unknown struct {
	Field string // one of UnknownFields
	Note  Text
}

// UnknownFields are the details a rule file may declare unknown.
var UnknownFields = []string{
	"title_zh", "department", "documents", "without_application", "conditions",
	"benefit", "validity", "mapping",
}

// InForce reports whether the measure is in force on d.
func (m *Measure) InForce(d easyjob.Date) bool {
	for _, p := range m.Validity {
		if p.Contains(d) {
			return true
		}
	}
	return false
}

// Param returns the parameter called name, or nil.
func (m *Measure) Param(name string) *Param {
	for _, p := range m.Params {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// Caveats joins the notes of what is unknown about the measure.
func (m *Measure) Caveats() []Text {
	out := make([]Text, len(m.Unknown))
	for i, u := range m.Unknown {
		out[i] = u.Note
	}
	return out
}
