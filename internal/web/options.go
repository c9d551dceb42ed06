package web

import (
	"easyjob/internal/occupation"
	"easyjob/internal/region"
)

// Option is one choice of a select.
type Option struct{ Value, Label string }

// Group is an optgroup.
type Group struct {
	Label   string
	Options []Option
}

// districtOptions lists Shenzhen's districts.
func districtOptions(lang string) []Option {
	var out []Option
	for _, d := range region.ShenzhenDistricts() {
		out = append(out, Option{d.Code, region.NameIn(lang, d.Code)})
	}
	return out
}

// streetGroups lists Shenzhen's streets grouped by district, so the form
// works without JavaScript.
func streetGroups(lang string) []Group {
	var out []Group
	for _, d := range region.ShenzhenDistricts() {
		g := Group{Label: region.NameIn(lang, d.Code)}
		for _, s := range region.Streets(d.Code) {
			g.Options = append(g.Options, Option{s.Code, s.Name})
		}
		out = append(out, g)
	}
	return out
}

// tradeOptions lists the common blue-collar trades first, by name.
func tradeOptions(lang string) []Option {
	var out []Option
	for _, code := range occupation.CommonBlueCollar() {
		out = append(out, Option{code, occupation.NameIn(lang, code)})
	}
	return out
}
