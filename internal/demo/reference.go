package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"easyjob/internal/occupation"
	"easyjob/internal/region"
)

// industry is a kind of employer and the trades it hires for.
type industry struct {
	Name     string   // shown as the employer's industry
	Suffixes []string // name suffixes before 有限公司
	Prefixes []string // occupation code prefixes of its trades
	Weight   int
	Central  bool     // services: more often in the central districts
	Duties   []string // what the work is, for descriptions
	trades   []int    // indexes into ref.trades
}

var industries = []industry{
	{Name: "电子制造", Suffixes: []string{"电子科技", "精密电子", "光电科技", "电子"}, Weight: 30,
		Prefixes: []string{"6-25-", "6-24-04-", "6-31-03-05", "6-31-05-00", "4-02-06-01"},
		Duties:   []string{"手机主板组装", "电子元件插件", "产品功能测试", "SMT 贴片上下料", "电池电芯组装", "外观检验与包装"}},
	{Name: "五金塑胶", Suffixes: []string{"五金制品", "塑胶制品", "精密模具", "精密机械"}, Weight: 12,
		Prefixes: []string{"6-14-", "6-18-", "6-20-", "6-31-01-", "6-31-03-05"},
		Duties:   []string{"注塑机操作", "冲床操作", "CNC 上下料与抽检", "模具维护", "焊接与打磨"}},
	{Name: "服装制造", Suffixes: []string{"服饰", "制衣", "时装"}, Weight: 8,
		Prefixes: []string{"6-05-", "6-31-05-00", "6-31-03-05"},
		Duties:   []string{"平车车缝", "裁床裁剪", "成衣整烫包装"}},
	{Name: "轻工制造", Suffixes: []string{"玩具", "电器", "照明"}, Weight: 8,
		Prefixes: []string{"6-09-", "6-24-05-", "6-24-07-", "6-31-05-00"},
		Duties:   []string{"小家电装配", "玩具组装上色", "LED 灯具装配"}},
	{Name: "建筑施工", Suffixes: []string{"建筑工程", "建设工程", "装饰工程"}, Weight: 10,
		Prefixes: []string{"6-29-", "6-30-05-02"},
		Duties:   []string{"工地砌筑抹灰", "钢筋绑扎", "脚手架搭设", "室内装修", "水电安装"}},
	{Name: "物流快递", Suffixes: []string{"物流", "供应链管理", "速运"}, Weight: 14,
		Prefixes: []string{"4-02-", "6-30-05-01", "4-10-08-"},
		Duties:   []string{"快件分拣", "片区派件", "仓库收发货", "货物装卸", "叉车作业", "城配送货"}},
	{Name: "物业服务", Suffixes: []string{"物业管理", "保安服务", "清洁服务"}, Weight: 8, Central: true,
		Prefixes: []string{"4-07-", "4-09-", "6-31-01-03"},
		Duties:   []string{"小区门岗值守", "园区巡逻", "写字楼保洁", "设备设施维修"}},
	{Name: "餐饮住宿", Suffixes: []string{"餐饮管理", "酒店管理", "饮食"}, Weight: 7, Central: true,
		Prefixes: []string{"4-03-", "4-01-"},
		Duties:   []string{"中餐炒锅", "餐厅传菜点单", "客房清洁整理", "超市收银"}},
	{Name: "家政养老", Suffixes: []string{"家政服务", "养老服务", "健康服务"}, Weight: 3, Central: true,
		Prefixes: []string{"4-10-01-"},
		Duties:   []string{"住家保姆", "育儿嫂", "养老院护理"}},
}

// districtWeights favour the manufacturing districts; central ones serve
// the service industries.
var districtWeights = map[string][2]int{ // code: {factory, services}
	"440303": {2, 14}, // 罗湖
	"440304": {2, 18}, // 福田
	"440305": {6, 16}, // 南山
	"440306": {24, 12},
	"440307": {22, 12},
	"440308": {2, 4},
	"440309": {18, 8},
	"440310": {10, 4},
	"440311": {12, 4},
}

// twinnedWeight favours the Guangxi and Guangdong counties, from which most
// workers came; the far-away pairings send few.
func twinnedWeight(p region.Pairing) int {
	switch p.Province {
	case "45":
		return 10
	case "44":
		return 8
	}
	return 1
}

// Provinces whose other counties send workers to Shenzhen, with weights.
var otherProvinces = []struct {
	code   string
	weight int
}{{"44", 20}, {"45", 18}, {"43", 18}, {"51", 12}, {"52", 10}, {"41", 10}, {"36", 8}, {"42", 6}}

// Phone prefixes of generated seekers (139 is kept for the fixed demo seeker).
var phonePrefixes = []string{
	"130", "131", "132", "133", "134", "135", "136", "137", "138",
	"150", "151", "152", "153", "155", "156", "157", "158", "159",
	"180", "181", "182", "183", "184", "185", "186", "187", "188", "189",
}

