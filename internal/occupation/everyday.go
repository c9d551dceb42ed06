package occupation

import "strings"

// Everyday is a trade as people say it (普工, 保安, 司机 …), tied to the one
// occupation of the classification a seeker who says it is recorded under.
// Provenance: the words are the ones Shenzhen's job posters and the
// stations' registration forms use (the same words as Trades' keywords,
// which come from posting titles); each is tied by us to the closest
// level-4 occupation of the 2022 classification — 普工 to 电子设备装接工,
// the commonest factory line job in the demo's Longgang electronics plants.
// The English names are ours (plain job titles), since the classification
// has no English edition in our sources.
type Everyday struct {
	Name    string // 普工
	English string // General worker
	Code    string // level-4 occupation code
}

// everyday is in order of how often seekers name it; the first of them are
// offered as one-tap choices. TestEveryday checks every code is a trade.
var everyday = []Everyday{
	{"普工", "General worker", "6-25-04-07"},
	{"保安", "Security guard", "4-07-05-01"},
	{"司机", "Driver", "4-02-02-02"},
	{"厨师", "Cook", "4-03-02-01"},
	{"快递员", "Courier", "4-02-07-08"},
	{"保洁", "Cleaner", "4-09-08-01"},
	{"服务员", "Waiter", "4-03-02-05"},
	{"外卖骑手", "Delivery rider", "4-10-08-01"},
	{"搬运工", "Loader", "4-02-05-01"},
	{"仓管", "Storekeeper", "4-02-06-01"},
	{"电工", "Electrician", "6-31-01-03"},
	{"焊工", "Welder", "6-18-02-04"},
	{"手机装配", "Phone assembler", "6-25-04-02"},
	{"质检", "Quality inspector", "6-31-03-05"},
	{"包装工", "Packer", "6-31-05-00"},
	{"叉车司机", "Forklift driver", "6-30-05-01"},
	{"车缝工", "Sewing machinist", "6-05-01-03"},
	{"泥水工", "Bricklayer", "6-29-01-01"},
	{"钢筋工", "Steel fixer", "6-29-01-04"},
	{"装修工", "Decorator", "6-29-04-01"},
	{"水电工", "Electrical fitter", "6-29-03-02"},
	{"分拣员", "Sorter", "4-02-07-09"},
	{"理货员", "Stock picker", "4-02-06-02"},
	{"CNC操机", "CNC operator", "6-18-01-07"},
	{"注塑工", "Moulding operator", "6-14-02-00"},
	{"冲压工", "Press operator", "6-18-01-12"},
	{"喷涂工", "Spray painter", "6-18-03-03"},
	{"机修", "Maintenance fitter", "6-31-01-02"},
	{"收银员", "Cashier", "4-01-02-04"},
	{"家政", "Housekeeper", "4-10-01-06"},
	{"护工", "Care worker", "4-10-01-05"},
	{"客房服务员", "Room attendant", "4-03-01-02"},
	{"大巴司机", "Bus driver", "4-02-02-01"},
	{"测试员", "Tester", "6-25-04-08"},
	{"SMT操作员", "SMT operator", "6-25-01-13"},
	{"电池厂普工", "Battery worker", "6-24-04-00"},
}

// EverydayTrades returns the everyday names, commonest first.
func EverydayTrades() []Everyday { return append([]Everyday(nil), everyday...) }

// EverydayOf returns the everyday name a code is recorded under, if any.
func EverydayOf(code string) (Everyday, bool) {
	for _, e := range everyday {
		if e.Code == code {
			return e, true
		}
	}
	return Everyday{}, false
}

// FindEveryday returns the everyday names that hold query in Chinese or in
// English (case-insensitive), exact matches first, then those whose
// occupation Search finds; an empty query returns nil.
func FindEveryday(query string) []Everyday {
	q := strings.ToLower(strings.TrimSpace(query))
	if q == "" {
		return nil
	}
	var exact, part []Everyday
	seen := map[string]bool{}
	for _, e := range everyday {
		switch {
		case e.Name == q || strings.ToLower(e.English) == q:
			exact = append(exact, e)
		case strings.Contains(e.Name, q) || strings.Contains(strings.ToLower(e.English), q):
			part = append(part, e)
		default:
			continue
		}
		seen[e.Code] = true
	}
	out := append(exact, part...)
	for _, o := range Search(query) {
		if e, ok := EverydayOf(o.Code); ok && !seen[e.Code] {
			out = append(out, e)
			seen[e.Code] = true
		}
	}
	return out
}

// NameIn is the occupation's name in lang: in English the everyday name it
// is recorded under, where there is one, else the Chinese name.
func NameIn(lang, code string) string {
	if strings.HasPrefix(lang, "en") {
		if e, ok := EverydayOf(code); ok {
			return e.English
		}
	}
	return Name(code)
}
