package policy

import (
	"errors"
	"math"
	"testing"

	"easyjob/internal/easyjob"
	"pgregory.net/rapid"
)

func f64(v float64) *float64 { return &v }
func ptr[T any](v T) *T      { return &v }

func TestWithParamRejects(t *testing.T) {
	r := mustDefault(t)
	d := easyjob.NewDate
	for _, tc := range []struct {
		name, slug, param string
		v                 DatedValue
		field             string
	}{
		{"unknown measure", "no-such", "x", DatedValue{}, "slug"},
		{"unknown parameter", "rent-relief", "no_such", DatedValue{}, "param"},
		{"before the last value", "rent-relief", "exempt_months", DatedValue{From: d(2020, 2, 1), Value: f64(3), Source: "officer"}, "from"},
		{"on the date of the last value", "rent-relief", "exempt_months", DatedValue{From: d(2020, 2, 7), Value: f64(3), Source: "officer"}, "from"},
		{"after the engine's range", "rent-relief", "exempt_months", DatedValue{From: d(2031, 1, 1), Value: f64(3), Source: "officer"}, "from"},
		{"no date", "rent-relief", "exempt_months", DatedValue{Value: f64(3), Source: "officer"}, "from"},
		{"months not whole", "rent-relief", "exempt_months", DatedValue{From: d(2020, 4, 1), Value: f64(2.5), Source: "officer"}, "value"},
		{"negative months", "rent-relief", "exempt_months", DatedValue{From: d(2020, 4, 1), Value: f64(-1), Source: "officer"}, "value"},
		{"a rate over 1", "guarantee-fee-cut", "fee_cut_rate", DatedValue{From: d(2020, 4, 1), Value: f64(1.5), Source: "officer"}, "value"},
		{"NaN", "guarantee-fee-cut", "fee_cut_rate", DatedValue{From: d(2020, 4, 1), Value: f64(math.NaN()), Source: "officer"}, "value"},
		{"negative amount", "anti-epidemic-key-units", "equipment_subsidy_cap", DatedValue{From: d(2020, 4, 1), Value: f64(-5), Source: "officer"}, "value"},
		{"no source", "rent-relief", "exempt_months", DatedValue{From: d(2020, 4, 1), Value: f64(3)}, "source"},
		{"unknown without a note", "rent-relief", "exempt_months", DatedValue{From: d(2020, 4, 1), Source: "officer"}, "note"},
		{"assumption without a note", "rent-relief", "exempt_months", DatedValue{From: d(2020, 4, 1), Value: f64(3), Source: "officer", Assumption: true}, "note"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := r.WithParam(tc.slug, tc.param, tc.v)
			var e *easyjob.Error
			if !errors.As(err, &e) || e.Code != easyjob.EINVALID || e.Fields[tc.field].Key == "" {
				t.Fatalf("got %v, want an EINVALID error on %s", err, tc.field)
			}
		})
	}
}

func TestWithParamTakesEffectOnItsDate(t *testing.T) {
	r := mustDefault(t)
	from := easyjob.NewDate(2020, 4, 15)
	// The raise of the SME refund to 100%, dated by an officer.
	r2, err := r.WithParam("job-retention-refund", "refund_rate", DatedValue{From: from, Value: f64(1), Source: "officer"})
	if err != nil {
		t.Fatal(err)
	}
	// The "few layoffs" threshold becomes known: a fall of 1% is then decided.
	r3, err := r2.WithParam("job-retention-refund", "max_layoff_rate", DatedValue{From: from, Value: f64(0.05), Source: "officer"})
	if err != nil {
		t.Fatal(err)
	}
	p := Profile{UnemploymentInsuranceLastYearCNY: f64(50000), Staff: ptr(99), StaffSameMonthLastYear: ptr(100)}
	for _, tc := range []struct {
		rules  *Rules
		day    easyjob.Date
		status Status
		cny    float64
	}{
		{r, from, Undetermined, 25000},
		{r2, from.AddDays(-1), Undetermined, 25000},
		{r2, from, Undetermined, 50000},
		{r3, from.AddDays(-1), Undetermined, 25000},
		{r3, from, Eligible, 50000},
	} {
		got, err := tc.rules.EvaluateOne("job-retention-refund", p, tc.day)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != tc.status || got.Benefit.CNY != tc.cny {
			t.Errorf("%s: %s %.2f, want %s %.2f", tc.day, got.Status, got.Benefit.CNY, tc.status, tc.cny)
		}
	}
	p.Staff = ptr(94) // a fall of 6%
	if got, _ := r3.EvaluateOne("job-retention-refund", p, from); got.Status != NotEligible || got.Failed.ID != "few_layoffs" {
		t.Errorf("a fall over the threshold: %s %s", got.Status, got.Why().En)
	}
}

