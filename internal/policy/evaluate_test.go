package policy

import (
	"strings"
	"testing"

	"easyjob/internal/easyjob"
)

// Conditions follow Kleene's logic: a known value that decides wins over unknowns.
func TestThreeValuedConditions(t *testing.T) {
	params := []*Param{{Name: "limit", Type: TypeRate}}
	some := Profile{Staff: ptr(10), SME: ptr(true), Landlord: "soe"}
	for _, tc := range []struct {
		src   string
		known bool // p.limit has a value (0.5)
		want  tri
		miss  []string
	}{
		{"staff > 5", false, tTrue, nil},
		{"staff > 50", false, tFalse, nil},
		{"monthly_rent_cny > 0", false, tMissing, []string{"monthly_rent_cny"}},
		{"staff > 50 && monthly_rent_cny > 0", false, tFalse, nil},
		{"monthly_rent_cny > 0 && staff > 50", false, tFalse, nil},
		{"staff > 5 || monthly_rent_cny > 0", false, tTrue, nil},
		{"staff > 50 || monthly_rent_cny > 0", false, tMissing, []string{"monthly_rent_cny"}},
		{"!(monthly_rent_cny > 0)", false, tMissing, []string{"monthly_rent_cny"}},
		{"not sme", false, tFalse, nil},
		{"sme and landlord == 'soe'", false, tTrue, nil},
		{"staff > 50 || staff * p.limit > 1", false, tGap, nil},
		{"staff > 50 || staff * p.limit > 1", true, tTrue, nil},
		{"monthly_rent_cny > 0 || staff * p.limit > 100", false, tMissing, []string{"monthly_rent_cny"}},
		{"state_owned || sme", false, tTrue, nil},
		{"state_owned && sme", false, tMissing, []string{"state_owned"}},
	} {
		c, err := compileCond(tc.src, params)
		if err != nil {
			t.Fatalf("%s: %v", tc.src, err)
		}
		s := &scope{known: known(&some)}
		s.env.Profile = some
		s.env.P = map[string]float64{}
		if tc.known {
			s.env.P["limit"], s.params = 0.5, 1
		}
		got, miss, _, err := s.eval(c)
		if err != nil || got != tc.want || strings.Join(miss.Names(), ",") != strings.Join(tc.miss, ",") {
			t.Errorf("%s: %v %v %v, want %v %v", tc.src, got, miss.Names(), err, tc.want, tc.miss)
		}
	}
}

func TestExplanations(t *testing.T) {
	r := mustDefault(t)
	day := easyjob.NewDate(2020, 3, 1)
	for _, tc := range []struct {
		slug   string
		p      Profile
		day    easyjob.Date
		zh, en string // fragments of Why
		sumEn  string // a fragment of Benefit.Summary
	}{
		{"rent-relief", Profile{StateOwned: ptr(false), Landlord: "soe", MonthlyRentCNY: f64(1000)}, day,
			"符合条件", "eligible", "about CNY 2000.00"},
		{"rent-relief", Profile{StateOwned: ptr(false), Landlord: "other"}, day,
			"不符合条件：承租市、区政府", "condition not met: rents property held by", ""},
		{"rent-relief", Profile{}, easyjob.NewDate(2021, 1, 1),
			"不在该措施的有效期内", "not in force on 2021-01-01 (valid 2020-02-07 to 2020-12-31)", ""},
		{"rent-relief", Profile{StateOwned: ptr(false)}, day,
			"需补充以下信息：经营场所的出租方", "information needed: whom it rents", ""},
		{"four-100-billion-dividends", Profile{}, day, "未找到", "were not found", ""},
		{"job-retention-refund", Profile{UnemploymentInsuranceLastYearCNY: f64(1), Staff: ptr(1), StaffSameMonthLastYear: ptr(2)}, day,
			"规则尚未确定", "the rule is not settled: the largest fall in staff", ""},
		{"anti-epidemic-key-units", Profile{Activities: []string{"anti_epidemic_supplies"}, AntiEpidemicEquipmentCNY: f64(100)}, day,
			"符合条件", "eligible", "up to CNY 50.00"},
		{"social-insurance-deferral", Profile{EpidemicDifficulty: ptr(true)}, day,
			"符合条件", "eligible", "deferred by 3 months (from the end of the epidemic)"},
		{"electricity-cost-relief", Profile{BasicElectricityChargeMonthlyCNY: f64(1)}, day,
			"符合条件", "eligible", "not estimated (the sources give neither"},
		{"housing-fund-relief", Profile{EpidemicDifficulty: ptr(true)}, day,
			"符合条件", "eligible", "the estimate needs monthly housing provident fund base"},
	} {
		got, err := r.EvaluateOne(tc.slug, tc.p, tc.day)
		if err != nil {
			t.Fatal(err)
		}
		why, sum := got.Why(), got.Benefit.Summary()
		if !strings.Contains(why.Zh, tc.zh) || !strings.Contains(why.En, tc.en) || !strings.Contains(sum.En, tc.sumEn) {
			t.Errorf("%s: %q / %q / %q", tc.slug, why.Zh, why.En, sum.En)
		}
		if got.Status.Label().In("en") == "" || got.Status.Label().In("zh-CN") == "" {
			t.Errorf("%s: status %s has no label", tc.slug, got.Status)
		}
	}
}

