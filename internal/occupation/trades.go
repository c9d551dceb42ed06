package occupation

import "slices"

// Trade is a blue-collar occupation typical of Shenzhen's factories, logistics,
// construction sites and services in 2020, with a typical monthly pay band and the short
// words employers use in posting titles. The bands are our estimates for demo data
// (gross CNY per month including usual overtime; Shenzhen's minimum wage in 2020 was
// 2,200), not official statistics.
type Trade struct {
	Code     string   // level-4 occupation code
	PayMin   int      // CNY per month
	PayMax   int      // CNY per month
	Keywords []string // e.g. 普工, 保安, 司机, 快递员
}

// trades is the curated list; TestTrades checks that every code is an occupation.
var trades = []Trade{
	// Electronics and electrical manufacturing.
	{"6-25-04-07", 4500, 6500, []string{"普工", "电子厂普工", "装配工", "插件工", "流水线"}}, // 电子设备装接工
	{"6-25-04-02", 4500, 6500, []string{"普工", "手机装配", "组装工"}},                // 通信终端设备制造工
	{"6-25-04-08", 5000, 7500, []string{"调试员", "测试员", "测试技术员"}},              // 电子设备调试工
	{"6-25-03-00", 4500, 6500, []string{"电脑组装", "普工"}},                       // 计算机及外部设备装配调试员
	{"6-25-01-13", 4500, 6800, []string{"线路板", "PCB", "SMT"}},                // 印制电路制作工
	{"6-25-01-11", 4300, 6000, []string{"连接器", "端子", "普工"}},                  // 电器接插件制造工
	{"6-25-02-03", 4500, 6500, []string{"液晶", "显示屏", "贴合"}},                  // 液晶显示器件制造工
	{"6-25-02-06", 5000, 7000, []string{"封装", "芯片", "半导体"}},                  // 半导体分立器件和集成电路装调工
	{"6-24-04-00", 4500, 6500, []string{"电池", "锂电", "电芯"}},                   // 电池制造工
	{"6-24-05-04", 4300, 6000, []string{"小家电", "普工"}},                        // 小型家用电器制造工
	{"6-24-07-02", 4200, 5800, []string{"灯具", "LED"}},                        // 灯具制造工
	// Plastics, metalwork and machining.
	{"6-14-02-00", 4500, 6500, []string{"注塑", "啤机", "注塑工"}},    // 塑料制品成型制作工
	{"6-18-01-12", 4500, 6500, []string{"冲压", "冲床", "五金"}},     // 冲压工
	{"6-18-01-07", 5500, 8500, []string{"CNC", "数控", "CNC操机"}}, // 多工序数控机床操作调整工
	{"6-18-02-04", 6000, 9000, []string{"焊工", "电焊", "氩弧焊"}},    // 焊工
	{"6-18-03-03", 5000, 7000, []string{"喷涂", "喷漆", "喷油"}},     // 涂装工
	{"6-18-04-01", 6000, 9000, []string{"模具", "模具工"}},          // 模具工
	{"6-20-01-01", 5000, 7500, []string{"钳工", "装配钳工"}},         // 装配钳工
	{"6-31-01-02", 6000, 8500, []string{"机修", "设备维修"}},         // 机修钳工
	{"6-31-01-03", 6000, 9000, []string{"电工", "水电工"}},          // 电工
	{"6-31-03-05", 4500, 6500, []string{"品检", "质检", "QC"}},     // 质检员
	{"6-31-05-00", 4000, 5500, []string{"包装", "包装工", "打包"}},    // 包装工
	// Garments and light industry.
	{"6-05-01-03", 5000, 8000, []string{"车位", "车缝", "缝纫", "衣车"}}, // 缝纫工
	{"6-05-01-02", 4500, 6500, []string{"裁床", "裁剪"}},             // 裁剪工
	{"6-09-05-00", 4000, 5500, []string{"玩具厂", "普工"}},            // 玩具制作工
	// Construction.
	{"6-29-01-01", 7000, 11000, []string{"泥水工", "砌砖", "瓦工"}},   // 砌筑工
	{"6-29-01-03", 6500, 10000, []string{"混凝土", "泥工"}},         // 混凝土工
	{"6-29-01-04", 7000, 11000, []string{"钢筋工", "扎铁"}},         // 钢筋工
	{"6-29-01-05", 7000, 11000, []string{"架子工", "搭架"}},         // 架子工
	{"6-29-04-01", 6500, 10000, []string{"装修", "油漆工", "木工"}},   // 装饰装修工
	{"6-29-03-02", 6500, 9500, []string{"水电安装", "电气安装"}},       // 电气设备安装工
	{"6-29-02-15", 6000, 9000, []string{"管道工", "水管"}},          // 管道工
	{"6-30-05-02", 7000, 10000, []string{"起重工", "信号工", "司索工"}}, // 起重工
	// Logistics and transport.
	{"6-30-05-01", 5500, 7500, []string{"叉车", "叉车司机"}},          // 起重装卸机械操作工
	{"4-02-02-02", 7000, 10000, []string{"司机", "货车司机", "货运司机"}}, // 道路货运汽车驾驶员
	{"4-02-02-01", 6500, 9000, []string{"司机", "大巴司机", "公交司机"}},  // 客运车辆驾驶员
	{"4-02-05-01", 5000, 7500, []string{"搬运", "装卸工", "搬运工"}},    // 装卸搬运工
	{"4-02-06-01", 4500, 6500, []string{"仓管", "仓管员", "仓库"}},     // 仓储管理员
	{"4-02-06-02", 4500, 6000, []string{"理货员", "拣货", "仓库"}},     // 理货员
	{"4-02-07-08", 6000, 10000, []string{"快递员", "派件", "收派员"}},   // 快递员
	{"4-02-07-09", 4800, 6500, []string{"分拣员", "分拣", "快递"}},     // 快件处理员
	{"4-10-08-01", 6000, 10000, []string{"骑手", "外卖骑手", "配送员"}},  // 网约配送员
	// Services.
	{"4-07-05-01", 3800, 5500, []string{"保安", "保安员", "门卫"}},  // 保安员
	{"4-09-08-01", 2800, 4000, []string{"保洁", "保洁员", "清洁工"}}, // 保洁员
	{"4-03-02-01", 5000, 8000, []string{"厨师", "炒锅", "中餐厨师"}}, // 中式烹调师
	{"4-03-02-05", 3800, 5000, []string{"服务员", "餐厅服务员"}},     // 餐厅服务员
	{"4-03-01-02", 3800, 5000, []string{"客房服务员", "客房"}},      // 客房服务员
	{"4-01-02-04", 3800, 5000, []string{"收银员", "收银"}},        // 收银员
	{"4-10-01-06", 5000, 8000, []string{"家政", "保姆", "育儿嫂"}},  // 家政服务员
	{"4-10-01-05", 4500, 6500, []string{"护工", "养老护理"}},       // 养老护理员
}

// Trades returns the curated blue-collar trades, grouped by sector (manufacturing,
// construction, logistics, services).
func Trades() []Trade {
	out := slices.Clone(trades)
	for i := range out {
		out[i].Keywords = slices.Clone(out[i].Keywords)
	}
	return out
}

// TradeOf returns the trade entry for an occupation code.
func TradeOf(code string) (Trade, bool) {
	for _, t := range trades {
		if t.Code == code {
			t.Keywords = slices.Clone(t.Keywords)
			return t, true
		}
	}
	return Trade{}, false
}

// CommonBlueCollar returns the codes of Trades, in the same order: occupations typical
// of blue-collar jobs in Shenzhen in 2020 (assembly, sewing, couriers, security guards,
// cleaners, cooks, drivers, warehouse and construction workers, …).
func CommonBlueCollar() []string {
	out := make([]string, len(trades))
	for i, t := range trades {
		out[i] = t.Code
	}
	return out
}
