package search

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unsafe"
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

// TestRunsLowerRuneByRune holds runs to lower-casing rune by rune, for text
// that needs it and text that does not (then runs are pieces of the text).
func TestRunsLowerRuneByRune(t *testing.T) {
	slow := func(text string, maxRunes int) []string {
		var out []string
		var b strings.Builder
		n := 0
		for _, r := range text {
			if maxRunes > 0 && n >= maxRunes {
				break
			}
			n++
			if isWordRune(r) {
				b.WriteRune(unicode.ToLower(r))
			} else if b.Len() > 0 {
				out = append(out, b.String())
				b.Reset()
			}
		}
		if b.Len() > 0 {
			out = append(out, b.String())
		}
		return out
	}
	pieces := []string{"普工", "CNC", "cnc", "İstanbul", "ΣΑΣ", "Ǆ", " ", "，", "\xff", "8000", "🙂", "-", "ａＢｃ"}
	r := rand.New(rand.NewPCG(3, 5))
	for range 20_000 {
		var b strings.Builder
		for range r.IntN(12) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		text, limit := b.String(), r.IntN(3)*7
		if got, want := runs(text, limit), slow(text, limit); !slices.Equal(got, want) {
			t.Fatalf("runs(%q, %d) = %q, want %q", text, limit, got, want)
		}
	}
}

// TestWordsKeepNoText: runs are pieces of the text they come from, but the
// cache of runs and the words it hands out (kept by the index) are not, so
// a long description is not kept alive by one of its words.
func TestWordsKeepNoText(t *testing.T) {
	text := "深圳市龙岗精密电子有限公司" + strings.Repeat("招聘普工包吃包住两班倒", 50) + "，欢迎CNC操作员"
	lo := uintptr(unsafe.Pointer(unsafe.StringData(text)))
	hi := lo + uintptr(len(text))
	inText := func(w string) bool {
		p := uintptr(unsafe.Pointer(unsafe.StringData(w)))
		return p >= lo && p < hi
	}
	for _, w := range append(Tokens(text), Query(text)...) {
		if inText(w) {
			t.Errorf("word %q points into the text", w)
		}
	}
	for _, ww := range Analyze(Doc{ID: 1, Description: text, Employer: text[:39], Title: "普工"}).words {
		if inText(ww.word) {
			t.Errorf("analyzed word %q points into the text", ww.word)
		}
	}
}
