package policy

import (
	"slices"

	"easyjob/internal/easyjob"
)

// Profile is what the measures need to know about an enterprise. It extends the employer
// (easyjob.EmployerInput gives its district and industry in words). A nil pointer, an empty
// string or a nil slice is a fact not known; the yaml/json/expr names are the names used in
// rule expressions, case files and the API alike. Amounts are CNY.
type Profile struct {
	// Size and kind.
	Staff                  *int     `yaml:"staff" json:"staff" expr:"staff"`
	StaffSameMonthLastYear *int     `yaml:"staff_same_month_last_year" json:"staff_same_month_last_year" expr:"staff_same_month_last_year"`
	AnnualRevenueCNY       *float64 `yaml:"annual_revenue_cny" json:"annual_revenue_cny" expr:"annual_revenue_cny"`
	SME                    *bool    `yaml:"sme" json:"sme" expr:"sme"`                         // small or medium-sized as registered
	StateOwned             *bool    `yaml:"state_owned" json:"state_owned" expr:"state_owned"` // state-owned enterprise or institution
	Industry               string   `yaml:"industry" json:"industry" expr:"industry"`          // GB/T 4754-2017 section letter, see Industries
	District               string   `yaml:"district" json:"district" expr:"district"`          // Shenzhen district code, see Districts
	// Activities lists what the enterprise does among ActivityKeys; an empty, non-nil list
	// means "none of them".
	Activities []string `yaml:"activities" json:"activities" expr:"activities"`
	// EpidemicDifficulty: the enterprise declares it cannot pay contributions or taxes on
	// time because of the epidemic.
	EpidemicDifficulty *bool `yaml:"epidemic_difficulty" json:"epidemic_difficulty" expr:"epidemic_difficulty"`

	// Premises and utilities.
	Landlord                         string   `yaml:"landlord" json:"landlord" expr:"landlord"` // see LandlordKeys
	MonthlyRentCNY                   *float64 `yaml:"monthly_rent_cny" json:"monthly_rent_cny" expr:"monthly_rent_cny"`
	ManagedAreaM2                    *float64 `yaml:"managed_area_m2" json:"managed_area_m2" expr:"managed_area_m2"` // property management firms
	SewageFeeMonthlyCNY              *float64 `yaml:"sewage_fee_monthly_cny" json:"sewage_fee_monthly_cny" expr:"sewage_fee_monthly_cny"`
	BasicElectricityChargeMonthlyCNY *float64 `yaml:"basic_electricity_charge_monthly_cny" json:"basic_electricity_charge_monthly_cny" expr:"basic_electricity_charge_monthly_cny"`

	// Contributions.
	SocialInsuranceMonthlyCNY        *float64 `yaml:"social_insurance_monthly_cny" json:"social_insurance_monthly_cny" expr:"social_insurance_monthly_cny"` // the employer's share
	UnemploymentInsuranceLastYearCNY *float64 `yaml:"unemployment_insurance_last_year_cny" json:"unemployment_insurance_last_year_cny" expr:"unemployment_insurance_last_year_cny"`
	HousingFundBaseMonthlyCNY        *float64 `yaml:"housing_fund_base_monthly_cny" json:"housing_fund_base_monthly_cny" expr:"housing_fund_base_monthly_cny"` // sum of the staff's bases
	HousingFundRate                  *float64 `yaml:"housing_fund_rate" json:"housing_fund_rate" expr:"housing_fund_rate"`                                     // the employer's rate, 0.05 = 5 %

	// Finance.
	BankLoanCNY       *float64 `yaml:"bank_loan_cny" json:"bank_loan_cny" expr:"bank_loan_cny"`                   // outstanding bank loans
	NewBankLoanCNY    *float64 `yaml:"new_bank_loan_cny" json:"new_bank_loan_cny" expr:"new_bank_loan_cny"`       // new bank loans in 2020
	GuaranteedLoanCNY *float64 `yaml:"guaranteed_loan_cny" json:"guaranteed_loan_cny" expr:"guaranteed_loan_cny"` // guaranteed by a policy-based guarantee institution
	GuaranteeFeeCNY   *float64 `yaml:"guarantee_fee_cny" json:"guarantee_fee_cny" expr:"guarantee_fee_cny"`       // the fee for it at the usual rate

	// AntiEpidemicEquipmentCNY is the investment in equipment for producing anti-epidemic
	// supplies bought from 2020-02-01 to 2020-03-31.
	AntiEpidemicEquipmentCNY *float64 `yaml:"anti_epidemic_equipment_cny" json:"anti_epidemic_equipment_cny" expr:"anti_epidemic_equipment_cny"`
}

