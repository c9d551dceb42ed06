// Package search segments Chinese text into words with gse and keeps an
// in-memory inverted index of open postings with filters and facet counts.
// It does no I/O: the store feeds it rows and asks it questions.
package search

import (
	"strings"
	"sync"
	"unicode"

	"easyjob/internal/occupation"

	"github.com/go-ego/gse"
)

// Limits on queries: longer input is cut, extra terms are dropped, so that
// a query of any length costs about the same.
const (
	MaxQueryRunes = 200
	MaxQueryTerms = 16
)

var (
	segOnce sync.Once
	seg     gse.Segmenter
)

// Load loads the segmenter's dictionary (gse's embedded simplified Chinese
// dictionary, about 3 s). Tokens and Query call it on first use; calling it
// at start keeps that cost out of the first request.
func Load() {
	segOnce.Do(func() {
		seg.SkipLog = true
		seg.NotLoadHMM = true // cuts never use HMM: the same text always gives the same words
		// The job words go in first, then the general dictionary, which
		// works out every word's cuts once at its end (CalcToken: adding
		// the job words after it meant a second pass over 350,000 words,
		// 0.8 s of the index build at start). A word in both keeps
		// jobWordFreq.
		seg.Dict = gse.NewDict()
		seg.Init()
		for _, w := range jobWords() {
			seg.AddToken(strings.ToLower(w), jobWordFreq)
		}
		if err := seg.LoadDictEmbed("zh_s"); err != nil {
			panic("search: loading the embedded dictionary: " + err.Error())
		}
	})
}

// jobWordFreq is the dictionary frequency given to job words, high enough
// that the segmenter keeps them whole.
const jobWordFreq = 5000

// jobWords are words of job postings that the general dictionary lacks or
// splits: the trades' keywords and names, and stock phrases.
func jobWords() []string {
	ws := []string{"普工", "包吃住", "包吃包住", "包住", "包吃", "长期工", "临时工", "小时工", "急招",
		"两班倒", "三班倒", "长白班", "叉车工", "分拣员", "操作工", "杂工", "焊工", "电工", "快递员",
		"外卖员", "骑手", "保洁", "保洁员", "保安员", "月薪", "底薪", "计件", "五险", "一金", "五险一金",
		"满勤奖", "夜班", "白班", "坐班", "站班", "工衣", "宿舍", "食堂"}
	for _, t := range occupation.Trades() {
		ws = append(ws, t.Keywords...)
		ws = append(ws, occupation.Name(t.Code))
	}
	return ws
}

// runCache remembers the words of recent text runs: postings repeat their
// employer's name and many stock phrases (包吃包住, 两班倒 …).
type runCache struct {
	mu sync.Mutex
	m  map[string][]string
}

const runCacheMax = 200_000

var (
	indexCache = runCache{m: map[string][]string{}}
	queryCache = runCache{m: map[string][]string{}}
)

func (c *runCache) get(run string, cut func(string) []string) []string {
	c.mu.Lock()
	w, ok := c.m[run]
	c.mu.Unlock()
	if ok {
		return w
	}
	w = cut(run)
	c.mu.Lock()
	if len(c.m) >= runCacheMax {
		clear(c.m)
	}
	c.m[run] = w
	c.mu.Unlock()
	return w
}

// isWordRune tells whether r belongs in a word: letters (CJK included) and digits.
func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// runs splits text into maximal runs of letters and digits, lower-cased;
// everything else (punctuation, spaces, symbols, emoji, FTS or SQL syntax)
// separates runs and is dropped.
func runs(text string, maxRunes int) []string {
	var out []string
	var b strings.Builder
	n := 0
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	for _, r := range text {
		if maxRunes > 0 && n >= maxRunes {
			break
		}
		n++
		if isWordRune(r) {
			b.WriteRune(unicode.ToLower(r))
		} else {
			flush()
		}
	}
	flush()
	return out
}

func keep(w string) bool {
	for _, r := range w {
		if isWordRune(r) {
			return true
		}
	}
	return false
}

// Tokens returns the distinct words of text for indexing, in order of first
// appearance: gse's search-mode segmentation (long words and the shorter
// dictionary words inside them), lower-cased, without punctuation.
func Tokens(text string) []string {
	Load()
	var out []string
	seen := map[string]bool{}
	for _, run := range runs(text, 0) {
		for _, w := range indexCache.get(run, func(s string) []string { return seg.CutSearch(s, false) }) {
			w = strings.TrimSpace(w)
			if w != "" && keep(w) && !seen[w] {
				seen[w] = true
				out = append(out, w)
			}
		}
	}
	return out
}

// Query returns the distinct words of a search query: the first
// MaxQueryRunes runes, letters and digits only, segmented into the longest
// dictionary words, at most MaxQueryTerms of them. No character of the input
// reaches any query language.
func Query(q string) []string {
	Load()
	var out []string
	seen := map[string]bool{}
	for _, run := range runs(q, MaxQueryRunes) {
		for _, w := range queryCache.get(run, func(s string) []string { return seg.Cut(s, false) }) {
			w = strings.TrimSpace(w)
			if w != "" && keep(w) && !seen[w] {
				seen[w] = true
				out = append(out, w)
				if len(out) == MaxQueryTerms {
					return out
				}
			}
		}
	}
	return out
}
