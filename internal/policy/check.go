package policy

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// SourceKeys are the source keys of the shared data (shared/data/policies): the pages the
// summaries were assembled from, and OTHER for other_measures_found.csv.
var SourceKeys = []string{"EN_LIST", "EN_FULL", "CN_M1", "CN_BJNEWS", "CN_AMOUNTS", "VALIDITY", "PRESS", "OTHER"}

var (
	slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	nameRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
)

// checker collects the problems of one rule file with their lines.
type checker struct {
	file string
	root *yaml.Node
	errs []error
}

func (c *checker) errorf(steps []any, format string, args ...any) {
	c.errs = append(c.errs, &LoadError{c.file, at(c.root, steps...).Line, fmt.Sprintf(format, args...)})
}

// exprError reports err of the expression at steps, on the line inside the expression.
func (c *checker) exprError(steps []any, what string, err error) {
	n := at(c.root, steps...)
	line := n.Line
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		line++ // the text starts below the | or >
	}
	var ee *exprError
	if errors.As(err, &ee) {
		line += ee.line - 1
	}
	c.errs = append(c.errs, &LoadError{c.file, line, fmt.Sprintf("%s does not compile: %v", what, firstLine(err.Error()))})
}

func (c *checker) text(steps []any, t Text) {
	if !t.complete() {
		c.errorf(steps, "%s needs both zh and en", steps[len(steps)-1])
	}
}

func p(steps ...any) []any { return steps }

func parseMeasure(file string, b []byte) (*Measure, error) {
	var y yMeasure
	root, err := decodeStrict(file, b, &y)
	if err != nil {
		return nil, err
	}
	c := &checker{file: file, root: root}
	m := &Measure{
		Slug: y.Slug, No: y.No, Title: y.Title, Source: y.Source, File: file,
		Department:         Department{Key: y.Department.Key, Name: Text{y.Department.Zh, y.Department.En}},
		WithoutApplication: y.WithoutApplication, Documents: y.Documents,
	}
	if want := strings.TrimSuffix(path.Base(file), ".yaml"); !slugRE.MatchString(y.Slug) || y.Slug != want {
		c.errorf(p("slug"), "slug %q must be lower-case words joined by - and equal the file name %q", y.Slug, want)
	}
	if y.No < 1 || y.No > 99 {
		c.errorf(p("no"), "no must be the item number, 1..99")
	}
	c.text(p("title"), y.Title)
	if y.Department.Key == "" {
		c.errorf(p("department"), "department needs a key")
	}
	c.text(p("department"), m.Department.Name)
	c.source(y.Source)
	c.unknowns(m, y)
	c.validity(m, y.Validity)
	c.params(m, y.Params)
	c.conditions(m, y.Conditions)
	c.benefit(m, y.Benefit)
	if len(c.errs) > 0 {
		return nil, errors.Join(c.errs...)
	}
	m.buildSegments()
	return m, nil
}

func (c *checker) source(s Source) {
	if s.Document == "" || s.Item < 1 {
		c.errorf(p("source"), "source needs the document and the item")
	}
	if len(s.Keys) == 0 {
		c.errorf(p("source"), "source needs keys")
	}
	for i, k := range s.Keys {
		if !slices.Contains(SourceKeys, k) {
			c.errorf(p("source", "keys", i), "unknown source key %q (one of %s)", k, strings.Join(SourceKeys, ", "))
		}
	}
}

func (c *checker) unknowns(m *Measure, y yMeasure) {
	declared := map[string]bool{}
	for i, u := range y.Unknown {
		switch {
		case !slices.Contains(UnknownFields, u.Field):
			c.errorf(p("unknown", i, "field"), "unknown: field %q is not one of %s", u.Field, strings.Join(UnknownFields, ", "))
		case declared[u.Field]:
			c.errorf(p("unknown", i, "field"), "unknown: field %q declared twice", u.Field)
		}
		declared[u.Field] = true
		c.text(p("unknown", i, "note"), u.Note)
		m.Unknown = append(m.Unknown, Unknown(u))
	}
	if (y.WithoutApplication == nil) != declared["without_application"] {
		c.errorf(p("without_application"), "without_application must be true or false, or null and declared in unknown")
	}
	if (len(y.Documents) == 0) != declared["documents"] {
		c.errorf(p("documents"), "documents must be listed, or empty and declared in unknown")
	}
	for i, d := range y.Documents {
		c.text(p("documents", i), d)
	}
	m.undetermined = len(y.Conditions) == 0 && declared["conditions"]
}

