// Package segment cuts Chinese text into words by a dictionary of word
// frequencies: every way to cut a text into dictionary words (and single
// characters) is a path through a graph of the text's positions, and the cut
// is the path whose words are most probable together, each word's
// probability being its frequency over the dictionary's total. Search mode
// adds the two- and three-character dictionary words inside each longer word.
//
// It cuts as gse does (Cut without HMM, CutSearch) over the same dictionary
// and gives the same words (TestSameWordsAsGse), but keeps the dictionary as
// one map of words and their prefixes: gse's load also works out every
// word's sub-cuts for an API easyjob does not call, which was 2.6 s of CPU
// and 1.1 million of the heap's objects in the index build at start.
//
// It does no I/O and keeps no state besides the Dict.
package segment

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// minFreq is the lowest frequency of a dictionary line that is kept, and
// the frequency of every one-character word read from a dictionary text.
const minFreq = 2

// Dict holds words with their frequencies. It is built once and then only
// read: cutting with a Dict from several goroutines is safe.
type Dict struct {
	// freq holds each word with its frequency (> 0), and each proper
	// prefix of a word that is not itself a word with 0, so that a cut
	// stops looking for longer words at the first text that begins none.
	freq  map[string]float64
	words int
	total float64
}

// NewDict returns an empty dictionary.
func NewDict() *Dict { return &Dict{freq: map[string]float64{}} }

// newDict returns an empty dictionary with room for a dictionary text of
// lines lines (about one entry in three is a prefix that is no word).
func newDict(lines int) *Dict { return &Dict{freq: make(map[string]float64, lines*3/2)} }

// Words is the number of words in the dictionary.
func (d *Dict) Words() int { return d.words }

// Total is the sum of the words' frequencies.
func (d *Dict) Total() float64 { return d.total }

// Freq returns a word's frequency, 0 when it is not a word of the dictionary.
func (d *Dict) Freq(word string) float64 { return d.freq[asciiLower(word)] }

// Add adds a word with its frequency. A word already there keeps its
// frequency: the first source wins. Words and frequencies that cannot be
// cut with (empty, not positive) are refused.
func (d *Dict) Add(word string, freq float64) error {
	if word == "" || !(freq > 0) || math.IsInf(freq, 1) {
		return fmt.Errorf("segment: word %q with frequency %v", word, freq)
	}
	d.add(asciiLower(word), freq)
	return nil
}

func (d *Dict) add(w string, freq float64) {
	if d.freq[w] > 0 {
		return
	}
	d.freq[w] = freq
	d.words++
	d.total += freq
	for i := range w {
		if i == 0 {
			continue
		}
		if _, ok := d.freq[w[:i]]; ok {
			continue
		}
		d.freq[w[:i]] = 0
	}
}

// Load adds the words of a dictionary text: one word a line, then its
// frequency and optionally its part of speech, separated by single spaces.
// Lines without a frequency, or with one below 2, are skipped; a
// one-character word counts 2 whatever its line says (as gse reads it).
// The words keep pointing into text, which is meant to be a constant.
func (d *Dict) Load(text string) {
	for len(text) > 0 {
		line := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		word, rest, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		word = strings.TrimSpace(word)
		freqText, _, _ := strings.Cut(rest, " ")
		freq, err := strconv.ParseFloat(strings.TrimSpace(freqText), 64)
		if err != nil || freq < minFreq || word == "" {
			continue
		}
		if utf8.RuneCountInString(word) < 2 {
			freq = minFreq
		}
		d.add(asciiLower(word), freq)
	}
}

// asciiLower lower-cases ASCII letters only, as the dictionary's keys are.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

func isASCIIAlnum(s string) bool {
	if len(s) != 1 {
		return false
	}
	c := s[0]
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// Cut cuts s into its most probable words, in order; consecutive single
// ASCII letters and digits that are no dictionary word stay together
// ("8000", "cnc"). The words are substrings of s, which should be lower-cased
// already (the dictionary's ASCII letters are).
func (d *Dict) Cut(s string) []string {
	if s == "" {
		return nil
	}
	at := make([]int, 0, len(s)+1) // byte offset of each rune, and len(s)
	for i := range s {
		at = append(at, i)
	}
	at = append(at, len(s))
	n := len(at) - 1
	// best[k] is the most probable cut of the runes from k on: the log
	// probability of the whole cut and the last rune of its first word.
	type route struct {
		p   float64
		end int
	}
	best := make([]route, n+1)
	logT := math.Log(d.total)
	for k := n - 1; k >= 0; k-- {
		set := false
		for i := k; i < n; i++ {
			f, ok := d.freq[s[at[k]:at[i+1]]]
			if !ok {
				break // no word begins with these runes
			}
			if f == 0 {
				continue
			}
			r := route{math.Log(f) - logT + best[i+1].p, i}
			// The longer word wins a tie.
			if !set || best[k].p < r.p || best[k].p == r.p && best[k].end < r.end {
				best[k], set = r, true
			}
		}
		if !set {
			// No word begins here: the rune alone, as a word of frequency
			// 1, or of 0 (log 0 = -Inf) if it only begins longer words.
			lf := 0.0
			if f, ok := d.freq[s[at[k]:at[k+1]]]; ok {
				lf = math.Log(f)
			}
			best[k] = route{lf - logT + best[k+1].p, k}
		}
	}
	out := make([]string, 0, n/2+1)
	buf := -1 // start of a run of single ASCII letters and digits
	for x := 0; x < n; {
		y := best[x].end + 1
		w := s[at[x]:at[y]]
		if y-x == 1 && isASCIIAlnum(w) {
			if buf < 0 {
				buf = at[x]
			}
			x = y
			continue
		}
		if buf >= 0 {
			out = append(out, s[buf:at[x]])
			buf = -1
		}
		out = append(out, w)
		x = y
	}
	if buf >= 0 {
		out = append(out, s[buf:])
	}
	return out
}

// CutSearch cuts s as Cut does and puts before each word of more than two
// runes the dictionary words of two runes inside it, then those of three
// (of more than three), in order.
func (d *Dict) CutSearch(s string) []string {
	words := d.Cut(s)
	out := make([]string, 0, len(words)*2)
	var at []int
	for _, w := range words {
		at = at[:0]
		for i := range w {
			at = append(at, i)
		}
		at = append(at, len(w))
		n := len(at) - 1
		for _, k := range [...]int{2, 3} {
			for i := 0; i+k <= n && n > k; i++ {
				if g := w[at[i]:at[i+k]]; d.freq[g] > 0 {
					out = append(out, g)
				}
			}
		}
		out = append(out, w)
	}
	return out
}
