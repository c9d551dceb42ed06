package easyjob

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Reference answers the questions validation asks of the reference data and
// of the identity rules; the store wires it to the region, occupation and
// ident packages so this package stays free of them.
type Reference interface {
	// ResidentID checks an ID number; reason is "" when valid, else a
	// message key. It returns the canonical number, birth date, gender and
	// the current code of the home county.
	ResidentID(s string, now time.Time) (number string, birth Date, gender, county, reason string)
	CreditCode(s string) (code, reason string)
	Phone(s string) (phone, reason string)
	ShenzhenDistrict(code string) bool
	Street(district, street string) bool
	County(code string) bool
	Occupation(code string) bool // a level-4 occupation of the 2022 classification
}

// Ranges of the numbers people enter. Each is checked here, in the domain,
// before a query sees it: PostgreSQL's INTEGER ends at 2,147,483,647 and
// SQLite stores whatever it is given, so an unchecked number is a 500 on
// one database and nonsense on the other.
const (
	MaxPay        = 100000 // CNY a month: pay, expected pay, an offer
	MinAge        = 16     // the legal working age
	MaxAge        = 70
	MaxExperience = 60 // years
	MaxPayDay     = 31 // day of the month
	MaxProbation  = 6  // months (Labour Contract Law art. 19)
	MaxTrades     = 5
)

// CheckPay records a message for field unless pay is a monthly wage from 1
// to MaxPay (0 is left to the caller: required or not given).
func CheckPay(f Fields, field string, pay int) {
	if pay < 0 || pay > MaxPay {
		f.Add(field, "field.pay")
	}
}

// Limits of free text, in characters.
const (
	maxName  = 60
	maxTitle = 60
	maxText  = 4000
	maxShort = 200
)

func textField(f Fields, name, v string, required bool, maxLen int) string {
	v = strings.TrimSpace(v)
	switch {
	case required && v == "":
		f.Add(name, "field.required")
	case TextProblem(v) != "":
		f.Add(name, TextProblem(v))
	case utf8.RuneCountInString(v) > maxLen:
		f.Add(name, "field.too_long", "max", maxLen)
	}
	return v
}

// EmployerInput is what an employer registers with.
type EmployerInput struct {
	Name         string `json:"name"`
	CreditCode   string `json:"credit_code"`
	District     string `json:"district"`
	Street       string `json:"street"`
	Address      string `json:"address"`
	ContactName  string `json:"contact_name"`
	ContactPhone string `json:"contact_phone"`
	Industry     string `json:"industry"`
}

// Validate checks and normalises the input.
func (in *EmployerInput) Validate(ref Reference) error {
	f := Fields{}
	in.Name = textField(f, "name", in.Name, true, maxShort)
	if code, reason := ref.CreditCode(in.CreditCode); reason != "" {
		f.Add("credit_code", reason)
	} else {
		in.CreditCode = code
	}
	in.District = strings.TrimSpace(in.District)
	in.Street = strings.TrimSpace(in.Street)
	if !ref.ShenzhenDistrict(in.District) {
		f.Add("district", "field.district")
	} else if in.Street != "" && !ref.Street(in.District, in.Street) {
		f.Add("street", "field.street")
	}
	in.Address = textField(f, "address", in.Address, true, maxShort)
	in.ContactName = textField(f, "contact_name", in.ContactName, true, maxName)
	if p, reason := ref.Phone(in.ContactPhone); reason != "" {
		f.Add("contact_phone", reason)
	} else {
		in.ContactPhone = p
	}
	in.Industry = textField(f, "industry", in.Industry, false, maxName)
	return f.Err()
}

