package region

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"strings"
	"sync"
)

// English names: no source of the division codes carries them (see
// data/README.md), so data/english/names_en.csv romanises, in Hanyu Pinyin
// with the usual English level words, the divisions the product shows by
// name: the provinces, prefectures and county-level units of the twinned
// areas and Shenzhen's districts. Any other division keeps its Chinese name
// on English pages (streets and townships among them).
//
//go:embed data/english/names_en.csv
var namesEN []byte

var (
	enOnce sync.Once
	enMap  map[string]string
)

func english() map[string]string {
	enOnce.Do(func() {
		enMap = map[string]string{}
		rows, err := csv.NewReader(bytes.NewReader(namesEN)).ReadAll()
		if err != nil {
			panic("region: names_en.csv: " + err.Error())
		}
		for _, r := range rows[1:] {
			enMap[r[0]] = r[1]
		}
	})
	return enMap
}

// NameIn is the division's name in lang: the English name where one is
// kept, else the Chinese name.
func NameIn(lang, code string) string {
	if strings.HasPrefix(lang, "en") {
		if n, ok := english()[code]; ok {
			return n
		}
	}
	return Name(code)
}

// FullNameIn is FullName in lang: in English, from the division up, comma
// separated ("Napo County, Baise, Guangxi"); a division without an English
// name keeps its Chinese name.
func FullNameIn(lang, code string) string {
	if !strings.HasPrefix(lang, "en") {
		return FullName(code)
	}
	chain := Chain(code)
	var parts []string
	for i := len(chain) - 1; i >= 0; i-- {
		d := chain[i]
		if d.Level == Prefecture && !isPlace(d) {
			continue
		}
		parts = append(parts, NameIn(lang, d.Code))
	}
	return strings.Join(parts, ", ")
}
