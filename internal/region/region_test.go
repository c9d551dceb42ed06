package region

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// sharedData is the reference data folder as seen from this package's directory.
const sharedData = "../../../shared/data"

func mustLookup(tb testing.TB, code string) Division {
	tb.Helper()
	d, ok := Lookup(code)
	if !ok {
		tb.Fatalf("Lookup(%q): not found", code)
	}
	return d
}

func mustLocate(tb testing.TB, code string) Point {
	tb.Helper()
	p, _, ok := Locate(code)
	if !ok {
		tb.Fatalf("Locate(%q): no point", code)
	}
	return p
}

// mustSharedCSV reads a CSV file of ../shared/data, skipping the test when the shared
// folder is not there (the embedded copies are what the product uses).
func mustSharedCSV(tb testing.TB, rel string) [][]string {
	tb.Helper()
	f, err := os.Open(filepath.Join(sharedData, rel))
	if os.IsNotExist(err) {
		tb.Skipf("shared data not available: %v", err)
	}
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	return recs[1:]
}

func TestLoad(t *testing.T) {
	if _, err := load(files); err != nil {
		t.Fatal(err)
	}
}

func TestCounts(t *testing.T) {
	// The counts stated in ../shared/data/README.md.
	want := map[Level]int{Province: 31, Prefecture: 342, County: 2994, Street: 79, Township: 259}
	got := Counts()
	for l, n := range want {
		if got[l] != n {
			t.Errorf("%v: %d divisions, want %d", l, got[l], n)
		}
	}
	if len(got) != len(want) {
		t.Errorf("levels %v, want %v", got, want)
	}
}

func TestEmbeddedMatchesShared(t *testing.T) {
	for _, name := range []string{
		"regions/provinces.csv", "regions/cities.csv", "regions/areas.csv",
		"regions/streets_shenzhen.csv", "regions/townships_paired_counties.csv",
		"regions/LICENSE-WTFPL.txt", "geo/coordinates_wgs84.csv", "geo/provenance.csv",
		"twinning/shenzhen_pairings_2016_2020.csv",
	} {
		shared, err := os.ReadFile(filepath.Join(sharedData, name))
		if os.IsNotExist(err) {
			t.Skip("shared data not available")
		}
		if err != nil {
			t.Fatal(err)
		}
		ours, err := os.ReadFile(filepath.Join("data", name))
		if err != nil {
			t.Fatal(err)
		}
		if string(ours) != string(shared) {
			t.Errorf("data/%s differs from the shared copy", name)
		}
	}
}

func TestLookup(t *testing.T) {
	tests := []struct {
		code string
		want Division
	}{
		{"45", Division{"45", "广西壮族自治区", Province, ""}},
		{"4510", Division{"4510", "百色市", Prefecture, "45"}},
		{"451026", Division{"451026", "那坡县", County, "4510"}},
		{"440307", Division{"440307", "龙岗区", County, "4403"}},
		{"440307018", Division{"440307018", "吉华街道", Street, "440307"}},
		{"440304400", Division{"440304400", "福田保税区", Street, "440304"}},
		{"441521101", Division{"441521101", "梅陇镇", Township, "441521"}},
		{"1101", Division{"1101", "市辖区", Prefecture, "11"}},
		// Superseded and padded codes resolve to the current division.
		{"451021", Division{"451003", "田阳区", County, "4510"}},
		{"451025", Division{"451081", "靖西市", County, "4510"}},
		{"450000", Division{"45", "广西壮族自治区", Province, ""}},
		{"451000", Division{"4510", "百色市", Prefecture, "45"}},
		{"451026000000", Division{"451026", "那坡县", County, "4510"}},
		{" 451026 ", Division{"451026", "那坡县", County, "4510"}},
	}
	for _, tt := range tests {
		got, ok := Lookup(tt.code)
		if !ok || got != tt.want {
			t.Errorf("Lookup(%q) = %+v, %v; want %+v", tt.code, got, ok, tt.want)
		}
		if !Valid(tt.code) {
			t.Errorf("Valid(%q) = false", tt.code)
		}
		if Name(tt.code) != tt.want.Name {
			t.Errorf("Name(%q) = %q, want %q", tt.code, Name(tt.code), tt.want.Name)
		}
	}
	for _, code := range []string{"", "4", "99", "4599", "451099", "440307001", "abc", "451026999", "4510260000000"} {
		if d, ok := Lookup(code); ok {
			t.Errorf("Lookup(%q) = %+v, want not found", code, d)
		}
		if Valid(code) || Name(code) != "" || FullName(code) != "" || Chain(code) != nil {
			t.Errorf("unknown code %q: Valid/Name/FullName/Chain not empty", code)
		}
	}
}