func TestStatus(t *testing.T) {
	for _, s := range []Status{NotEligible, Eligible, NeedsInfo, Undetermined} {
		got, ok := ParseStatus(s.String())
		if !ok || got != s {
			t.Errorf("%s does not round-trip", s)
		}
		if s.Decided() != (s == Eligible || s == NotEligible) {
			t.Errorf("%s.Decided", s)
		}
	}
	if _, ok := ParseStatus("maybe"); ok {
		t.Error("parsed maybe")
	}
	if Status(9).String() != "status(9)" {
		t.Error(Status(9).String())
	}
}

func TestEvaluateAllSixteen(t *testing.T) {
	res, err := mustDefault(t).Evaluate(benchProfile(), easyjob.NewDate(2020, 3, 1))
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 16 {
		t.Fatalf("%d results", len(res))
	}
	for _, r := range res {
		if r.Status != Eligible && r.Status != Undetermined {
			t.Errorf("%s: %s: %s", r.Measure.Slug, r.Status, r.Why().En)
		}
	}
}

// benchProfile is an enterprise about which everything is known and most measures apply.
func benchProfile() Profile {
	return Profile{
		Staff: ptr(180), StaffSameMonthLastYear: ptr(200), AnnualRevenueCNY: f64(5e7), SME: ptr(true), StateOwned: ptr(false),
		Industry: "C", District: "440306", EpidemicDifficulty: ptr(true),
		Activities: []string{"anti_epidemic_supplies", "property_management", "public_transport", "staff_training", "export"},
		Landlord:   "soe", MonthlyRentCNY: f64(60000), ManagedAreaM2: f64(20000), SewageFeeMonthlyCNY: f64(800),
		BasicElectricityChargeMonthlyCNY: f64(9000), SocialInsuranceMonthlyCNY: f64(150000), UnemploymentInsuranceLastYearCNY: f64(40000),
		HousingFundBaseMonthlyCNY: f64(1.2e6), HousingFundRate: f64(0.1), BankLoanCNY: f64(3e6), NewBankLoanCNY: f64(1e6),
		GuaranteedLoanCNY: f64(1e6), GuaranteeFeeCNY: f64(15000), AntiEpidemicEquipmentCNY: f64(4e6),
	}
}

func BenchmarkEvaluate(b *testing.B) {
	r := mustDefault(b)
	p, day := benchProfile(), easyjob.NewDate(2020, 3, 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Evaluate(p, day); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := Load(embedded, "measures"); err != nil {
			b.Fatal(err)
		}
	}
}
