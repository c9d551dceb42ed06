package policy

import "slices"

// Key is a stable key with its names.
type Key struct {
	Key  string
	Name Text
}

// Industries are the sections of the national industrial classification GB/T 4754-2017.
var Industries = []Key{
	{"A", Text{"农、林、牧、渔业", "agriculture, forestry, animal husbandry and fishery"}},
	{"B", Text{"采矿业", "mining"}},
	{"C", Text{"制造业", "manufacturing"}},
	{"D", Text{"电力、热力、燃气及水生产和供应业", "electricity, heat, gas and water supply"}},
	{"E", Text{"建筑业", "construction"}},
	{"F", Text{"批发和零售业", "wholesale and retail trade"}},
	{"G", Text{"交通运输、仓储和邮政业", "transport, storage and post"}},
	{"H", Text{"住宿和餐饮业", "accommodation and catering"}},
	{"I", Text{"信息传输、软件和信息技术服务业", "information transmission, software and IT services"}},
	{"J", Text{"金融业", "finance"}},
	{"K", Text{"房地产业", "real estate"}},
	{"L", Text{"租赁和商务服务业", "leasing and business services"}},
	{"M", Text{"科学研究和技术服务业", "scientific research and technical services"}},
	{"N", Text{"水利、环境和公共设施管理业", "water, environment and public facilities management"}},
	{"O", Text{"居民服务、修理和其他服务业", "resident services, repair and other services"}},
	{"P", Text{"教育", "education"}},
	{"Q", Text{"卫生和社会工作", "health and social work"}},
	{"R", Text{"文化、体育和娱乐业", "culture, sports and entertainment"}},
	{"S", Text{"公共管理、社会保障和社会组织", "public administration, social security and social organisations"}},
	{"T", Text{"国际组织", "international organisations"}},
}

// Districts are Shenzhen's county-level districts (statistical division codes, 2020).
var Districts = []Key{
	{"440303", Text{"罗湖区", "Luohu"}},
	{"440304", Text{"福田区", "Futian"}},
	{"440305", Text{"南山区", "Nanshan"}},
	{"440306", Text{"宝安区", "Bao'an"}},
	{"440307", Text{"龙岗区", "Longgang"}},
	{"440308", Text{"盐田区", "Yantian"}},
	{"440309", Text{"龙华区", "Longhua"}},
	{"440310", Text{"坪山区", "Pingshan"}},
	{"440311", Text{"光明区", "Guangming"}},
}

// LandlordKeys say whom the enterprise rents its premises from.
var LandlordKeys = []string{
	"none",           // does not rent
	"government",     // property held by the city or a district government
	"soe",            // property held by a city or district state-owned enterprise
	"public_housing", // city or district public-rental or talent housing
	"other",          // a private landlord, a community joint-stock company, …
}

// ActivityKeys are what some measures are for.
var ActivityKeys = []string{
	"anti_epidemic_supplies", // makes anti-epidemic supplies
	"property_management",    // a property-management company
	"designated_hospital",    // a designated hospital for the epidemic
	"vegetable_basket",       // a key "vegetable basket" supplier
	"public_transport",       // operates public transport
	"taxi",                   // a taxi company
	"staff_training",         // organises skills training for its staff
	"export",                 // exports goods or services
}

var (
	industryKeys = keysOf(Industries)
	districtKeys = keysOf(Districts)
)

func keysOf(ks []Key) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.Key
	}
	return out
}

// KnownDistrict tells whether code is one of Districts.
func KnownDistrict(code string) bool { return slices.Contains(districtKeys, code) }

// KnownIndustry tells whether key is one of Industries.
func KnownIndustry(key string) bool { return slices.Contains(industryKeys, key) }
