package region

import "strings"

// ShenzhenCode is the prefecture code of Shenzhen (深圳市).
const ShenzhenCode = "4403"

// ShenzhenDistricts returns Shenzhen's county-level districts that are places, sorted by
// code. In the 2020 table these are the nine districts 440303 罗湖区 … 440311 光明区,
// including 440309 龙华区, 440310 坪山区 and 440311 光明区; the functional area 大鹏新区
// has no code of its own (its streets are coded under 440307 龙岗区).
func ShenzhenDistricts() []Division {
	var out []Division
	for _, d := range Children(ShenzhenCode) {
		if isPlace(d) {
			out = append(out, d)
		}
	}
	return out
}

// Streets returns the streets (街道) of a Shenzhen district, sorted by code, or nil
// when district is not a Shenzhen district.
func Streets(district string) []Division {
	var out []Division
	for _, d := range Children(district) {
		if d.Level == Street {
			out = append(out, d)
		}
	}
	return out
}

// IsShenzhen reports whether code (after Canonical) is Shenzhen itself or a division
// inside it.
func IsShenzhen(code string) bool {
	c := Canonical(code)
	return strings.HasPrefix(c, ShenzhenCode) && Valid(c)
}
