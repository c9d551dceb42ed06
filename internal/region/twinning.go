package region

import (
	"embed"
	"fmt"
	"slices"
	"strings"
)

// Confidence levels of a pairing, as recorded in the twinning data.
const (
	ConfidenceHigh   = "high"
	ConfidenceMedium = "medium"
	ConfidenceLow    = "low"
)

// Pairing is one of Shenzhen's poverty-alleviation pairings (2016–2020) with a county.
type Pairing struct {
	County     string // current county-level code, e.g. "451026"
	CountyName string // current name from the division table, e.g. "那坡县"
	Prefecture string // prefecture code, e.g. "4510"
	Province   string // province code, e.g. "45"
	// District is the code of the Shenzhen district responsible: a 6-digit district
	// code, "4403" when the city itself or a functional area without its own code
	// (大鹏新区) is named, or "" when the sources do not say.
	District     string
	DistrictName string // e.g. "龙岗区", "大鹏新区", "深圳市"; "" when unknown
	Programme    string // e.g. "东西部扶贫协作(粤桂)", "省内对口帮扶"
	Since        string // "2016-10", "2016" or "" (as precise as the sources are)
	Confidence   string // ConfidenceHigh, ConfidenceMedium or ConfidenceLow
	Note         string // remarks from the data (English), e.g. why confidence is low
	Evidence     []string
}

// Twinned returns the pairing of county (after Canonical; a street or township code
// selects its county). Superseded codes such as 451021 (田阳县) find the current county.
func Twinned(county string) (Pairing, bool) {
	t := table()
	c := Canonical(county)
	if d, ok := t.divs[c]; ok && (d.Level == Street || d.Level == Township) {
		c = d.Parent
	}
	p, ok := t.pairings[c]
	if ok {
		p.Evidence = slices.Clone(p.Evidence)
	}
	return p, ok
}

// IsTwinned reports whether county (or the county of a street or township) is paired
// with Shenzhen.
func IsTwinned(county string) bool {
	_, ok := Twinned(county)
	return ok
}

// TwinnedCounties returns all pairings sorted by county code.
func TwinnedCounties() []Pairing {
	t := table()
	out := slices.Clone(t.paired)
	for i := range out {
		out[i].Evidence = slices.Clone(out[i].Evidence)
	}
	return out
}

// TwinnedWith returns the pairings for which the Shenzhen district is responsible,
// sorted by county code.
func TwinnedWith(district string) []Pairing {
	c := Canonical(district)
	var out []Pairing
	for _, p := range TwinnedCounties() {
		if p.District == c {
			out = append(out, p)
		}
	}
	return out
}

func loadPairings(fsys embed.FS, t *tables) error {
	err := eachRow(fsys, "data/twinning/shenzhen_pairings_2016_2020.csv", func(r row) error {
		county := r.get("partner_county_code_2020")
		d, ok := t.divs[county]
		if !ok || d.Level != County {
			return fmt.Errorf("unknown county %q", county)
		}
		pref := t.divs[d.Parent]
		if pref.Code != r.get("partner_prefecture_code") {
			return fmt.Errorf("county %s: prefecture %s, data says %s", county, pref.Code, r.get("partner_prefecture_code"))
		}
		p := Pairing{
			County:     county,
			CountyName: d.Name,
			Prefecture: pref.Code,
			Province:   pref.Parent,
			Programme:  r.get("programme"),
			Since:      r.get("since"),
		}
		var notes []string
		if label := r.get("partner_county"); label != d.Name {
			notes = append(notes, "county as recorded: "+label)
		}

		// District: "440307", "" or "440300 (功能区，无独立统计代码)".
		dcode := r.get("shenzhen_district_code")
		if i := strings.IndexFunc(dcode, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 {
			dcode = dcode[:i]
		}
		if dcode != "" {
			dcode = canonicalIn(t, dcode)
			if !strings.HasPrefix(dcode, ShenzhenCode) {
				return fmt.Errorf("county %s: district %q is not in Shenzhen", county, dcode)
			}
		}
		p.District = dcode
		name := r.get("shenzhen_district")
		if strings.HasPrefix(name, "(") { // "(未查明)": not found out
			name = ""
		}
		if i := strings.Index(name, "("); i > 0 { // "龙华区(推断)": inferred
			notes = append(notes, "district inferred")
			name = name[:i]
		}
		p.DistrictName = name

		conf := r.get("confidence")
		level, rest, _ := strings.Cut(conf, " ")
		switch level {
		case ConfidenceHigh, ConfidenceMedium, ConfidenceLow:
		default:
			return fmt.Errorf("county %s: confidence %q", county, conf)
		}
		p.Confidence = level
		if rest = strings.TrimSpace(rest); rest != "" {
			notes = append(notes, rest)
		}
		if n := r.get("evidence_note_en"); n != "" {
			notes = append(notes, n)
		}
		p.Note = strings.Join(notes, "; ")
		for u := range strings.SplitSeq(r.get("evidence_urls"), ";") {
			// Keep the address; drop remarks such as "(apparently a mirror)", which
			// may themselves contain the separator.
			if f := strings.Fields(u); len(f) > 0 && strings.HasPrefix(f[0], "http") {
				p.Evidence = append(p.Evidence, f[0])
			}
		}
		if _, dup := t.pairings[county]; dup {
			return fmt.Errorf("county %s paired twice", county)
		}
		t.pairings[county] = p
		t.paired = append(t.paired, p)
		return nil
	})
	slices.SortFunc(t.paired, func(a, b Pairing) int { return strings.Compare(a.County, b.County) })
	return err
}

// canonicalIn is Canonical's shortening of padded codes for use while loading, before
// the package's table is published.
func canonicalIn(t *tables, c string) string {
	if _, ok := t.divs[c]; ok {
		return c
	}
	if len(c) == 6 && strings.HasSuffix(c, "00") {
		return c[:4]
	}
	return c
}
