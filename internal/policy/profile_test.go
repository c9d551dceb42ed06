package policy

import (
	"errors"
	"math"
	"slices"
	"testing"

	"easyjob/internal/easyjob"
)

func TestProfileValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		p      Profile
		fields []string
	}{
		{"empty is valid: nothing known", Profile{}, nil},
		{"a full, plausible profile", Profile{Staff: ptr(120), StaffSameMonthLastYear: ptr(130), Industry: "C", District: "440306",
			Landlord: "soe", MonthlyRentCNY: f64(30000), HousingFundRate: f64(0.05), Activities: []string{"export"}}, nil},
		{"negative staff", Profile{Staff: ptr(-1)}, []string{"staff"}},
		{"staff at the bound", Profile{Staff: ptr(MaxStaff)}, nil},
		{"staff over the bound", Profile{StaffSameMonthLastYear: ptr(MaxStaff + 1)}, []string{"staff_same_month_last_year"}},
		{"rent over the bound", Profile{MonthlyRentCNY: f64(MaxMonthlyCNY + 1)}, []string{"monthly_rent_cny"}},
		{"NaN revenue", Profile{AnnualRevenueCNY: f64(math.NaN())}, []string{"annual_revenue_cny"}},
		{"negative fee", Profile{GuaranteeFeeCNY: f64(-0.01)}, []string{"guarantee_fee_cny"}},
		{"rate over 1", Profile{HousingFundRate: f64(1.01)}, []string{"housing_fund_rate"}},
		{"unknown industry", Profile{Industry: "manufacturing"}, []string{"industry"}},
		{"district outside Shenzhen", Profile{District: "110101"}, []string{"district"}},
		{"unknown landlord", Profile{Landlord: "landlord"}, []string{"landlord"}},
		{"unknown activity", Profile{Activities: []string{"export", "mining"}}, []string{"activities"}},
		{"several at once", Profile{Staff: ptr(-3), Industry: "Z", MonthlyRentCNY: f64(-1)}, []string{"industry", "monthly_rent_cny", "staff"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := invalidFields(t, tc.p.Validate()); !slices.Equal(got, tc.fields) {
				t.Errorf("fields %v, want %v", got, tc.fields)
			}
		})
	}
}

func TestEvaluateRejects(t *testing.T) {
	r := mustDefault(t)
	for _, tc := range []struct {
		name   string
		p      Profile
		asOf   easyjob.Date
		fields []string
	}{
		{"before 2020", Profile{}, easyjob.NewDate(2019, 12, 31), []string{"as_of"}},
		{"first day", Profile{}, AsOfFirst, nil},
		{"last day", Profile{}, AsOfLast, nil},
		{"after 2030", Profile{}, easyjob.NewDate(2031, 1, 1), []string{"as_of"}},
		{"no date", Profile{}, easyjob.Date{}, []string{"as_of"}},
		{"profile and date together", Profile{Staff: ptr(-1)}, easyjob.NewDate(2031, 1, 1), []string{"as_of", "staff"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := r.Evaluate(tc.p, tc.asOf)
			if got := invalidFields(t, err); !slices.Equal(got, tc.fields) {
				t.Errorf("fields %v, want %v", got, tc.fields)
			}
		})
	}
}

// invalidFields returns the sorted fields of an EINVALID error (nil for nil).
func invalidFields(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var e *easyjob.Error
	if !errors.As(err, &e) || e.Code != easyjob.EINVALID {
		t.Fatalf("not an EINVALID error: %v", err)
	}
	var out []string
	for k, m := range e.Fields {
		if m.Key == "" {
			t.Errorf("%s: no message key", k)
		}
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestEveryFactHasALabel(t *testing.T) {
	for _, f := range Facts {
		if f.Name == "" || !f.Label.complete() {
			t.Errorf("field %d (%q) has no expr name or label", f.field, f.Name)
		}
	}
	if len(factLabels) != len(Facts) {
		t.Errorf("%d labels for %d facts", len(factLabels), len(Facts))
	}
}