// county is a home county with its townships (for fellow-villager groups).
type county struct {
	Code      string
	Province  string
	Twinned   bool
	Townships []string
}

type district struct {
	Code    string
	Name    string
	Streets []region.Division
}

// ref is the reference data the generator draws from, built once per load.
type ref struct {
	trades     []occupation.Trade
	tradeIndex map[string]int
	industries []industry
	indCum     []int // cumulative industry weights
	districts  []district
	facCum     []int // cumulative district weights, factories
	svcCum     []int // services
	twinned    []county
	twinCum    []int
	others     []county
	otherCum   []int
	station    string // the demo station's county
	stationDis string // the district twinned with it (the demo employer's)
}

func newRef() (*ref, error) {
	r := &ref{trades: occupation.Trades(), tradeIndex: map[string]int{}}
	if len(r.trades) == 0 {
		return nil, fmt.Errorf("demo: no trades in the occupation data")
	}
	for i, t := range r.trades {
		r.tradeIndex[t.Code] = i
	}
	for _, ind := range industries {
		ind.trades = nil
		for i, t := range r.trades {
			for _, p := range ind.Prefixes {
				if strings.HasPrefix(t.Code, p) {
					ind.trades = append(ind.trades, i)
					break
				}
			}
		}
		if len(ind.trades) > 0 {
			r.industries = append(r.industries, ind)
			r.indCum = appendCum(r.indCum, ind.Weight)
		}
	}
	if len(r.industries) == 0 {
		return nil, fmt.Errorf("demo: no industry matches the trades")
	}
	for _, d := range region.ShenzhenDistricts() {
		if !region.IsPlace(d.Code) {
			continue
		}
		w, ok := districtWeights[d.Code]
		if !ok {
			w = [2]int{2, 2}
		}
		r.districts = append(r.districts, district{Code: d.Code, Name: d.Name, Streets: region.Streets(d.Code)})
		r.facCum = appendCum(r.facCum, w[0])
		r.svcCum = appendCum(r.svcCum, w[1])
	}
	if len(r.districts) == 0 {
		return nil, fmt.Errorf("demo: no Shenzhen districts in the region data")
	}
	twinned := map[string]bool{}
	for _, p := range region.TwinnedCounties() {
		twinned[p.County] = true
		r.twinned = append(r.twinned, newCounty(p.County, true))
		r.twinCum = appendCum(r.twinCum, twinnedWeight(p))
	}
	if len(r.twinned) == 0 {
		return nil, fmt.Errorf("demo: no twinned counties in the region data")
	}
	// The demo station: 那坡县 when present, else the first twinned county
	// with a Shenzhen district.
	for _, p := range region.TwinnedCounties() {
		if len(p.District) == 6 && (r.station == "" || p.County == "451026") {
			r.station, r.stationDis = p.County, p.District
		}
	}
	if r.station == "" {
		r.station, r.stationDis = r.twinned[0].Code, r.districts[0].Code
	}
	for _, pv := range otherProvinces {
		var cs []county
		for _, pf := range region.Children(pv.code) {
			for _, c := range region.Children(pf.Code) {
				// Rural counties and county-level cities, not city districts.
				if c.Level != region.County || !region.IsPlace(c.Code) || twinned[c.Code] ||
					region.IsShenzhen(c.Code) || strings.HasSuffix(c.Name, "区") {
					continue
				}
				cs = append(cs, newCounty(c.Code, false))
			}
		}
		for _, c := range cs {
			r.others = append(r.others, c)
			r.otherCum = appendCum(r.otherCum, max(1, pv.weight*100/len(cs)))
		}
	}
	if len(r.others) == 0 { // only twinned counties: they stand in
		r.others, r.otherCum = r.twinned, r.twinCum
	}
	return r, nil
}

func newCounty(code string, twinned bool) county {
	c := county{Code: code, Province: code[:2], Twinned: twinned}
	for _, t := range region.Children(code) {
		c.Townships = append(c.Townships, t.Code)
	}
	if len(c.Townships) == 0 {
		c.Townships = []string{code}
	}
	return c
}

func appendCum(cum []int, w int) []int {
	last := 0
	if len(cum) > 0 {
		last = cum[len(cum)-1]
	}
	return append(cum, last+w)
}

// pick draws an index with the weights whose running sums are cum.
func pick(r *rand.Rand, cum []int) int {
	x := r.IntN(cum[len(cum)-1])
	i, _ := slices.BinarySearch(cum, x+1)
	return i
}

func oneOf[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }

// front draws from a list favouring its front (frequency-ordered lists).
func front[T any](r *rand.Rand, list []T) T {
	a, b := r.IntN(len(list)), r.IntN(len(list))
	return list[min(a, b)]
}

func (r *ref) district(code string) district {
	for _, d := range r.districts {
		if d.Code == code {
			return d
		}
	}
	return r.districts[0]
}
