package occupation

import (
	"slices"
	"strings"
)

// entryLevel lists the occupations whose work needs no experience and is learnt on the
// job in a few days: line work that employers advertise as 普工, packing, loading,
// sorting and tallying, cleaning, and serving in restaurants and hotels. Skilled trades
// (welders, electricians, drivers, cooks), work that needs a certificate (security
// guards, forklift drivers) and care work are not in it. TestEntryLevel checks that
// every code is an occupation.
var entryLevel = []string{
	"6-25-04-07", // 电子设备装接工 (电子厂普工)
	"6-25-04-02", // 通信终端设备制造工 (手机装配)
	"6-25-03-00", // 计算机及外部设备装配调试员 (电脑组装)
	"6-25-01-11", // 电器接插件制造工
	"6-24-05-04", // 小型家用电器制造工
	"6-24-07-02", // 灯具制造工
	"6-09-05-00", // 玩具制作工
	"6-31-05-00", // 包装工
	"4-02-05-01", // 装卸搬运工
	"4-02-06-02", // 理货员
	"4-02-07-09", // 快件处理员 (分拣员)
	"4-09-08-01", // 保洁员
	"4-03-02-05", // 餐厅服务员
	"4-03-01-02", // 客房服务员
}

// relatedGroups pairs groups of the classification (middle or minor groups) in
// different middle groups whose work carries over from one to the other, so that a
// worker of one can take up the other with little training. The pairs are symmetric.
// Groups in the same middle group need no pair: matching treats them as related
// already. TestRelatedGroups checks that every code is a group and that the two sides
// of a pair are in different middle groups.
var relatedGroups = [][2]string{
	{"6-25", "6-24"},       // electronic and electrical assembly: the same line work
	{"6-25", "6-31-03"},    // assembly lines and inspection (质检, 品检)
	{"6-24", "6-31-03"},    // "
	{"6-25", "6-31-05"},    // assembly lines and packing
	{"6-24", "6-31-05"},    // "
	{"6-14", "6-18"},       // plastic moulding and metal pressing: tending machines
	{"6-18", "6-19"},       // metal processing and metal products
	{"6-18", "6-20"},       // machining and equipment fitting (钳工)
	{"6-05", "6-04"},       // garments and textiles
	{"6-05", "6-09"},       // garments and toys, handicrafts: sewing and hand assembly
	{"6-05", "4-10-02"},    // sewing in a factory and tailoring as a service
	{"6-29", "6-30-05"},    // building sites and construction machinery (起重, 信号, 司索)
	{"6-29", "4-02-05"},    // building labourers and loading, carrying
	{"4-02-05", "6-30-05"}, // loading and forklifts
	{"4-02-06", "6-31-05"}, // warehouses and packing
	{"4-02-07", "4-10-08"}, // couriers and delivery riders (网约配送员)
	{"4-02-02", "4-10-08"}, // drivers and delivery riders
	{"4-03", "4-09-08"},    // hotels and restaurants and cleaning
	{"4-03", "4-10-01"},    // hotels and restaurants and household services (家政)
	{"4-03-02", "4-01-02"}, // restaurants and retail counters (收银)
	{"4-07-05", "4-06-01"}, // security guards and property management (物业)
}

// EntryLevel reports whether code is an occupation whose work needs no experience and
// is learnt on the job (普工-type work): line assembly, packing, loading, sorting,
// cleaning, serving. It is a curated list, like Trades.
func EntryLevel(code string) bool {
	return slices.Contains(entryLevel, strings.TrimSpace(code))
}

// EntryLevelCodes returns the codes EntryLevel accepts, in a fixed order.
func EntryLevelCodes() []string {
	return slices.Clone(entryLevel)
}

// RelatedGroups returns the groups of the classification (middle groups such as "6-24"
// or minor groups such as "6-31-05"), outside code's own middle group, whose work is
// related to code's: a worker of code's trade can take it up with little training
// (electronics assembly and electrical appliances, garments and textiles, couriers and
// delivery riders, …). The relation is curated between groups and symmetric; code may
// be an occupation or a group. The result is sorted; nil for an unknown code or one
// with no related groups.
func RelatedGroups(code string) []string {
	o, ok := Lookup(code)
	if !ok {
		return nil
	}
	within := func(group string) bool {
		return o.Code == group || strings.HasPrefix(o.Code, group+"-")
	}
	var out []string
	for _, p := range relatedGroups {
		for i, g := range p {
			if within(g) && !slices.Contains(out, p[1-i]) {
				out = append(out, p[1-i])
			}
		}
	}
	slices.Sort(out)
	return out
}
