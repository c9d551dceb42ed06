package segment

import (
	"strings"
	_ "unsafe" // for go:linkname

	// The dictionary text below is gse's: it comes with the module and is
	// read from it, never copied into this repository.
	_ "github.com/go-ego/gse"
)

// gseSimplified is gse's embedded simplified Chinese dictionary
// (data/dict/zh/s_1.txt of the github.com/go-ego/gse module: 352,279 lines
// "word frequency part-of-speech"; gse is under the MIT and Apache 2.0
// licences, and some of its Chinese data is from jieba, under the MIT
// licence). gse exports no way to read it without its own load, so it is
// reached by name: an upgrade of gse that renames it fails to link, one that
// empties it or changes its format fails TestChineseDictionary, and one
// that cuts differently fails TestSameWordsAsGse.
//
//go:linkname gseSimplified github.com/go-ego/gse.zhS
var gseSimplified string

// Chinese returns a dictionary of the given words first, each with
// frequency freq (they win over the same words in the general dictionary),
// then gse's simplified Chinese dictionary.
func Chinese(freq float64, first ...string) (*Dict, error) {
	d := newDict(strings.Count(gseSimplified, "\n") + len(first))
	for _, w := range first {
		if err := d.Add(w, freq); err != nil {
			return nil, err
		}
	}
	d.Load(gseSimplified)
	return d, nil
}
