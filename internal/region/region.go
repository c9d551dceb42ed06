// Package region provides China's statistical division codes (2020 edition), the
// coordinates of the seats of government, Shenzhen's districts and streets, and the
// counties twinned with Shenzhen for poverty alleviation (2016–2020).
//
// All data is embedded (see data/README.md for provenance and licences) and parsed
// once on first use; lookups are map reads and safe for concurrent use. Codes are
// strings: 2 digits for a province, 4 for a prefecture, 6 for a county-level unit and 9
// for a street or township. Functions that take a code pass it through Canonical first,
// so superseded codes (older ID cards) and the padded 6- and 12-digit forms work too.
package region

import (
	"slices"
	"strings"
)

// Level is the administrative level of a division.
type Level int

// Levels, from the root down. Street and Township are both 9-digit units below a
// county; Street is used for Shenzhen's 街道, Township for the townships (乡镇) of the
// twinned counties.
const (
	Province   Level = iota + 1 // 省级, 2 digits
	Prefecture                  // 地级, 4 digits
	County                      // 县级, 6 digits
	Street                      // 街道 of Shenzhen, 9 digits
	Township                    // 乡镇 of a twinned county, 9 digits
)

// String returns an English lower-case name of the level.
func (l Level) String() string {
	switch l {
	case Province:
		return "province"
	case Prefecture:
		return "prefecture"
	case County:
		return "county"
	case Street:
		return "street"
	case Township:
		return "township"
	}
	return "unknown"
}

// Division is one row of the division table.
type Division struct {
	Code   string
	Name   string
	Level  Level
	Parent string // code of the parent division; "" for a province
}

// Lookup returns the division for code (after Canonical). The returned Code is the
// current one, which differs from the argument for superseded codes.
func Lookup(code string) (Division, bool) {
	t := table()
	if d, ok := t.divs[code]; ok {
		return d, true
	}
	d, ok := t.divs[Canonical(code)]
	return d, ok
}

// Valid reports whether code (after Canonical) names a division of the 2020 table.
func Valid(code string) bool {
	_, ok := Lookup(code)
	return ok
}

// Name returns the division's own name, or "" for an unknown code.
func Name(code string) string {
	d, _ := Lookup(code)
	return d.Name
}

// FullName returns the names of the chain from the province down, joined without
// separators, e.g. "广西壮族自治区百色市那坡县". Placeholder levels (市辖区, 县,
// 省直辖县级行政区划) are left out, so 110101 gives "北京市东城区". It returns "" for an
// unknown code.
func FullName(code string) string {
	var b strings.Builder
	for _, d := range Chain(code) {
		if d.Level == Prefecture && !isPlace(d) {
			continue
		}
		b.WriteString(d.Name)
	}
	return b.String()
}

// Chain returns the division and its ancestors, root first (province, prefecture,
// county, street or township). It returns nil for an unknown code.
func Chain(code string) []Division {
	t := table()
	d, ok := t.divs[Canonical(code)]
	if !ok {
		return nil
	}
	chain := make([]Division, 0, 4)
	for {
		chain = append(chain, d)
		if d.Parent == "" {
			break
		}
		d = t.divs[d.Parent]
	}
	slices.Reverse(chain)
	return chain
}

// Children returns the divisions directly below code, sorted by code. Children("")
// returns the provinces. Below a county there are rows only for Shenzhen's districts
// (streets) and the twinned counties (townships).
func Children(code string) []Division {
	t := table()
	c := ""
	if code != "" {
		c = Canonical(code)
	}
	kids := t.children[c]
	if len(kids) == 0 {
		return nil
	}
	out := make([]Division, len(kids))
	for i, k := range kids {
		out[i] = t.divs[k]
	}
	return out
}

// IsPlace reports whether code names a real place rather than a statistical or
// placeholder unit. Not places: county-level units whose last two digits are 71–79
// (development zones that exist only in statistics), the 市辖区 prefecture rows of the
// municipalities (xx01), the 省直辖县级行政区划 rows (xx90) and Chongqing's 县 grouping
// (5002). Unknown codes are not places.
func IsPlace(code string) bool {
	d, ok := Lookup(code)
	return ok && isPlace(d)
}

func isPlace(d Division) bool {
	switch d.Level {
	case Prefecture:
		return d.Name != "市辖区" && d.Name != "县" && !strings.HasSuffix(d.Code, "90")
	case County:
		last := d.Code[4:]
		return !(last >= "71" && last <= "79") && d.Name != "市辖区" && last != "90"
	}
	return true
}

// Canonical returns the current (2020) form of code: surrounding space is trimmed,
// padded forms are shortened (450000 → 45, 451000 → 4510, 451026000000 → 451026,
// 440303001000 → 440303001) and superseded codes are replaced by their successors
// (451021 → 451003). Anything else is returned trimmed but unchanged, so the result
// may still be invalid; use Valid to check.
func Canonical(code string) string {
	t := table()
	if _, ok := t.divs[code]; ok {
		return code // fast path: already current
	}
	c := strings.TrimSpace(code)
	if len(c) == 12 && strings.HasSuffix(c, "000") {
		c = c[:9]
	}
	if len(c) == 9 && strings.HasSuffix(c, "000") {
		c = c[:6]
	}
	if len(c) == 6 {
		switch {
		case strings.HasSuffix(c, "0000"):
			c = c[:2]
		case strings.HasSuffix(c, "00"):
			c = c[:4]
		}
	}
	if s, ok := Superseded[c]; ok {
		return s
	}
	if len(c) == 9 {
		// A street or township below a superseded county keeps its own digits.
		if s, ok := Superseded[c[:6]]; ok {
			if _, known := t.divs[s+c[6:]]; known {
				return s + c[6:]
			}
		}
	}
	return c
}

// Counts returns how many divisions of each level the table holds.
func Counts() map[Level]int {
	t := table()
	m := make(map[Level]int, 5)
	for _, d := range t.divs {
		m[d.Level]++
	}
	return m
}
