package ident

import (
	"fmt"
	"log/slog"
	"time"
	"unicode/utf8"
)

// chinaTime is China Standard Time. China has kept UTC+8 without daylight
// saving since 1991, so a fixed zone avoids depending on tzdata.
var chinaTime = time.FixedZone("CST", 8*60*60)

// idWeights are the GB 11643-1999 weights 2^(18-i) mod 11 for positions 1–17.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// idCheckChars maps (Σ ai·Wi) mod 11 to the check character:
// c = (12 − sum mod 11) mod 11, with 10 written X.
const idCheckChars = "10X98765432"

// minBirthYear is the earliest birth year accepted.
const minBirthYear = 1900

// Gender is the sex encoded by the 17th digit of a resident ID number.
type Gender int

// Genders.
const (
	Female Gender = iota + 1
	Male
)

func (g Gender) String() string {
	switch g {
	case Female:
		return "female"
	case Male:
		return "male"
	}
	return "unknown"
}

// ResidentID is a checked 18-character resident identity card number.
// The zero value is not a valid number (see IsZero).
//
// String, GoString and LogValue return the masked form so that the number
// does not leak into logs or debug output by accident; use Number for the
// full value.
type ResidentID struct {
	number string
}

// ParseResidentID parses s with today's date from the system clock.
// Services that hold an injectable clock should call [ParseResidentIDAt].
func ParseResidentID(s string) (ResidentID, error) {
	return ParseResidentIDAt(s, time.Now())
}

// ParseResidentIDAt parses and checks a resident ID number: 18 characters,
// 17 digits and a check character (digit or X, either case), a correct
// ISO 7064 MOD 11-2 check character, and a birth date that is a calendar
// date from 1900-01-01 up to now's date in China Standard Time.
// Surrounding spaces are ignored and full-width characters accepted.
func ParseResidentIDAt(s string, now time.Time) (ResidentID, error) {
	s = normalize(s)
	if s == "" {
		return ResidentID{}, newError(KindResidentID, ReasonEmpty, "empty")
	}
	if len(s) != 18 {
		return ResidentID{}, newError(KindResidentID, ReasonLength,
			fmt.Sprintf("got %d characters, want 18", utf8.RuneCountInString(s)))
	}
	var b [18]byte
	copy(b[:], s)
	for i := range 17 {
		if b[i] < '0' || b[i] > '9' {
			return ResidentID{}, newError(KindResidentID, ReasonCharset,
				fmt.Sprintf("position %d is not a digit", i+1))
		}
	}
	switch c := b[17]; {
	case c >= '0' && c <= '9', c == 'X':
	case c == 'x':
		b[17] = 'X'
	default:
		return ResidentID{}, newError(KindResidentID, ReasonCharset,
			"position 18 is not a digit or X")
	}
	if b[17] != idCheckChar(b[:17]) {
		return ResidentID{}, newError(KindResidentID, ReasonChecksum, "check character does not match")
	}
	y, m, d := digits(b[6:10]), digits(b[10:12]), digits(b[12:14])
	birth := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if birth.Year() != y || int(birth.Month()) != m || birth.Day() != d {
		return ResidentID{}, newError(KindResidentID, ReasonBirthDate, "birth date is not a calendar date")
	}
	if y < minBirthYear {
		return ResidentID{}, newError(KindResidentID, ReasonBirthDate, "birth year is before 1900")
	}
	if birth.After(civilDate(now)) {
		return ResidentID{}, newError(KindResidentID, ReasonBirthDate, "birth date is in the future")
	}
	return ResidentID{number: string(b[:])}, nil
}

// idCheckChar computes the check character of 17 ASCII digits.
func idCheckChar(first17 []byte) byte {
	sum := 0
	for i, c := range first17 {
		sum += int(c-'0') * idWeights[i]
	}
	return idCheckChars[sum%11]
}

