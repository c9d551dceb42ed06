// Package search cuts Chinese text into words (package segment, over gse's
// dictionary and the job words) and keeps an in-memory inverted index of
// open postings with filters and facet counts.
// It does no I/O: the store feeds it rows and asks it questions.
package search

import (
	"strings"
	"sync"
	"unicode"

	"easyjob/internal/occupation"
	"easyjob/internal/segment"
)

// Limits on queries: longer input is cut, extra terms are dropped, so that
// a query of any length costs about the same.
const (
	MaxQueryRunes = 200
	MaxQueryTerms = 16
)

var (
	segOnce sync.Once
	dict    *segment.Dict
)

// Load loads the segmenter's dictionary (the job words, then gse's
// simplified Chinese dictionary: about 0.2 s). Tokens and Query call it on
// first use; calling it at start keeps that cost out of the first request.
func Load() {
	segOnce.Do(func() {
		ws := jobWords()
		for i, w := range ws {
			ws[i] = strings.ToLower(w)
		}
		// A job word in both keeps jobWordFreq.
		d, err := segment.Chinese(jobWordFreq, ws...)
		if err != nil {
			panic("search: loading the dictionary: " + err.Error())
		}
		dict = d
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
	// The run may be a piece of a long text (runs), and the words are
	// pieces of the run: the cache keeps a copy, not the text.
	run = strings.Clone(run)
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
// separates runs and is dropped. A run with nothing to lower-case is a
// piece of text, not a copy.
func runs(text string, maxRunes int) []string {
	var out []string
	start, lower, n := -1, false, 0
	flush := func(end int) {
		if start >= 0 {
			run := text[start:end]
			if lower {
				run = strings.ToLower(run)
			}
			out = append(out, run)
			start, lower = -1, false
		}
	}
	for i, r := range text {
		if maxRunes > 0 && n >= maxRunes {
			flush(i)
			return out
		}
		n++
		if !isWordRune(r) {
			flush(i)
			continue
		}
		if start < 0 {
			start = i
		}
		if !lower && unicode.ToLower(r) != r {
			lower = true
		}
	}
	flush(len(text))
	return out
}

// Tokens returns the distinct words of text for indexing, in order of first
// appearance: search-mode segmentation (long words and the shorter
// dictionary words inside them), lower-cased, without punctuation.
func Tokens(text string) []string {
	Load()
	var out []string
	seen := map[string]bool{}
	for _, run := range runs(text, 0) {
		// A run is letters and digits only, and its words are
		// non-empty pieces of it: nothing to trim or drop.
		for _, w := range indexCache.get(run, dict.CutSearch) {
			if !seen[w] {
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
		for _, w := range queryCache.get(run, dict.Cut) {
			if !seen[w] {
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
