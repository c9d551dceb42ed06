package policy

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path"
	"slices"
	"sort"
	"strings"

	"easyjob/internal/easyjob"
)

// Case is one OpenFisca-style test: a profile on a date and what one measure must answer.
type Case struct {
	File    string
	Line    int
	Measure string // slug
	Name    string
	Date    easyjob.Date
	Profile Profile
	Expect  Expect
}

// Expect is what a case checks; fields left out are not checked.
type Expect struct {
	Status     *Status
	CNY        *float64 // Benefit.CNY, to the fen
	Months     *int     // the months of the first deferral that applies
	Failed     string   // the id of the condition not met
	Missing    []string // the facts missing, by name, in any order
	NotInForce *bool
	Error      []string // the profile is rejected with errors on these fields
}

// CaseResult is the outcome of one case; it passed when Problems is empty.
type CaseResult struct {
	Case     Case
	Got      Result
	Problems []string
}

// Passed reports whether the case passed.
func (c CaseResult) Passed() bool { return len(c.Problems) == 0 }

func (c CaseResult) String() string {
	if c.Passed() {
		return fmt.Sprintf("%s:%d: ok %s", c.Case.File, c.Case.Line, c.Case.Name)
	}
	return fmt.Sprintf("%s:%d: FAIL %s: %s", c.Case.File, c.Case.Line, c.Case.Name, strings.Join(c.Problems, "; "))
}

type (
	yCaseFile struct {
		Measure string  `yaml:"measure"`
		Cases   []yCase `yaml:"cases"`
	}
	yCase struct {
		Name    string  `yaml:"name"`
		Measure string  `yaml:"measure"` // overrides the file's
		Date    date    `yaml:"date"`
		Profile Profile `yaml:"profile"`
		Expect  yExpect `yaml:"expect"`
	}
	yExpect struct {
		Status     string   `yaml:"status"`
		CNY        *float64 `yaml:"cny"`
		Months     *int     `yaml:"months"`
		Failed     string   `yaml:"failed"`
		Missing    []string `yaml:"missing"`
		NotInForce *bool    `yaml:"not_in_force"`
		Error      []string `yaml:"error"`
	}
)

// LoadCases reads every *.yaml case file in dir of fsys. A file names the measure its cases
// are for (measure: slug) and lists them under cases:, each with name, date, profile and
// expect (status, cny, months, failed, missing, not_in_force, error).
func LoadCases(fsys fs.FS, dir string) ([]Case, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	var out []Case
	var errs []error
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var y yCaseFile
		root, err := decodeStrict(name, b, &y)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for i, yc := range y.Cases {
			c := Case{File: name, Line: at(root, "cases", i).Line, Measure: cmp(yc.Measure, y.Measure),
				Name: yc.Name, Date: yc.Date.Date, Profile: yc.Profile}
			e := yc.Expect
			c.Expect = Expect{CNY: e.CNY, Months: e.Months, Failed: e.Failed, Missing: e.Missing, NotInForce: e.NotInForce, Error: e.Error}
			if e.Status != "" {
				s, ok := ParseStatus(e.Status)
				if !ok {
					errs = append(errs, &LoadError{name, at(root, "cases", i, "expect", "status").Line, fmt.Sprintf("unknown status %q", e.Status)})
				}
				c.Expect.Status = &s
			}
			if c.Measure == "" || c.Date.IsZero() {
				errs = append(errs, &LoadError{name, c.Line, "a case needs a measure and a date"})
			}
			out = append(out, c)
		}
	}
	return out, errors.Join(errs...)
}

func cmp(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// RunCases runs the case files in dir of fsys against the embedded rules.
func RunCases(fsys fs.FS, dir string) ([]CaseResult, error) {
	r, err := Default()
	if err != nil {
		return nil, err
	}
	return r.RunCases(fsys, dir)
}

// RunCases runs the case files in dir of fsys. The error is for files that cannot be read
// or name a measure that does not exist; failed cases are results with Problems.
func (r *Rules) RunCases(fsys fs.FS, dir string) ([]CaseResult, error) {
	cases, err := LoadCases(fsys, dir)
	if err != nil {
		return nil, err
	}
	var errs []error
	out := make([]CaseResult, 0, len(cases))
	for _, c := range cases {
		if r.Measure(c.Measure) == nil {
			errs = append(errs, &LoadError{c.File, c.Line, fmt.Sprintf("unknown measure %q", c.Measure)})
			continue
		}
		out = append(out, r.runCase(c))
	}
	return out, errors.Join(errs...)
}

func (r *Rules) runCase(c Case) CaseResult {
	cr := CaseResult{Case: c}
	e := c.Expect
	got, err := r.EvaluateOne(c.Measure, c.Profile, c.Date)
	cr.Got = got
	problem := func(format string, args ...any) { cr.Problems = append(cr.Problems, fmt.Sprintf(format, args...)) }
	if err != nil || e.Error != nil {
		var ee *easyjob.Error
		var fields []string
		if errors.As(err, &ee) {
			for k := range ee.Fields {
				fields = append(fields, k)
			}
		}
		if e.Error == nil || !sameSet(fields, e.Error) {
			problem("error: want fields %v, got %v", e.Error, err)
		}
		return cr
	}
	if e.Status != nil && got.Status != *e.Status {
		problem("status: want %s, got %s (%s)", e.Status, got.Status, got.Why().En)
	}
	if e.NotInForce != nil && got.NotInForce != *e.NotInForce {
		problem("not_in_force: want %v, got %v", *e.NotInForce, got.NotInForce)
	}
	if e.CNY != nil && math.Abs(got.Benefit.CNY-*e.CNY) > 0.005 {
		problem("cny: want %.2f, got %.2f", *e.CNY, got.Benefit.CNY)
	}
	if e.Months != nil {
		i := slices.IndexFunc(got.Benefit.Parts, func(p PartResult) bool { return p.Part.Kind == PartDeferral })
		if i < 0 || got.Benefit.Parts[i].Months != *e.Months {
			problem("months: want %d, got %v", *e.Months, got.Benefit.Parts)
		}
	}
	if e.Failed != "" && (got.Failed == nil || got.Failed.ID != e.Failed) {
		problem("failed: want %s, got %s", e.Failed, got.Why().En)
	}
	if e.Missing != nil && !sameSet(got.Missing.Names(), e.Missing) {
		problem("missing: want %v, got %v", e.Missing, got.Missing.Names())
	}
	return cr
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	sort.Strings(a)
	sort.Strings(b)
	return slices.Equal(a, b)
}