// PostingInput is what an employer writes for a vacancy.
type PostingInput struct {
	Title           string `json:"title"`
	Occupation      string `json:"occupation"`
	Headcount       int    `json:"headcount"`
	PayMin          int    `json:"pay_min"`
	PayMax          int    `json:"pay_max"`
	PieceRate       string `json:"piece_rate"`
	OvertimeRule    string `json:"overtime_rule"`
	PayDay          int    `json:"pay_day"` // day of the month, 0 = not given
	ProbationMonths int    `json:"probation_months"`
	Dorm            bool   `json:"dorm"`
	Meals           bool   `json:"meals"`
	Shift           string `json:"shift"`
	SocialInsurance bool   `json:"social_insurance"`
	StartDate       Date   `json:"start_date"`
	ClosingDate     Date   `json:"closing_date"`
	District        string `json:"district"`
	Street          string `json:"street"`
	Address         string `json:"address"`
	AgeMin          int    `json:"age_min"`
	AgeMax          int    `json:"age_max"`
	Description     string `json:"description"`
}

// MaxHeadcount is the largest headcount one posting may ask for.
const MaxHeadcount = 5000

// Validate checks the input; today is the current date in Shanghai.
func (in *PostingInput) Validate(ref Reference, today Date) error {
	f := Fields{}
	in.Title = textField(f, "title", in.Title, true, maxTitle)
	in.Occupation = strings.TrimSpace(in.Occupation)
	if !ref.Occupation(in.Occupation) {
		f.Add("occupation", "field.occupation")
	}
	if in.Headcount < 1 || in.Headcount > MaxHeadcount {
		f.Add("headcount", "field.headcount", "max", MaxHeadcount)
	}
	if in.PayMin == 0 {
		f.Add("pay_min", "field.pay")
	}
	CheckPay(f, "pay_min", in.PayMin)
	if in.PayMax == 0 {
		in.PayMax = in.PayMin
	}
	if in.PayMax < in.PayMin {
		f.Add("pay_max", "field.pay_range")
	} else {
		CheckPay(f, "pay_max", in.PayMax)
	}
	in.PieceRate = textField(f, "piece_rate", in.PieceRate, false, maxShort)
	in.OvertimeRule = textField(f, "overtime_rule", in.OvertimeRule, false, maxShort)
	if in.PayDay < 0 || in.PayDay > MaxPayDay {
		f.Add("pay_day", "field.pay_day")
	}
	if in.ProbationMonths < 0 || in.ProbationMonths > MaxProbation {
		f.Add("probation_months", "field.probation")
	}
	switch in.Shift {
	case ShiftDay, ShiftTwo, ShiftThree, ShiftFlexible:
	case "":
		f.Add("shift", "field.required")
	default:
		f.Add("shift", "field.shift")
	}
	if in.StartDate.IsZero() {
		f.Add("start_date", "field.required")
	} else if in.StartDate.Before(today) {
		f.Add("start_date", "field.date_past")
	} else if in.StartDate.After(today.AddDays(365)) {
		f.Add("start_date", "field.date_far")
	}
	if in.ClosingDate.IsZero() {
		f.Add("closing_date", "field.required")
	} else if in.ClosingDate.Before(today) {
		f.Add("closing_date", "field.date_past")
	} else if !in.StartDate.IsZero() && in.ClosingDate.After(in.StartDate.AddDays(365)) {
		f.Add("closing_date", "field.closing_far")
	}
	in.District = strings.TrimSpace(in.District)
	in.Street = strings.TrimSpace(in.Street)
	if !ref.ShenzhenDistrict(in.District) {
		f.Add("district", "field.district")
	} else if in.Street != "" && !ref.Street(in.District, in.Street) {
		f.Add("street", "field.street")
	}
	in.Address = textField(f, "address", in.Address, true, maxShort)
	if in.AgeMin != 0 && (in.AgeMin < MinAge || in.AgeMin > MaxAge) {
		f.Add("age_min", "field.age")
	}
	if in.AgeMax != 0 && (in.AgeMax < MinAge || in.AgeMax > MaxAge) {
		f.Add("age_max", "field.age")
	} else if in.AgeMax != 0 && in.AgeMin > in.AgeMax {
		f.Add("age_max", "field.age_range")
	}
	in.Description = textField(f, "description", in.Description, false, maxText)
	return f.Err()
}