func TestChain(t *testing.T) {
	tests := []struct {
		code string
		want []string
	}{
		{"451026", []string{"45", "4510", "451026"}},
		{"440307018", []string{"44", "4403", "440307", "440307018"}},
		{"451026101", []string{"45", "4510", "451026", "451026101"}},
		{"44", []string{"44"}},
		{"451021", []string{"45", "4510", "451003"}},
	}
	for _, tt := range tests {
		var got []string
		for _, d := range Chain(tt.code) {
			got = append(got, d.Code)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Chain(%q) = %v, want %v", tt.code, got, tt.want)
		}
	}
}

func TestFullName(t *testing.T) {
	tests := []struct{ code, want string }{
		{"451026", "广西壮族自治区百色市那坡县"},
		{"451021", "广西壮族自治区百色市田阳区"},
		{"440307018", "广东省深圳市龙岗区吉华街道"},
		{"110101", "北京市东城区"},
		{"500230", "重庆市丰都县"},
		{"429004", "湖北省仙桃市"},
		{"4403", "广东省深圳市"},
		{"44", "广东省"},
	}
	for _, tt := range tests {
		if got := FullName(tt.code); got != tt.want {
			t.Errorf("FullName(%q) = %q, want %q", tt.code, got, tt.want)
		}
	}
}

func TestChildren(t *testing.T) {
	tests := []struct {
		code  string
		n     int
		level Level
		first string
	}{
		{"", 31, Province, "11"},
		{"45", 14, Prefecture, "4501"},
		{"4510", 12, County, "451002"},
		{"4403", 9, County, "440303"},
		{"440307", 14, Street, "440307003"},
		{"451026", 9, Township, ""},
		{"451021", 10, Township, ""}, // superseded code of 田阳区
		{"451002", 0, 0, ""},         // no township rows for 右江区
		{"440307018", 0, 0, ""},
		{"nonsense", 0, 0, ""},
	}
	for _, tt := range tests {
		kids := Children(tt.code)
		if len(kids) != tt.n {
			t.Errorf("Children(%q): %d, want %d", tt.code, len(kids), tt.n)
			continue
		}
		if tt.first != "" && kids[0].Code != tt.first {
			t.Errorf("Children(%q)[0] = %s, want %s", tt.code, kids[0].Code, tt.first)
		}
		if !slices.IsSortedFunc(kids, func(a, b Division) int { return strings.Compare(a.Code, b.Code) }) {
			t.Errorf("Children(%q) not sorted", tt.code)
		}
		parent := Canonical(tt.code)
		for _, k := range kids {
			if k.Level != tt.level || k.Parent != parent {
				t.Errorf("Children(%q): %+v", tt.code, k)
			}
		}
	}
}

