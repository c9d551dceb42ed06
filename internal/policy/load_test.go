package policy

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func mustDefault(tb testing.TB) *Rules {
	tb.Helper()
	r, err := Default()
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func TestDefaultLoadsSixteenMeasures(t *testing.T) {
	r := mustDefault(t)
	ms := r.Measures()
	if len(ms) != 16 {
		t.Fatalf("%d measures, want 16", len(ms))
	}
	for i, m := range ms {
		if m.No != i+1 {
			t.Errorf("measure %d is %s (no %d)", i+1, m.Slug, m.No)
		}
		if !m.Title.complete() || !m.Department.Name.complete() {
			t.Errorf("%s: title or department incomplete", m.Slug)
		}
		if r.Measure(m.Slug) != m {
			t.Errorf("Measure(%q) does not find it", m.Slug)
		}
	}
}

// Every rule file that leaves a detail out says so, so no default is silently invented.
func TestUnknownsAreDeclared(t *testing.T) {
	for _, m := range mustDefault(t).Measures() {
		declared := map[string]bool{}
		for _, u := range m.Unknown {
			declared[u.Field] = true
		}
		if (m.WithoutApplication == nil) != declared["without_application"] || (len(m.Documents) == 0) != declared["documents"] {
			t.Errorf("%s: without_application or documents not consistent with unknown", m.Slug)
		}
		for _, p := range m.Params {
			for _, v := range p.Values {
				if (v.Value == nil || v.Assumption) && !v.Note.complete() {
					t.Errorf("%s: %s from %s: an unknown or assumed value needs a note", m.Slug, p.Name, v.From)
				}
			}
		}
	}
}

func TestBrokenRuleFiles(t *testing.T) {
	fsys := os.DirFS("testdata/broken")
	for _, tc := range []struct {
		dir  string
		want []string // file:line: message fragments, all of which must appear
	}{
		{"typo-field", []string{"typo-field.yaml:16: field unknwon not found"}},
		{"bad-expression", []string{"bad-expression.yaml:12: condition a does not compile"}},
		{"bad-expression-block", []string{"bad-expression-block.yaml:14: condition a does not compile: unknown name staf"}},
		{"unknown-param", []string{"unknown-param.yaml:21: part x cny does not compile: unknown parameter p.month"}},
		{"overlapping-validity", []string{"overlapping-validity.yaml:8: the period overlaps"}},
		{"params-out-of-order", []string{"params-out-of-order.yaml:16: parameter \"rate\": values must be dated strictly after"}},
		{"bad-param-value", []string{"bad-param-value.yaml:16: parameter \"rate\": the value does not fit"}},
		{"bad-date", []string{"bad-date.yaml:8: a date must be YYYY-MM-DD"}},
		{"undeclared-unknown", []string{"undeclared-unknown.yaml:8: without_application", "undeclared-unknown.yaml:9: documents"}},
		{"wrong-slug", []string{"wrong-slug.yaml:1: slug \"other-name\""}},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			_, err := Load(fsys, tc.dir)
			if err == nil {
				t.Fatal("loaded")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\ndoes not contain %q", err, w)
				}
			}
			var le *LoadError
			if !errors.As(err, &le) || le.Line < 1 {
				t.Errorf("not a *LoadError with a line: %#v", err)
			}
		})
	}
}

func TestLoadEmptyDir(t *testing.T) {
	if _, err := Load(os.DirFS("testdata"), "nothing-here"); err == nil {
		t.Fatal("loaded an empty directory")
	}
}