func (c *checker) validity(m *Measure, ps []yPeriod) {
	if len(ps) == 0 {
		c.errorf(p("validity"), "validity needs at least one period")
	}
	for i, y := range ps {
		pr := Period{y.From.Date, y.To.Date}
		switch {
		case pr.From.IsZero() || pr.To.IsZero():
			c.errorf(p("validity", i), "a period needs from and to")
		case pr.To.Before(pr.From):
			c.errorf(p("validity", i, "to"), "the period ends before it starts")
		case i > 0 && !pr.From.After(m.Validity[i-1].To):
			c.errorf(p("validity", i, "from"), "the period overlaps the one before or is out of order")
		}
		m.Validity = append(m.Validity, pr)
	}
}

func (c *checker) params(m *Measure, ys []yParam) {
	if len(ys) > 64 {
		c.errorf(p("params"), "at most 64 parameters")
		return
	}
	for i, y := range ys {
		prm := &Param{Name: y.Name, Type: ParamType(y.Type), Text: y.Text}
		switch {
		case !nameRE.MatchString(y.Name):
			c.errorf(p("params", i, "name"), "parameter name %q must be lower_case", y.Name)
		case m.Param(y.Name) != nil:
			c.errorf(p("params", i, "name"), "parameter %q declared twice", y.Name)
		}
		if !prm.Type.known() {
			c.errorf(p("params", i, "type"), "parameter type %q is not one of cny, rate, months, days", y.Type)
		}
		c.text(p("params", i, "text"), y.Text)
		if len(y.Values) == 0 {
			c.errorf(p("params", i), "parameter %q needs at least one value", y.Name)
		}
		for j, v := range y.Values {
			dv := DatedValue{From: v.From.Date, Value: v.Value, Source: v.Source, Assumption: v.Assumption, Note: v.Note}
			if field, key := prm.check(dv); field != "" && prm.Type.known() {
				c.errorf(p("params", i, "values", j, field), "parameter %q: %s", y.Name, paramMessages[key])
			}
			prm.Values = append(prm.Values, dv)
		}
		m.Params = append(m.Params, prm)
	}
}

func (c *checker) conditions(m *Measure, ys []yCond) {
	for i, y := range ys {
		if y.ID == "" || slices.ContainsFunc(m.Conditions, func(o *Condition) bool { return o.ID == y.ID }) {
			c.errorf(p("conditions", i), "a condition needs an id of its own")
		}
		c.text(p("conditions", i, "text"), y.Text)
		cd := &Condition{ID: y.ID, When: y.When, Text: y.Text}
		var err error
		if cd.c, err = compileCond(y.When, m.Params); err != nil {
			c.exprError(p("conditions", i, "when"), "condition "+y.ID, err)
		}
		m.Conditions = append(m.Conditions, cd)
	}
}

func (c *checker) benefit(m *Measure, ys []yPart) {
	if len(ys) == 0 {
		c.errorf(p("benefit"), "benefit needs at least one part")
	}
	for i, y := range ys {
		pt := &Part{ID: y.ID, When: y.When, Text: y.Text, CNY: y.CNY, AtMost: y.AtMost,
			Months: y.Months, Days: y.Days, After: y.After, Note: y.Note}
		k := slices.Index(partKinds[:], y.Kind)
		if k < 0 {
			c.errorf(p("benefit", i, "kind"), "kind %q is not one of %s", y.Kind, strings.Join(partKinds[:], ", "))
		}
		pt.Kind = PartKind(max(k, 0))
		if y.ID == "" || slices.ContainsFunc(m.Benefit, func(o *Part) bool { return o.ID == y.ID }) {
			c.errorf(p("benefit", i), "a part needs an id of its own")
		}
		c.text(p("benefit", i, "text"), y.Text)
		switch pt.Kind {
		case PartCNY:
			if y.CNY == "" {
				c.errorf(p("benefit", i), "a cny part needs cny")
			}
		case PartDeferral:
			if y.Months == "" && y.Days == "" {
				c.errorf(p("benefit", i), "a deferral needs months or days")
			}
			c.text(p("benefit", i, "after"), y.After)
		case PartNotEstimated:
			c.text(p("benefit", i, "note"), y.Note)
		}
		var err error
		if y.When != "" {
			if pt.when, err = compileCond(y.When, m.Params); err != nil {
				c.exprError(p("benefit", i, "when"), "part "+y.ID+" when", err)
			}
		}
		for _, e := range []struct {
			key, src string
			dst      **num
		}{{"cny", y.CNY, &pt.cny}, {"months", y.Months, &pt.months}, {"days", y.Days, &pt.days}} {
			if e.src == "" {
				continue
			}
			if *e.dst, err = compileNum(e.src, m.Params); err != nil {
				c.exprError(p("benefit", i, e.key), "part "+y.ID+" "+e.key, err)
			}
		}
		m.Benefit = append(m.Benefit, pt)
	}
}
