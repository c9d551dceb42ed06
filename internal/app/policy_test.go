package app_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"easyjob/internal/app"
)

func TestPolicyTestCommand(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"policy", "test", "../policy/testdata/cases"}, 0, "0 failed"},
		{[]string{"policy", "test", "-v", "../policy/testdata/cases"}, 0, ": ok "},
		{[]string{"policy", "test", "../policy/testdata/badcases"}, 1, "wrong.yaml:8: FAIL wrong amount"},
		{[]string{"policy", "test", "--rules", "../policy/testdata/broken/typo-field", "../policy/testdata/cases"}, 1, "typo-field.yaml:16: field unknwon"},
		{[]string{"policy", "test", "no/such/dir"}, 1, "not a directory"},
		{[]string{"policy", "test"}, 2, "usage"},
		{[]string{"policy"}, 2, "usage"},
	} {
		var out, errb bytes.Buffer
		code := app.Main(context.Background(), c.args, strings.NewReader(""), &out, &errb, func(string) string { return "" })
		if code != c.code || !strings.Contains(out.String()+errb.String(), c.out) {
			t.Errorf("%v: code %d, out %q, err %q", c.args, code, out.String(), errb.String())
		}
	}
}