func TestIsPlace(t *testing.T) {
	tests := []struct {
		code string
		want bool
	}{
		{"44", true},
		{"4403", true},
		{"440307", true},
		{"440307018", true},
		{"451026", true},
		{"451026101", true},
		{"429004", true},  // 仙桃市, directly under the province
		{"1101", false},   // 北京市 市辖区
		{"5001", false},   // 重庆市 市辖区
		{"5002", false},   // 重庆市 县
		{"4290", false},   // 省直辖县级行政区划
		{"6590", false},   // 自治区直辖县级行政区划
		{"130171", false}, // 石家庄高新技术产业开发区, statistics only
		{"440307001", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := IsPlace(tt.code); got != tt.want {
			t.Errorf("IsPlace(%q) = %v, want %v", tt.code, got, tt.want)
		}
	}
	n := 0
	for _, p := range Children("") {
		for _, c := range Children(p.Code) {
			for _, d := range Children(c.Code) {
				if last := d.Code[4:]; last >= "71" && last <= "79" {
					n++
					if IsPlace(d.Code) {
						t.Errorf("%s %s: statistics-only unit is a place", d.Code, d.Name)
					}
				}
			}
		}
	}
	if n == 0 {
		t.Error("no statistics-only units found")
	}
}

func TestCanonical(t *testing.T) {
	tests := []struct{ in, want string }{
		{"451026", "451026"},
		{"451021", "451003"}, // 田阳县 → 田阳区 (2019)
		{"451023", "451082"}, // 平果县 → 平果市 (2019)
		{"451025", "451081"}, // 靖西县 → 靖西市 (2015)
		{"451281", "451203"}, // 宜州市 → 宜州区 (2016)
		{"451022", "451022"}, // 田东县 kept its code
		{"542421", "540602"}, // 那曲县 → 色尼区
		{"542400", "5406"},   // 那曲地区 → 那曲市
		{"450000", "45"},
		{"440300", "4403"},
		{"451021000000", "451003"},
		{"440307018000", "440307018"},
		{"451021101", "451003101"}, // township under a superseded county code
		{" 451026\n", "451026"},
		{"999999", "999999"}, // unknown stays unknown
		{"", ""},
	}
	for _, tt := range tests {
		if got := Canonical(tt.in); got != tt.want {
			t.Errorf("Canonical(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSuperseded(t *testing.T) {
	tab := table()
	for old, cur := range Superseded {
		if _, ok := tab.divs[old]; ok {
			t.Errorf("Superseded[%s]: old code is still in the 2020 table", old)
		}
		if _, ok := tab.divs[cur]; !ok {
			t.Errorf("Superseded[%s] = %s: not in the 2020 table", old, cur)
		}
		if len(old) != len(cur) {
			t.Errorf("Superseded[%s] = %s: levels differ", old, cur)
		}
	}
}

// TestSupersededMatchesProvenance checks that Superseded holds exactly the usable
// predecessor records of the coordinates' provenance file, plus the manual entries.
func TestSupersededMatchesProvenance(t *testing.T) {
	recs := mustSharedCSV(t, "geo/provenance.csv")
	ref := regexp.MustCompile(`^(\d{6})000000 \((.*), (\d{4})->(\d{4})\)$`)
	tab := table()
	want := map[string]string{"451025": "451081", "5424": "5406"} // manual entries
	for _, r := range recs {
		if r[2] != "vonng-predecessor" {
			continue
		}
		m := ref.FindStringSubmatch(r[3])
		if m == nil {
			t.Fatalf("unparsed provenance ref %q", r[3])
		}
		old, cur := m[1], r[0]
		_, oldKnown := tab.divs[old]
		_, curKnown := tab.divs[cur]
		if !oldKnown && curKnown {
			want[old] = cur
		}
	}
	for old, cur := range want {
		if Superseded[old] != cur {
			t.Errorf("Superseded[%s] = %q, want %q", old, Superseded[old], cur)
		}
	}
	if len(Superseded) != len(want) {
		t.Errorf("Superseded has %d entries, want %d", len(Superseded), len(want))
	}
}

func TestPointOf(t *testing.T) {
	tests := []struct {
		code, source string
	}{
		{"451026", "451026"},
		{"440303001", "440303001"}, // a street with its own point
		{"440307018", "440307"},    // 吉华街道 has none: its district's
		{"451026101", "451026"},    // townships have none: the county's
		{"130171", "1301"},         // a statistics-only unit: the prefecture's
		{"1101", "11"},             // 市辖区: the province's
		{"4403", "4403"},
		{"44", "44"},
		{"451021", "451003"}, // superseded code
	}
	for _, tt := range tests {
		lat, lng, source, ok := PointOf(tt.code)
		if !ok || source != tt.source {
			t.Errorf("PointOf(%q) source %q, %v; want %q", tt.code, source, ok, tt.source)
			continue
		}
		if p := mustLocate(t, tt.source); p.Lat != lat || p.Lng != lng {
			t.Errorf("PointOf(%q) = %v,%v; its source has %+v", tt.code, lat, lng, p)
		}
		if HasOwnPoint(tt.code) != (Canonical(tt.code) == tt.source) {
			t.Errorf("HasOwnPoint(%q) = %v", tt.code, HasOwnPoint(tt.code))
		}
	}
	if _, _, _, ok := PointOf("440307001"); ok {
		t.Error("PointOf(unknown code) ok")
	}
	// Every division has a point, its own or an ancestor's, inside China's box.
	for code := range table().divs {
		p, _, ok := Locate(code)
		if !ok || p.Lat < 3 || p.Lat > 54 || p.Lng < 73 || p.Lng > 136 {
			t.Errorf("Locate(%s) = %+v, %v", code, p, ok)
		}
	}
	// Shenzhen's streets lie within 50 km of the city's seat.
	sz := mustLocate(t, ShenzhenCode)
	for _, d := range ShenzhenDistricts() {
		for _, s := range Streets(d.Code) {
			if km := DistanceKM(sz, mustLocate(t, s.Code)); km > 50 {
				t.Errorf("street %s %s is %.0f km from Shenzhen's seat", s.Code, s.Name, km)
			}
		}
	}
}

func TestDistanceKM(t *testing.T) {
	tests := []struct {
		a, b     string
		min, max float64
	}{
		// Straight line from Shenzhen's seat to Baise's (about 775 km; by road ≈ 800+).
		{"4403", "4510", 700, 850},
		{"4403", "4512", 450, 650}, // Hechi
		{"11", "31", 1040, 1090},   // Beijing–Shanghai, about 1,067 km
		{"440303", "440304", 5, 12},
		{"451026", "451026", 0, 0},
	}
	for _, tt := range tests {
		km := DistanceKM(mustLocate(t, tt.a), mustLocate(t, tt.b))
		if km < tt.min || km > tt.max {
			t.Errorf("DistanceKM(%s, %s) = %.1f, want %v–%v", tt.a, tt.b, km, tt.min, tt.max)
		}
	}
	// One degree of latitude on the meridian.
	if km := DistanceKM(Point{0, 0}, Point{1, 0}); math.Abs(km-EarthRadiusKM*math.Pi/180) > 1e-9 {
		t.Errorf("one degree = %v km", km)
	}
}

func TestDistanceKMProperties(t *testing.T) {
	point := rapid.Custom(func(t *rapid.T) Point {
		return Point{
			Lat: rapid.Float64Range(-90, 90).Draw(t, "lat"),
			Lng: rapid.Float64Range(-180, 180).Draw(t, "lng"),
		}
	})
	rapid.Check(t, func(t *rapid.T) {
		a, b, c := point.Draw(t, "a"), point.Draw(t, "b"), point.Draw(t, "c")
		ab, ba := DistanceKM(a, b), DistanceKM(b, a)
		if math.IsNaN(ab) || ab < 0 || ab > math.Pi*EarthRadiusKM+1e-6 {
			t.Fatalf("DistanceKM(%v, %v) = %v", a, b, ab)
		}
		if math.Abs(ab-ba) > 1e-9 {
			t.Fatalf("not symmetric: %v vs %v", ab, ba)
		}
		if DistanceKM(a, a) != 0 {
			t.Fatalf("DistanceKM(a, a) = %v", DistanceKM(a, a))
		}
		if ac, cb := DistanceKM(a, c), DistanceKM(c, b); ab > ac+cb+1e-6 {
			t.Fatalf("triangle inequality: %v > %v + %v", ab, ac, cb)
		}
	})
}

func TestChainProperties(t *testing.T) {
	var codes []string
	for code := range table().divs {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	rapid.Check(t, func(t *rapid.T) {
		code := rapid.SampledFrom(codes).Draw(t, "code")
		chain := Chain(code)
		if len(chain) == 0 || chain[0].Level != Province || chain[len(chain)-1].Code != code {
			t.Fatalf("Chain(%s) = %v", code, chain)
		}
		for i := 1; i < len(chain); i++ {
			if chain[i].Parent != chain[i-1].Code || !strings.HasPrefix(chain[i].Code, chain[i-1].Code) {
				t.Fatalf("Chain(%s) broken at %d: %v", code, i, chain)
			}
		}
		d, ok := Lookup(code)
		if !ok {
			t.Fatalf("Lookup(%s): not found", code)
		}
		if d.Parent != "" && !slices.Contains(Children(d.Parent), d) {
			t.Fatalf("%s missing from Children(%s)", code, d.Parent)
		}
		if Canonical(code) != code {
			t.Fatalf("Canonical(%s) = %s", code, Canonical(code))
		}
	})
}

func TestShenzhen(t *testing.T) {
	var got []string
	total := 0
	for _, d := range ShenzhenDistricts() {
		got = append(got, d.Code+" "+d.Name)
		streets := Streets(d.Code)
		if len(streets) == 0 {
			t.Errorf("district %s has no streets", d.Code)
		}
		total += len(streets)
	}
	want := []string{
		"440303 罗湖区", "440304 福田区", "440305 南山区", "440306 宝安区", "440307 龙岗区",
		"440308 盐田区", "440309 龙华区", "440310 坪山区", "440311 光明区",
	}
	if !slices.Equal(got, want) {
		t.Errorf("ShenzhenDistricts() = %v, want %v", got, want)
	}
	if total != 79 {
		t.Errorf("%d streets, want 79", total)
	}
	if s := Streets("451026"); s != nil {
		t.Errorf("Streets(451026) = %v, want nil", s)
	}
	for _, tt := range []struct {
		code string
		want bool
	}{
		{"4403", true}, {"440307", true}, {"440307018", true}, {"440300", true},
		{"44", false}, {"4401", false}, {"451026", false}, {"440399", false},
	} {
		if got := IsShenzhen(tt.code); got != tt.want {
			t.Errorf("IsShenzhen(%q) = %v, want %v", tt.code, got, tt.want)
		}
	}
}

func TestTwinned(t *testing.T) {
	tests := []struct {
		code                                string
		county, countyName, district, dname string
		confidence                          string
	}{
		{"451026", "451026", "那坡县", "440307", "龙岗区", ConfidenceHigh},
		{"451081", "451081", "靖西市", "440307", "龙岗区", ConfidenceHigh},
		{"451025", "451081", "靖西市", "440307", "龙岗区", ConfidenceHigh}, // old 靖西县
		{"451003", "451003", "田阳区", "440305", "南山区", ConfidenceHigh},
		{"451021", "451003", "田阳区", "440305", "南山区", ConfidenceHigh}, // old 田阳县
		{"451021000000", "451003", "田阳区", "440305", "南山区", ConfidenceHigh},
		{"451026101", "451026", "那坡县", "440307", "龙岗区", ConfidenceHigh}, // a township
		{"451223", "451223", "凤山县", "440309", "龙华区", ConfidenceHigh},
		{"451224", "451224", "东兰县", "440309", "龙华区", ConfidenceLow},
		{"451227", "451227", "巴马瑶族自治县", "4403", "大鹏新区", ConfidenceHigh},
		{"451028", "451028", "乐业县", "", "", ConfidenceHigh},
		{"441521", "441521", "海丰县", "440307", "龙岗区", ConfidenceHigh},
		{"653101", "653101", "喀什市", "4403", "深圳市", ConfidenceMedium},
	}
	for _, tt := range tests {
		p, ok := Twinned(tt.code)
		if !ok {
			t.Errorf("Twinned(%q): not found", tt.code)
			continue
		}
		if p.County != tt.county || p.CountyName != tt.countyName || p.District != tt.district ||
			p.DistrictName != tt.dname || p.Confidence != tt.confidence {
			t.Errorf("Twinned(%q) = %+v", tt.code, p)
		}
	}
	for _, code := range []string{"451022", "451002", "440307", "", "4510"} {
		if p, ok := Twinned(code); ok || IsTwinned(code) {
			t.Errorf("Twinned(%q) = %+v, want none", code, p)
		}
	}
	if p, _ := Twinned("451003"); p.Prefecture != "4510" || p.Province != "45" || p.Since != "2016-10" ||
		p.Programme != "东西部扶贫协作(粤桂)" || len(p.Evidence) == 0 {
		t.Errorf("Twinned(451003) = %+v", p)
	}
}

func TestTwinnedCounties(t *testing.T) {
	all := TwinnedCounties()
	if len(all) != 22 {
		t.Fatalf("%d pairings, want 22", len(all))
	}
	if !slices.IsSortedFunc(all, func(a, b Pairing) int { return strings.Compare(a.County, b.County) }) {
		t.Error("not sorted by county")
	}
	for _, p := range all {
		d := mustLookup(t, p.County)
		if d.Level != County || !IsPlace(p.County) || d.Name != p.CountyName || d.Parent != p.Prefecture {
			t.Errorf("pairing %+v: county %+v", p, d)
		}
		if p.District != "" && !IsShenzhen(p.District) {
			t.Errorf("pairing %s: district %q not in Shenzhen", p.County, p.District)
		}
		if (p.District == "") != (p.DistrictName == "") {
			t.Errorf("pairing %s: district %q named %q", p.County, p.District, p.DistrictName)
		}
		for _, u := range p.Evidence {
			if !strings.HasPrefix(u, "http") || strings.ContainsAny(u, " ;") {
				t.Errorf("pairing %s: evidence %q", p.County, u)
			}
		}
		// Townships are there for every twinned county inside Guangdong and Guangxi.
		if (p.Province == "44" || p.Province == "45") && len(Children(p.County)) == 0 {
			t.Errorf("pairing %s: no townships", p.County)
		}
	}
	// The result is a copy.
	all[0].Evidence[0] = "changed"
	all[0].County = "changed"
	if again := TwinnedCounties(); again[0].County == "changed" || again[0].Evidence[0] == "changed" {
		t.Error("TwinnedCounties shares its storage")
	}
	if got := TwinnedWith("440307"); len(got) != 3 {
		t.Errorf("TwinnedWith(龙岗区) = %d pairings, want 3 (那坡, 靖西, 海丰)", len(got))
	}
}

func TestSources(t *testing.T) {
	var vonng bool
	for _, s := range Sources() {
		if s.Name == "" || s.Licence == "" || s.URL == "" || s.What == "" {
			t.Errorf("incomplete source %+v", s)
		}
		if s.Name == "Vonng/adcode" && s.Licence == "CC BY 4.0" && s.Shipped {
			vonng = true
		}
	}
	if !vonng {
		t.Error("Vonng/adcode (CC BY 4.0) missing from Sources")
	}
}

func TestLevelString(t *testing.T) {
	for l, want := range map[Level]string{Province: "province", Prefecture: "prefecture", County: "county",
		Street: "street", Township: "township", 0: "unknown"} {
		if l.String() != want {
			t.Errorf("Level(%d).String() = %q", l, l.String())
		}
	}
}

var sinkDivision Division

func BenchmarkLookup(b *testing.B) {
	codes := []string{"451026", "440307018", "4510", "45", "451021", "110101"}
	table()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		sinkDivision, _ = Lookup(codes[i%len(codes)])
	}
}

func BenchmarkLookupCurrent(b *testing.B) {
	table()
	b.ReportAllocs()
	for b.Loop() {
		sinkDivision, _ = Lookup("451026")
	}
}

func BenchmarkFullName(b *testing.B) {
	table()
	b.ReportAllocs()
	for b.Loop() {
		_ = FullName("440307018")
	}
}

func BenchmarkPointOf(b *testing.B) {
	table()
	b.ReportAllocs()
	for b.Loop() {
		_, _, _, _ = PointOf("440307018")
	}
}

func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := load(files); err != nil {
			b.Fatal(err)
		}
	}
}

func TestEnglishNames(t *testing.T) {
	for _, tc := range []struct{ lang, code, want string }{
		{"en", "451026", "Napo County, Baise, Guangxi"},
		{"zh-CN", "451026", "广西壮族自治区百色市那坡县"},
		{"en", "440307", "Longgang District, Shenzhen, Guangdong"},
		{"en", "440307018", "吉华街道, Longgang District, Shenzhen, Guangdong"},
	} {
		if got := FullNameIn(tc.lang, tc.code); got != tc.want {
			t.Errorf("FullNameIn(%s, %s) = %q, want %q", tc.lang, tc.code, got, tc.want)
		}
	}
	// Every English row names a known division.
	for code := range english() {
		if !Valid(code) {
			t.Errorf("names_en.csv: unknown code %s", code)
		}
	}
}