// A parameter change never alters a result for a date before it, and leaves the rules it
// was derived from as they were.
func TestParamChangeNeverAltersTheEarlierPast(t *testing.T) {
	r := mustDefault(t)
	var withParams []*Measure
	for _, m := range r.Measures() {
		if len(m.Params) > 0 {
			withParams = append(withParams, m)
		}
	}
	rapid.Check(t, func(t *rapid.T) {
		m := rapid.SampledFrom(withParams).Draw(t, "measure")
		prm := rapid.SampledFrom(m.Params).Draw(t, "param")
		last := prm.Values[len(prm.Values)-1].From
		// Changes dated while the measures are in force, or soon after, are the interesting ones.
		from := last.AddDays(rapid.IntRange(1, last.DaysUntil(easyjob.NewDate(2021, 3, 1))).Draw(t, "after"))
		v := DatedValue{From: from, Value: f64(genValue(t, prm.Type)), Source: "officer"}
		if rapid.Bool().Draw(t, "unknown") {
			v.Value, v.Note = nil, Text{"待定", "to be decided"}
		}
		r2, err := r.WithParam(m.Slug, prm.Name, v)
		if err != nil {
			t.Fatal(err)
		}
		p := genProfile(t)
		asOf := AsOfFirst.AddDays(rapid.IntRange(0, AsOfFirst.DaysUntil(from)-1).Draw(t, "asOf"))
		a, err := r.Evaluate(p, asOf)
		if err != nil {
			t.Fatal(err)
		}
		b, err := r2.Evaluate(p, asOf)
		if err != nil {
			t.Fatal(err)
		}
		for i := range a {
			if !sameResult(a[i], b[i]) {
				t.Fatalf("%s on %s changed by a value from %s:\n%+v\n%+v", a[i].Measure.Slug, asOf, from, a[i], b[i])
			}
		}
		if got, ok := r2.Measure(m.Slug).Param(prm.Name).At(from); (v.Value == nil) == ok || (ok && got != *v.Value) {
			t.Fatalf("on %s the value is %v %v, want %v", from, got, ok, v.Value)
		}
		if len(r.Measure(m.Slug).Param(prm.Name).Values) != len(prm.Values) {
			t.Fatal("WithParam changed the rules it was derived from")
		}
	})
}

func genValue(t *rapid.T, typ ParamType) float64 {
	switch typ {
	case TypeRate:
		return rapid.Float64Range(0, 1).Draw(t, "rate")
	case TypeMonths:
		return float64(rapid.IntRange(0, 120).Draw(t, "months"))
	case TypeDays:
		return float64(rapid.IntRange(0, 3660).Draw(t, "days"))
	}
	return rapid.Float64Range(0, 1e8).Draw(t, "cny")
}

// genProfile draws a valid profile in which any fact may be unknown.
func genProfile(t *rapid.T) Profile {
	maybe := func(name string) bool { return rapid.Bool().Draw(t, name+"?") }
	count := func(name string) *int {
		if !maybe(name) {
			return nil
		}
		return ptr(rapid.IntRange(0, 5000).Draw(t, name))
	}
	money := func(name string) *float64 {
		if !maybe(name) {
			return nil
		}
		return f64(rapid.SampledFrom([]float64{0, 0.01, 1, 1000, 20000, 40000000, 1e8}).Draw(t, name))
	}
	flag := func(name string) *bool {
		if !maybe(name) {
			return nil
		}
		return ptr(rapid.Bool().Draw(t, name))
	}
	key := func(name string, keys []string) string {
		if !maybe(name) {
			return ""
		}
		return rapid.SampledFrom(keys).Draw(t, name)
	}
	p := Profile{
		Staff: count("staff"), StaffSameMonthLastYear: count("staff_last_year"), AnnualRevenueCNY: money("revenue"),
		SME: flag("sme"), StateOwned: flag("state_owned"), EpidemicDifficulty: flag("difficulty"),
		Industry: key("industry", industryKeys), District: key("district", districtKeys), Landlord: key("landlord", LandlordKeys),
		MonthlyRentCNY: money("rent"), ManagedAreaM2: money("area"), SewageFeeMonthlyCNY: money("sewage"),
		BasicElectricityChargeMonthlyCNY: money("electricity"), SocialInsuranceMonthlyCNY: money("si"),
		UnemploymentInsuranceLastYearCNY: money("ui"), HousingFundBaseMonthlyCNY: money("hpf_base"),
		BankLoanCNY: money("loan"), NewBankLoanCNY: money("new_loan"), GuaranteedLoanCNY: money("guaranteed"),
		GuaranteeFeeCNY: money("fee"), AntiEpidemicEquipmentCNY: money("equipment"),
	}
	if maybe("hpf_rate") {
		p.HousingFundRate = f64(rapid.Float64Range(0, 0.12).Draw(t, "hpf_rate"))
	}
	if maybe("activities") {
		p.Activities = rapid.SliceOfDistinct(rapid.SampledFrom(ActivityKeys), func(s string) string { return s }).Draw(t, "activities")
	}
	return p
}

func sameResult(a, b Result) bool {
	if a.Measure.Slug != b.Measure.Slug || a.Status != b.Status || a.NotInForce != b.NotInForce ||
		(a.Failed == nil) != (b.Failed == nil) || a.Missing != b.Missing || a.Gaps != b.Gaps ||
		a.Benefit.CNY != b.Benefit.CNY || a.Benefit.AtMost != b.Benefit.AtMost || len(a.Benefit.Parts) != len(b.Benefit.Parts) {
		return false
	}
	if a.Failed != nil && a.Failed.ID != b.Failed.ID {
		return false
	}
	for i, pa := range a.Benefit.Parts {
		pb := b.Benefit.Parts[i]
		pa.Part, pb.Part = nil, nil
		if pa != pb {
			return false
		}
	}
	return true
}
