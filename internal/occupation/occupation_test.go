package occupation

import (
	"os"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

func mustLookup(tb testing.TB, code string) Occupation {
	tb.Helper()
	o, ok := Lookup(code)
	if !ok {
		tb.Fatalf("Lookup(%q): not found", code)
	}
	return o
}

func TestLoad(t *testing.T) {
	if _, err := load(csvData); err != nil {
		t.Fatal(err)
	}
}

func TestEmbeddedMatchesShared(t *testing.T) {
	shared, err := os.ReadFile("../../../shared/data/occupations/occupations_2022.csv")
	if os.IsNotExist(err) {
		t.Skip("shared data not available")
	}
	if err != nil {
		t.Fatal(err)
	}
	if string(shared) != string(csvData) {
		t.Error("data/occupations_2022.csv differs from the shared copy")
	}
}

func TestCounts(t *testing.T) {
	want := map[int]int{LevelMajor: 8, LevelMiddle: 79, LevelMinor: 450, LevelOccupation: 1639}
	if got := Counts(); !mapsEqual(got, want) {
		t.Errorf("Counts() = %v, want %v", got, want)
	}
	if n := len(All()); n != 1639 {
		t.Errorf("len(All()) = %d, want 1639", n)
	}
	if n := len(Children("")); n != 8 {
		t.Errorf("%d major groups, want 8", n)
	}
}

func mapsEqual(a, b map[int]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestLookup(t *testing.T) {
	tests := []struct {
		code string
		want Occupation
	}{
		{"6", Occupation{Code: "6", Name: "生产制造及有关人员", Level: 1, Major: "6", GBM: "60000"}},
		{"6-25", Occupation{Code: "6-25", Name: "计算机、通信和其他电子设备制造人员", Level: 2, Parent: "6", Major: "6", GBM: "62500"}},
		{"6-25-04", Occupation{Code: "6-25-04", Name: "电子设备装配调试人员", Level: 3, Parent: "6-25", Major: "6", GBM: "62504"}},
		{"6-25-04-07", Occupation{Code: "6-25-04-07", Name: "电子设备装接工", Level: 4, Parent: "6-25-04", Major: "6"}},
		{"4-07-05-01", Occupation{Code: "4-07-05-01", Name: "保安员", Level: 4, Parent: "4-07-05", Major: "4"}},
		{"4-02-07-08", Occupation{Code: "4-02-07-08", Name: "快递员", Level: 4, Parent: "4-02-07", Major: "4"}},
		{" 6-18-02-04 ", Occupation{Code: "6-18-02-04", Name: "焊工", Level: 4, Parent: "6-18-02", Major: "6"}},
	}
	for _, tt := range tests {
		got, ok := Lookup(tt.code)
		if !ok || got != tt.want {
			t.Errorf("Lookup(%q) = %+v, %v; want %+v", tt.code, got, ok, tt.want)
		}
		if !Valid(tt.code) || Name(tt.code) != tt.want.Name {
			t.Errorf("Valid/Name(%q) wrong", tt.code)
		}
		if IsLeaf(tt.code) != (tt.want.Level == LevelOccupation) {
			t.Errorf("IsLeaf(%q) = %v", tt.code, IsLeaf(tt.code))
		}
	}
	for _, code := range []string{"9", "X", "6-25-04-99", "6-25-4-07", "62504", "X-01", "6-25-04-07-01"} {
		if Valid(code) || IsLeaf(code) || Name(code) != "" || Chain(code) != nil || Children(code) != nil || Siblings(code) != nil {
			t.Errorf("unknown code %q accepted", code)
		}
	}
}

func TestChain(t *testing.T) {
	var got []string
	for _, o := range Chain("6-25-04-07") {
		got = append(got, o.Code)
	}
	if want := []string{"6", "6-25", "6-25-04", "6-25-04-07"}; !slices.Equal(got, want) {
		t.Errorf("Chain = %v, want %v", got, want)
	}
	if Chain("") != nil || Valid("") || IsLeaf("") {
		t.Error("empty code accepted")
	}
	if c := Chain("4"); len(c) != 1 || c[0].Code != "4" {
		t.Errorf("Chain(4) = %v", c)
	}
}

func TestChildrenAndSiblings(t *testing.T) {
	kids := Children("4-02-07")
	if len(kids) != 11 || kids[0].Code != "4-02-07-01" || kids[7].Name != "快递员" {
		t.Errorf("Children(4-02-07) = %v", kids)
	}
	if Children("4-02-07-08") != nil {
		t.Error("an occupation has children")
	}
	sib := Siblings("4-02-07-08")
	if len(sib) != 10 || slices.ContainsFunc(sib, func(o Occupation) bool { return o.Code == "4-02-07-08" }) {
		t.Errorf("Siblings(快递员) = %v", sib)
	}
	if s := Siblings("6-24-04-00"); s != nil { // 电池制造工 is its minor group's only occupation
		t.Errorf("Siblings(6-24-04-00) = %v", s)
	}
	if s := Siblings("6"); len(s) != 7 {
		t.Errorf("Siblings(6) = %d major groups, want 7", len(s))
	}
}

func TestRelated(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"6-25-04-07", "6-25-04-07", 3},
		{"6-25-04-07", "6-25-04-08", 2}, // 电子设备装接工 ~ 电子设备调试工
		{"6-25-04-07", "6-25-01-13", 1}, // ~ 印制电路制作工: same 中类
		{"6-25-04-07", "6-24-04-00", 0}, // ~ 电池制造工: other 中类
		{"6-25-04-07", "4-02-07-08", 0}, // ~ 快递员: other 大类
		{"4-02-07-08", "4-02-07-09", 2}, // 快递员 ~ 快件处理员
		{"4-02-07-08", "4-02-06-01", 1}, // 快递员 ~ 仓储管理员
		{"6-25-04", "6-25-04-07", 2},
		{"6-25", "6-25-04-07", 1},
		{"6", "6-25-04-07", 0},
		{"6-25-04-07", "unknown", 0},
		{"", "", 0},
	}
	for _, tt := range tests {
		if got := Related(tt.a, tt.b); got != tt.want {
			t.Errorf("Related(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestRelatedProperties(t *testing.T) {
	codes := make([]string, 0, 1639)
	for _, o := range All() {
		codes = append(codes, o.Code)
	}
	rapid.Check(t, func(t *rapid.T) {
		a := rapid.SampledFrom(codes).Draw(t, "a")
		b := rapid.SampledFrom(codes).Draw(t, "b")
		r := Related(a, b)
		if r != Related(b, a) || r < 0 || r > 3 {
			t.Fatalf("Related(%s, %s) = %d", a, b, r)
		}
		if (r == 3) != (a == b) {
			t.Fatalf("Related(%s, %s) = %d", a, b, r)
		}
		oa, _ := Lookup(a)
		ob, _ := Lookup(b)
		if (r >= 2) != (oa.Parent == ob.Parent) {
			t.Fatalf("Related(%s, %s) = %d but parents %s, %s", a, b, r, oa.Parent, ob.Parent)
		}
		if r == 2 && a != b && !slices.ContainsFunc(Siblings(a), func(o Occupation) bool { return o.Code == b }) {
			t.Fatalf("%s and %s related 2 but not siblings", a, b)
		}
	})
}

func TestSearch(t *testing.T) {
	tests := []struct {
		q     string
		first string
		has   []string
	}{
		{"快递员", "4-02-07-08", nil},
		{"保安", "4-07-05-01", nil},
		{"焊工", "6-18-02-04", []string{"6-18-03-04"}}, // 焊工, then 喷涂喷焊工
		{"普工", "6-25-04-07", []string{"6-25-04-02", "6-09-05-00"}},
		{"电子厂普工", "6-25-04-07", nil},
		{"叉车", "6-30-05-01", nil},
		{"6-25-04-0", "6-25-04-01", []string{"6-25-04-09"}},
	}
	for _, tt := range tests {
		got := Search(tt.q)
		if len(got) == 0 || got[0].Code != tt.first {
			t.Errorf("Search(%q) = %v, want %s first", tt.q, got, tt.first)
			continue
		}
		for _, c := range tt.has {
			if !slices.ContainsFunc(got, func(o Occupation) bool { return o.Code == c }) {
				t.Errorf("Search(%q) lacks %s", tt.q, c)
			}
		}
		for _, o := range got {
			if o.Level != LevelOccupation {
				t.Errorf("Search(%q) returned group %s", tt.q, o.Code)
			}
		}
	}
	if Search("  ") != nil || len(Search("没有这种职业名称")) != 0 {
		t.Error("Search of nothing found something")
	}
	// Exact name first, then names starting with the query.
	got := Search("电工")
	if got[0].Name != "电工" {
		t.Errorf("Search(电工)[0] = %v", got[0])
	}
	for _, o := range got {
		if !strings.Contains(o.Name, "电工") && !strings.HasPrefix(o.Code, "电工") {
			if _, ok := TradeOf(o.Code); !ok {
				t.Errorf("Search(电工) returned %v", o)
			}
		}
	}
}

func TestTrades(t *testing.T) {
	trades := Trades()
	if n := len(trades); n < 30 || n > 50 {
		t.Errorf("%d trades, want 30–50", n)
	}
	codes := CommonBlueCollar()
	seen := make(map[string]bool)
	for i, tr := range trades {
		if codes[i] != tr.Code {
			t.Errorf("CommonBlueCollar()[%d] = %s, Trades()[%d] = %s", i, codes[i], i, tr.Code)
		}
		o, ok := Lookup(tr.Code)
		if !ok || !IsLeaf(tr.Code) {
			t.Errorf("trade %s: not an occupation (%+v)", tr.Code, o)
		}
		if seen[tr.Code] {
			t.Errorf("trade %s listed twice", tr.Code)
		}
		seen[tr.Code] = true
		if tr.PayMin < 2200 || tr.PayMax <= tr.PayMin || tr.PayMax > 15000 {
			t.Errorf("trade %s %s: pay band %d–%d", tr.Code, o.Name, tr.PayMin, tr.PayMax)
		}
		if len(tr.Keywords) == 0 {
			t.Errorf("trade %s: no keywords", tr.Code)
		}
		for _, k := range tr.Keywords {
			if k == "" || strings.TrimSpace(k) != k {
				t.Errorf("trade %s: keyword %q", tr.Code, k)
			}
		}
		if got, ok := TradeOf(tr.Code); !ok || got.PayMin != tr.PayMin {
			t.Errorf("TradeOf(%s) = %+v, %v", tr.Code, got, ok)
		}
	}
	// The typical ones named in the product brief are there.
	for _, name := range []string{"电子设备装接工", "缝纫工", "快递员", "保安员", "保洁员", "中式烹调师",
		"道路货运汽车驾驶员", "仓储管理员", "砌筑工", "塑料制品成型制作工", "焊工", "电工"} {
		if !slices.ContainsFunc(trades, func(tr Trade) bool { return Name(tr.Code) == name }) {
			t.Errorf("no trade for %s", name)
		}
	}
	trades[0].Keywords[0] = "changed"
	if Trades()[0].Keywords[0] == "changed" {
		t.Error("Trades shares its storage")
	}
	if _, ok := TradeOf("1-01-00-01"); ok {
		t.Error("TradeOf(party official) found")
	}
}

var sinkOcc Occupation

func BenchmarkLookup(b *testing.B) {
	table()
	b.ReportAllocs()
	for b.Loop() {
		sinkOcc, _ = Lookup("6-25-04-07")
	}
}

func BenchmarkRelated(b *testing.B) {
	table()
	b.ReportAllocs()
	for b.Loop() {
		_ = Related("6-25-04-07", "6-25-04-08")
	}
}

func BenchmarkSearch(b *testing.B) {
	table()
	b.ReportAllocs()
	for b.Loop() {
		_ = Search("工")
	}
}

func TestEveryday(t *testing.T) {
	codes := map[string]bool{}
	for _, tr := range Trades() {
		codes[tr.Code] = true
	}
	seen := map[string]bool{}
	for _, e := range EverydayTrades() {
		if !codes[e.Code] || !IsLeaf(e.Code) {
			t.Errorf("%s: %s is not a curated trade", e.Name, e.Code)
		}
		if seen[e.Code] {
			t.Errorf("%s: code %s named twice", e.Name, e.Code)
		}
		seen[e.Code] = true
	}
	for q, want := range map[string]string{"普工": "普工", "保安": "保安", "security": "保安", "司机": "司机", "缝纫": "车缝工"} {
		got := FindEveryday(q)
		if len(got) == 0 || got[0].Name != want {
			t.Errorf("FindEveryday(%q) = %v, want %s first", q, got, want)
		}
	}
	if NameIn("en", "4-07-05-01") != "Security guard" || NameIn("zh-CN", "4-07-05-01") != Name("4-07-05-01") {
		t.Error("NameIn")
	}
}
