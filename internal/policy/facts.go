package policy

import (
	"math/bits"
	"reflect"
)

// Fact is one field of the Profile, by its expression name.
type Fact struct {
	Name  string // the yaml/json/expr name, e.g. "monthly_rent_cny"
	Label Text   // what to ask for
	field int
}

// FactSet is a set of facts (bit i is Facts[i]).
type FactSet uint64

// Facts lists the Profile's fields in declaration order.
var Facts = func() []Fact {
	t := reflect.TypeFor[Profile]()
	if t.NumField() > 64 {
		panic("policy: a FactSet holds at most 64 facts")
	}
	out := make([]Fact, t.NumField())
	for i := range out {
		name := t.Field(i).Tag.Get("expr")
		out[i] = Fact{Name: name, Label: factLabels[name], field: i}
	}
	return out
}()

var factIndex = func() map[string]int {
	m := make(map[string]int, len(Facts))
	for i, f := range Facts {
		m[f.Name] = i
	}
	return m
}()

var factLabels = map[string]Text{
	"staff":                                {"现有职工人数", "number of staff now"},
	"staff_same_month_last_year":           {"上年同月职工人数", "number of staff in the same month last year"},
	"annual_revenue_cny":                   {"年营业收入（元）", "annual revenue (CNY)"},
	"sme":                                  {"是否中小企业", "whether it is a small or medium-sized enterprise"},
	"state_owned":                          {"是否国有企业或机构", "whether it is state-owned"},
	"industry":                             {"所属行业（国民经济行业门类）", "industry (GB/T 4754 section)"},
	"district":                             {"所在区", "district"},
	"activities":                           {"业务类别（防疫物资生产、物业管理、公共交通、出口等）", "activities (anti-epidemic supplies, property management, public transport, export, …)"},
	"epidemic_difficulty":                  {"是否因疫情无法按时缴纳社保、公积金或税款", "whether the epidemic keeps it from paying contributions or taxes on time"},
	"landlord":                             {"经营场所的出租方", "whom it rents its premises from"},
	"monthly_rent_cny":                     {"月租金（元）", "monthly rent (CNY)"},
	"managed_area_m2":                      {"物业管理面积（平方米）", "managed property area (m²)"},
	"sewage_fee_monthly_cny":               {"每月城镇污水处理费（元）", "monthly urban sewage treatment fee (CNY)"},
	"basic_electricity_charge_monthly_cny": {"每月基本电费（元）", "monthly basic electricity charge (CNY)"},
	"social_insurance_monthly_cny":         {"每月单位缴纳的社会保险费（元）", "the employer's monthly social insurance contributions (CNY)"},
	"unemployment_insurance_last_year_cny": {"上年实际缴纳的失业保险费（元）", "unemployment insurance paid last year (CNY)"},
	"housing_fund_base_monthly_cny":        {"每月住房公积金缴存基数合计（元）", "monthly housing provident fund base, all staff (CNY)"},
	"housing_fund_rate":                    {"单位住房公积金缴存比例", "the employer's housing provident fund rate"},
	"bank_loan_cny":                        {"银行贷款余额（元）", "outstanding bank loans (CNY)"},
	"new_bank_loan_cny":                    {"2020年新增银行贷款（元）", "new bank loans in 2020 (CNY)"},
	"guaranteed_loan_cny":                  {"政策性融资担保机构担保的贷款（元）", "loans guaranteed by a policy-based guarantee institution (CNY)"},
	"guarantee_fee_cny":                    {"上述担保按原费率应付的担保费（元）", "the guarantee fee for them at the usual rate (CNY)"},
	"anti_epidemic_equipment_cny":          {"2020年2月1日至3月31日购置防疫物资生产设备的投资（元）", "investment in anti-epidemic production equipment bought 2020-02-01..03-31 (CNY)"},
}

// known returns the facts of p that are known.
func known(p *Profile) FactSet {
	v := reflect.ValueOf(p).Elem()
	var s FactSet
	for i := range Facts {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.String:
			if f.Len() > 0 {
				s |= 1 << i
			}
		default: // pointer or slice
			if !f.IsNil() {
				s |= 1 << i
			}
		}
	}
	return s
}

// Facts returns the facts in s in declaration order.
func (s FactSet) Facts() []Fact {
	out := make([]Fact, 0, bits.OnesCount64(uint64(s)))
	for i := range Facts {
		if s&(1<<i) != 0 {
			out = append(out, Facts[i])
		}
	}
	return out
}

// Names returns the names of the facts in s.
func (s FactSet) Names() []string {
	fs := s.Facts()
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Name
	}
	return out
}

// Labels returns the facts in s as one phrase per language.
func (s FactSet) Labels() Text {
	fs := s.Facts()
	ts := make([]Text, len(fs))
	for i, f := range fs {
		ts[i] = f.Label
	}
	return join(ts)
}