// SeekerInput is a seeker's profile as entered by the seeker or an officer.
type SeekerInput struct {
	Name          string    `json:"name"`
	IDNumber      string    `json:"id_number"`
	Phone         string    `json:"phone"`
	Trades        []string  `json:"trades"`
	Experience    int       `json:"experience_years"`
	ExpectedPay   int       `json:"expected_pay"`
	WantsDorm     bool      `json:"wants_dorm"`
	WantsMeals    bool      `json:"wants_meals"`
	AvailableFrom Date      `json:"available_from"`
	Education     string    `json:"education"`
	Group         string    `json:"group"`
	ConsentMethod string    `json:"consent_method"`
	ConsentAt     time.Time `json:"consent_at"`

	// Derived by Validate from the ID number.
	BirthDate Date   `json:"-"`
	Gender    string `json:"-"`
	County    string `json:"-"`
}

// Validate checks and normalises the profile. byOfficer tells whether an
// officer registers the seeker (consent must then say how it was given).
func (in *SeekerInput) Validate(ref Reference, now time.Time, byOfficer bool) error {
	f := Fields{}
	in.Name = textField(f, "name", in.Name, true, maxName)
	num, birth, gender, county, reason := ref.ResidentID(in.IDNumber, now)
	if reason != "" {
		f.Add("id_number", reason)
	} else {
		in.IDNumber, in.BirthDate, in.Gender, in.County = num, birth, gender, county
		if age := ageAt(birth, DateOf(now)); age < MinAge {
			f.Add("id_number", "id.too_young")
		}
	}
	if p, reason := ref.Phone(in.Phone); reason != "" {
		f.Add("phone", reason)
	} else {
		in.Phone = p
	}
	if len(in.Trades) == 0 {
		f.Add("trades", "field.required")
	}
	if len(in.Trades) > MaxTrades {
		f.Add("trades", "field.trades_max", "max", MaxTrades)
	}
	seen := map[string]bool{}
	trades := in.Trades[:0]
	for _, t := range in.Trades {
		t = strings.TrimSpace(t)
		if !ref.Occupation(t) {
			f.Add("trades", "field.occupation")
		}
		if !seen[t] {
			seen[t] = true
			trades = append(trades, t)
		}
	}
	in.Trades = trades
	if in.Experience < 0 || in.Experience > MaxExperience {
		f.Add("experience_years", "field.experience")
	}
	CheckPay(f, "expected_pay", in.ExpectedPay)
	if in.AvailableFrom.IsZero() {
		in.AvailableFrom = DateOf(now)
	}
	if in.AvailableFrom.After(DateOf(now).AddDays(365)) {
		f.Add("available_from", "field.date_far")
	}
	if in.Education != "" && !contains(Educations, in.Education) {
		f.Add("education", "field.education")
	}
	in.Group = textField(f, "group", in.Group, false, maxName)
	if byOfficer {
		switch in.ConsentMethod {
		case ConsentSigned, ConsentVerbal:
		case "":
			f.Add("consent_method", "field.consent_required")
		default:
			f.Add("consent_method", "field.consent")
		}
		if in.ConsentAt.IsZero() {
			in.ConsentAt = now
		} else if in.ConsentAt.After(now.Add(time.Minute)) {
			f.Add("consent_at", "field.date_future")
		}
	} else {
		in.ConsentMethod, in.ConsentAt = ConsentSelf, now
	}
	return f.Err()
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func ageAt(birth, on Date) int {
	by, bm, bd := birth.Time().Date()
	y, m, d := on.Time().Date()
	age := y - by
	if m < bm || (m == bm && d < bd) {
		age--
	}
	return age
}

// AgeOn is a person's age in whole years on a date.
func AgeOn(birth, on Date) int { return ageAt(birth, on) }
