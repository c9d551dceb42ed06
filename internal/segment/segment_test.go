package segment_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"easyjob/internal/segment"

	"github.com/go-ego/gse"
)

func tiny(t *testing.T, words map[string]float64) *segment.Dict {
	t.Helper()
	d := segment.NewDict()
	for w, f := range words {
		if err := d.Add(w, f); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

func TestCutPicksTheMostProbableWords(t *testing.T) {
	d := tiny(t, map[string]float64{
		"研究": 100, "研究生": 50, "生命": 100, "命": 10, "起源": 100, "的": 1000,
		"工人": 80, "人": 40, "工": 40, "叉车": 60, "叉车工": 60,
	})
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"研究生命的起源", []string{"研究", "生命", "的", "起源"}},
		{"叉车工人", []string{"叉车", "工人"}},
		{"叉车工", []string{"叉车工"}},                               // a tie goes to the longer word
		{"cnc操作员8000", []string{"cnc", "操", "作", "员", "8000"}}, // letters and digits stay together
		{"a叉车b", []string{"a", "叉车", "b"}},
		{"", nil},
	} {
		if got := d.Cut(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("Cut(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got, want := d.CutSearch("研究生命"), []string{"研究", "生命"}; !slices.Equal(got, want) {
		t.Errorf("CutSearch = %q, want %q", got, want)
	}
	if got, want := d.CutSearch("叉车工"), []string{"叉车", "叉车工"}; !slices.Equal(got, want) {
		t.Errorf("CutSearch = %q, want %q", got, want)
	}
}

func TestDictRules(t *testing.T) {
	d := segment.NewDict()
	for _, bad := range []struct {
		w string
		f float64
	}{{"", 3}, {"工", 0}, {"工", -1}} {
		if err := d.Add(bad.w, bad.f); err == nil {
			t.Errorf("Add(%q, %v) accepted", bad.w, bad.f)
		}
	}
	d.Load("普工 5 n\n包吃住 1 n\n工 900 n\nCNC 7 eng\n  \n坏行\n叉车 x n\n叉车 3\n叉车 9 n\n")
	for w, want := range map[string]float64{
		"普工": 5, "包吃住": 0, // below 2: skipped
		"工":   2,                    // one character counts 2
		"cnc": 7, "CNC": 7, "叉车": 3, // the first line of a word wins
		"普": 0, // a prefix is no word
	} {
		if got := d.Freq(w); got != want {
			t.Errorf("Freq(%q) = %v, want %v", w, got, want)
		}
	}
	if d.Words() != 4 || d.Total() != 5+2+7+3 {
		t.Errorf("Words %d, Total %v", d.Words(), d.Total())
	}
}

// jobWords are some words given first, as the search index gives its job words.
var jobWords = []string{"普工", "包吃住", "包吃包住", "两班倒", "叉车工", "五险一金", "操作工", "CNC", "电子厂"}

func gseLike(t *testing.T) *gse.Segmenter {
	t.Helper()
	var seg gse.Segmenter
	seg.SkipLog, seg.NotLoadHMM = true, true
	seg.Dict = gse.NewDict()
	seg.Init()
	for _, w := range jobWords {
		if err := seg.AddToken(strings.ToLower(w), 5000); err != nil {
			t.Fatal(err)
		}
	}
	if err := seg.LoadDictEmbed("zh_s"); err != nil {
		t.Fatal(err)
	}
	return &seg
}

func TestChineseDictionary(t *testing.T) {
	d, err := segment.Chinese(5000, jobWords...)
	if err != nil {
		t.Fatal(err)
	}
	seg := gseLike(t)
	if d.Words() < 300_000 || d.Words() != seg.Dict.NumTokens() || d.Total() != seg.Dict.TotalFreq() {
		t.Fatalf("%d words, total %v; gse has %d, total %v", d.Words(), d.Total(), seg.Dict.NumTokens(), seg.Dict.TotalFreq())
	}
	if d.Freq("叉车工") != 5000 || d.Freq("深圳") == 0 {
		t.Errorf("叉车工 %v, 深圳 %v", d.Freq("叉车工"), d.Freq("深圳"))
	}
}

// TestSameWordsAsGse cuts every word of the dictionary, and texts made of
// its words, characters, letters and digits, with both, and wants the same
// words: the index keeps the words gse gave it.
func TestSameWordsAsGse(t *testing.T) {
	d, err := segment.Chinese(5000, jobWords...)
	if err != nil {
		t.Fatal(err)
	}
	seg := gseLike(t)
	var words []string
	for _, tok := range seg.Dict.Tokens {
		words = append(words, tok.Text())
	}
	texts := append([]string(nil), words...)
	r := rand.New(rand.NewPCG(11, 2026))
	pick := func() string {
		switch r.IntN(10) {
		case 0: // one character of a word: often no word, or only the start of one
			w := words[r.IntN(len(words))]
			_, n := utf8.DecodeRuneInString(w)
			return w[:n]
		case 1:
			return string(rune('a' + r.IntN(26)))
		case 2:
			return string(rune('0' + r.IntN(10)))
		case 3: // the start of a longer word, cut off
			w := []rune(words[r.IntN(len(words))])
			return string(w[:max(1, len(w)-1)])
		default:
			return words[r.IntN(len(words))]
		}
	}
	for range 100_000 {
		var b strings.Builder
		for range 1 + r.IntN(8) {
			b.WriteString(pick())
		}
		texts = append(texts, b.String())
	}
	texts = append(texts, "深圳市龙岗精密电子有限公司招聘cnc操作员月薪8000包吃包住两班倒", "普工", "a", "8")
	bad := 0
	for _, s := range texts {
		s = strings.ToLower(s)
		if got, want := d.Cut(s), seg.Cut(s, false); !slices.Equal(got, want) {
			t.Errorf("Cut(%q) = %q, gse %q", s, got, want)
			bad++
		}
		if got, want := d.CutSearch(s), seg.CutSearch(s, false); !slices.Equal(got, want) {
			t.Errorf("CutSearch(%q) = %q, gse %q", s, got, want)
			bad++
		}
		if bad > 20 {
			t.Fatal("too many differences")
		}
	}
}

func BenchmarkChinese(b *testing.B) {
	for b.Loop() {
		if _, err := segment.Chinese(5000, jobWords...); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCutSearch(b *testing.B) {
	d, err := segment.Chinese(5000, jobWords...)
	if err != nil {
		b.Fatal(err)
	}
	const text = "深圳市龙岗精密电子有限公司招聘cnc操作员月薪8000包吃包住两班倒"
	for b.Loop() {
		d.CutSearch(text)
	}
}