// Bounds of plausible values; a larger value is a typing error, not an enterprise.
const (
	MaxStaff      = 1_000_000
	MaxMonthlyCNY = 100_000_000       // rent, fees and contributions per month
	MaxAmountCNY  = 1_000_000_000_000 // revenue, loans, investments
	MaxAreaM2     = 100_000_000
)

// AsOfFirst and AsOfLast bound the dates the engine answers for.
var (
	AsOfFirst = easyjob.NewDate(2020, 1, 1)
	AsOfLast  = easyjob.NewDate(2030, 12, 31)
)

// Validate reports impossible values as an easyjob EINVALID error naming each field (by its
// json name) with a message key: policy.field.negative, policy.field.too_large,
// policy.field.rate, policy.field.unknown_key or policy.field.duplicate.
func (p *Profile) Validate() error {
	f := easyjob.Fields{}
	count(f, "staff", p.Staff)
	count(f, "staff_same_month_last_year", p.StaffSameMonthLastYear)
	for _, a := range []struct {
		name string
		v    *float64
		max  float64
	}{
		{"annual_revenue_cny", p.AnnualRevenueCNY, MaxAmountCNY},
		{"monthly_rent_cny", p.MonthlyRentCNY, MaxMonthlyCNY},
		{"managed_area_m2", p.ManagedAreaM2, MaxAreaM2},
		{"sewage_fee_monthly_cny", p.SewageFeeMonthlyCNY, MaxMonthlyCNY},
		{"basic_electricity_charge_monthly_cny", p.BasicElectricityChargeMonthlyCNY, MaxMonthlyCNY},
		{"social_insurance_monthly_cny", p.SocialInsuranceMonthlyCNY, MaxMonthlyCNY},
		{"unemployment_insurance_last_year_cny", p.UnemploymentInsuranceLastYearCNY, MaxAmountCNY},
		{"housing_fund_base_monthly_cny", p.HousingFundBaseMonthlyCNY, MaxMonthlyCNY},
		{"bank_loan_cny", p.BankLoanCNY, MaxAmountCNY},
		{"new_bank_loan_cny", p.NewBankLoanCNY, MaxAmountCNY},
		{"guaranteed_loan_cny", p.GuaranteedLoanCNY, MaxAmountCNY},
		{"guarantee_fee_cny", p.GuaranteeFeeCNY, MaxAmountCNY},
		{"anti_epidemic_equipment_cny", p.AntiEpidemicEquipmentCNY, MaxAmountCNY},
	} {
		amount(f, a.name, a.v, a.max)
	}
	if r := p.HousingFundRate; r != nil && !(*r >= 0 && *r <= 1) {
		f.Add("housing_fund_rate", "policy.field.rate")
	}
	key(f, "industry", p.Industry, industryKeys)
	key(f, "district", p.District, districtKeys)
	key(f, "landlord", p.Landlord, LandlordKeys)
	for i, a := range p.Activities {
		key(f, "activities", a, ActivityKeys)
		if slices.Contains(p.Activities[:i], a) {
			f.Add("activities", "policy.field.duplicate", "value", a)
		}
	}
	return f.Err()
}

// CheckAsOf reports a date outside AsOfFirst..AsOfLast as an error on the field "as_of".
func CheckAsOf(d easyjob.Date) error {
	if d.IsZero() || d.Before(AsOfFirst) || d.After(AsOfLast) {
		f := easyjob.Fields{}
		f.Add("as_of", "policy.field.date_range", "first", AsOfFirst.String(), "last", AsOfLast.String())
		return f.Err()
	}
	return nil
}

func count(f easyjob.Fields, name string, v *int) {
	switch {
	case v == nil:
	case *v < 0:
		f.Add(name, "policy.field.negative")
	case *v > MaxStaff:
		f.Add(name, "policy.field.too_large", "max", MaxStaff)
	}
}

func amount(f easyjob.Fields, name string, v *float64, max float64) {
	switch {
	case v == nil:
	case !(*v >= 0): // also NaN
		f.Add(name, "policy.field.negative")
	case *v > max:
		f.Add(name, "policy.field.too_large", "max", max)
	}
}

func key(f easyjob.Fields, name, v string, keys []string) {
	if v != "" && !slices.Contains(keys, v) {
		f.Add(name, "policy.field.unknown_key", "value", v)
	}
}
