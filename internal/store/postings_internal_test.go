package store

import (
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"easyjob/internal/easyjob"
)

// A compacted posting reads the same, and its texts are one allocation.
func TestCompactPosting(t *testing.T) {
	p := easyjob.Posting{ID: 7, EmployerName: "深圳市" + strings.Repeat("电子", 3) + "有限公司", Status: easyjob.PostingStatus("pub" + "lished"),
		PostingInput: easyjob.PostingInput{Title: "普工", Occupation: "6-28-01-01", Shift: "两班倒",
			District: "440306", Address: "宝安区福永街道", Description: "包吃住，月薪六千"},
		Checks: []easyjob.Check{{Rule: "min_wage", Severity: easyjob.CheckWarning, Field: "pay_min", Key: "check.min_wage",
			Args: map[string]any{"pay": 1000}}}}
	want := p
	want.Checks = []easyjob.Check{p.Checks[0]}
	compactPosting(&p)
	if !reflect.DeepEqual(p, want) {
		t.Fatalf("compacted:\n%+v\nwant\n%+v", p, want)
	}
	base := uintptr(unsafe.Pointer(unsafe.StringData(p.EmployerName)))
	for _, s := range []string{p.Title, p.Occupation, p.Shift, p.District, p.Address, p.Description} {
		if at := uintptr(unsafe.Pointer(unsafe.StringData(s))); at < base || at >= base+256 {
			t.Errorf("%q is not in the posting's one allocation", s)
		}
	}
	if p.Status != easyjob.PostingPublished {
		t.Errorf("status %q", p.Status)
	}
}