// ResidentIDCheckChar returns the check character ('0'–'9' or 'X') for the
// first 17 digits of a resident ID number.
func ResidentIDCheckChar(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, newError(KindResidentID, ReasonLength, "want 17 digits")
	}
	for i := range 17 {
		if first17[i] < '0' || first17[i] > '9' {
			return 0, newError(KindResidentID, ReasonCharset,
				fmt.Sprintf("position %d is not a digit", i+1))
		}
	}
	return idCheckChar([]byte(first17)), nil
}

func digits(b []byte) int {
	n := 0
	for _, c := range b {
		n = n*10 + int(c-'0')
	}
	return n
}

// civilDate returns t's calendar date in China Standard Time as midnight UTC.
func civilDate(t time.Time) time.Time {
	y, m, d := t.In(chinaTime).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// IsZero reports whether id is the zero value (not a parsed number).
func (id ResidentID) IsZero() bool { return id.number == "" }

// Number returns the full canonical number, with an upper-case X.
func (id ResidentID) Number() string { return id.number }

// Birth returns the birth date as midnight UTC; use only its date.
func (id ResidentID) Birth() time.Time {
	if id.IsZero() {
		return time.Time{}
	}
	b := id.number
	return time.Date(atoi(b[6:10]), time.Month(atoi(b[10:12])), atoi(b[12:14]), 0, 0, 0, 0, time.UTC)
}

func atoi(s string) int { return digits([]byte(s)) }

// Gender returns Male when the 17th digit is odd and Female when it is even.
func (id ResidentID) Gender() Gender {
	if id.IsZero() {
		return 0
	}
	if (id.number[16]-'0')%2 == 1 {
		return Male
	}
	return Female
}

// AgeAt returns the age in completed years (周岁) on t's calendar date in
// China Standard Time. A birthday on 29 February is reached on 1 March in
// common years. It returns 0 for dates before the birth date.
func (id ResidentID) AgeAt(t time.Time) int {
	if id.IsZero() {
		return 0
	}
	return ageAt(id.Birth(), civilDate(t))
}

func ageAt(birth, day time.Time) int {
	age := day.Year() - birth.Year()
	// time.Date normalises 29 February of a common year to 1 March.
	anniversary := time.Date(day.Year(), birth.Month(), birth.Day(), 0, 0, 0, 0, time.UTC)
	if day.Before(anniversary) {
		age--
	}
	return max(age, 0)
}

// CountyCode returns the first 6 digits: the division code of the county
// where the number was issued, possibly superseded since.
func (id ResidentID) CountyCode() string {
	if id.IsZero() {
		return ""
	}
	return id.number[:6]
}

// String returns the masked number (see [MaskID]), never the full one.
func (id ResidentID) String() string { return MaskID(id.number) }

// GoString returns the masked number, so %#v does not print it either.
func (id ResidentID) GoString() string { return "ident.ResidentID(" + MaskID(id.number) + ")" }

// LogValue logs the masked number.
func (id ResidentID) LogValue() slog.Value { return slog.StringValue(MaskID(id.number)) }

// GenerateResidentID builds a valid resident ID number for demo data and
// tests: county is a 6-digit division code, birth's calendar date (in its
// own location) gives positions 7–14, seq (0–499, taken modulo 500) selects
// the order code and male sets the parity of the 17th digit. It panics if
// county is not 6 digits or birth's year is not in 0–9999, which are
// programming errors.
func GenerateResidentID(county string, birth time.Time, seq int, male bool) string {
	if len(county) != 6 {
		panic("ident: GenerateResidentID: county must be 6 digits")
	}
	for i := range 6 {
		if county[i] < '0' || county[i] > '9' {
			panic("ident: GenerateResidentID: county must be 6 digits")
		}
	}
	y, m, d := birth.Date()
	if y < 0 || y > 9999 {
		panic("ident: GenerateResidentID: birth year out of range")
	}
	seq %= 500
	if seq < 0 {
		seq += 500
	}
	order := seq * 2
	if male {
		order++
	}
	first17 := fmt.Sprintf("%s%04d%02d%02d%03d", county, y, int(m), d, order)
	return first17 + string(idCheckChar([]byte(first17)))
}
