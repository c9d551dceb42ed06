package search

import (
	"slices"
	"strings"
	"testing"
)

func TestTokensFindShortWords(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"电子厂普工", []string{"普工", "电子厂"}},
		{"小区保安（包吃住）", []string{"保安", "包吃住"}},
		{"招聘货车司机，月薪 8000", []string{"司机", "8000"}},
		{"深圳市龙岗精密电子有限公司", []string{"深圳", "深圳市", "龙岗", "有限公司"}},
		{"CNC操作员", []string{"cnc"}},
	} {
		got := Tokens(tc.text)
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("Tokens(%q) = %q, missing %q", tc.text, got, w)
			}
		}
		for _, w := range got {
			if w != strings.ToLower(w) || strings.ContainsAny(w, "，（）、 ") {
				t.Errorf("Tokens(%q) has %q", tc.text, w)
			}
		}
	}
}

func TestQueryIsSafeAndBounded(t *testing.T) {
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"普工", []string{"普工"}},
		{"  保安 ", []string{"保安"}},
		{`"司机" OR 1=1; DROP TABLE postings; -- * NEAR(a b) ^`, []string{"司机", "or", "1", "drop", "table", "postings", "near", "a", "b"}},
		{"🙂🙂", nil},
		{"", nil},
	} {
		got := Query(tc.q)
		if !slices.Equal(got, tc.want) {
			t.Errorf("Query(%q) = %q, want %q", tc.q, got, tc.want)
		}
	}
	long := strings.Repeat("普工保安司机", 500)
	if got := Query(long); len(got) > MaxQueryTerms {
		t.Errorf("Query(long) has %d terms", len(got))
	}
	many := strings.Repeat("a b c d e f g h i j k l m n o p q r s t ", 50)
	if got := Query(many); len(got) != MaxQueryTerms {
		t.Errorf("Query(many) has %d terms, want %d", len(got), MaxQueryTerms)
	}
}
