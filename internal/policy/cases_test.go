package policy

import (
	"os"
	"path"
	"strings"
	"testing"
)

// The case files in testdata/cases are the rules' specification, OpenFisca style.
func TestCases(t *testing.T) {
	results, err := RunCases(os.DirFS("testdata"), "cases")
	if err != nil {
		t.Fatal(err)
	}
	if len(results) < 16*4 {
		t.Fatalf("only %d cases", len(results))
	}
	for _, r := range results {
		if !r.Passed() {
			t.Error(r)
		}
	}
}

// Every measure has a case file named after it, with cases outside its validity.
func TestEveryMeasureHasCases(t *testing.T) {
	cases, err := LoadCases(os.DirFS("testdata"), "cases")
	if err != nil {
		t.Fatal(err)
	}
	outside := map[string]int{}
	for _, c := range cases {
		if want := strings.TrimSuffix(path.Base(c.File), ".yaml"); c.Measure != want {
			t.Errorf("%s:%d: a case for %s", c.File, c.Line, c.Measure)
		}
		if e := c.Expect.NotInForce; e != nil && *e {
			outside[c.Measure]++
		}
	}
	for _, m := range mustDefault(t).Measures() {
		if outside[m.Slug] < 2 {
			t.Errorf("%s: want cases before and after its validity, got %d", m.Slug, outside[m.Slug])
		}
	}
}

func TestCaseFailuresAreReported(t *testing.T) {
	results, err := RunCases(os.DirFS("testdata/badcases"), ".")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"status: want eligible, got not_eligible", "cny: want 1.00, got 40000.00", "missing: want [staff]", "error: want fields [staff]"}
	if len(results) != len(want) {
		t.Fatalf("%d results, want %d", len(results), len(want))
	}
	for i, r := range results {
		if r.Passed() || !strings.Contains(r.String(), want[i]) {
			t.Errorf("case %d: %s, want it to fail with %q", i, r, want[i])
		}
	}
}

func TestCaseFileErrors(t *testing.T) {
	for _, tc := range []struct{ dir, want string }{
		{"typo", "typo.yaml:6: field staf not found"},
		{"status", "status.yaml:6: unknown status \"eligble\""},
		{"measure", "unknown-measure.yaml:3: unknown measure \"rent-reliefs\""},
	} {
		_, err := RunCases(os.DirFS("testdata/brokencases"), tc.dir)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v does not contain %q", tc.dir, err, tc.want)
		}
	}
}
