package ident

import (
	"fmt"
	"unicode/utf8"
)

// creditAlphabet lists the GB 32100-2015 characters in value order.
const creditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditWeights are 3^(i-1) mod 31 for positions 1–17.
var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// orgWeights are the GB 11714-1997 weights for the 8 body characters.
var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// creditValue maps an upper-case ASCII character to its value in
// creditAlphabet, or -1.
var creditValue = func() (v [256]int8) {
	for i := range v {
		v[i] = -1
	}
	for i := range len(creditAlphabet) {
		v[creditAlphabet[i]] = int8(i)
	}
	return v
}()

// CreditCode is a checked 18-character unified social credit code (USCC).
// It is public business information, so String returns the full code.
type CreditCode struct {
	code string
}

// ParseCreditCode parses and checks a unified social credit code: 18
// characters from the GB 32100 alphabet (lower case accepted), digits in
// positions 3–8, a correct GB 32100 check character and a correct GB 11714
// check character for the embedded organisation code (positions 9–17).
func ParseCreditCode(s string) (CreditCode, error) {
	return parseCreditCode(s, true)
}

// ParseCreditCodeLoose is ParseCreditCode without the organisation code
// check; use it only to import data known to contain such codes.
func ParseCreditCodeLoose(s string) (CreditCode, error) {
	return parseCreditCode(s, false)
}

func parseCreditCode(s string, strict bool) (CreditCode, error) {
	s = normalize(s)
	if s == "" {
		return CreditCode{}, newError(KindCreditCode, ReasonEmpty, "empty")
	}
	if len(s) != 18 {
		return CreditCode{}, newError(KindCreditCode, ReasonLength,
			fmt.Sprintf("got %d characters, want 18", utf8.RuneCountInString(s)))
	}
	var b [18]byte
	copy(b[:], s)
	for i := range b {
		if b[i] >= 'a' && b[i] <= 'z' {
			b[i] -= 'a' - 'A'
		}
		if creditValue[b[i]] < 0 {
			return CreditCode{}, newError(KindCreditCode, ReasonCharset,
				fmt.Sprintf("position %d is not one of 0-9 A-H J-N P-R T U W-Y", i+1))
		}
		if i >= 2 && i < 8 && (b[i] < '0' || b[i] > '9') {
			return CreditCode{}, newError(KindCreditCode, ReasonCharset,
				fmt.Sprintf("position %d (division code) is not a digit", i+1))
		}
	}
	if b[17] != creditCheckChar(b[:17]) {
		return CreditCode{}, newError(KindCreditCode, ReasonChecksum, "check character does not match")
	}
	if strict && b[16] != orgCheckChar(b[8:16]) {
		return CreditCode{}, newError(KindCreditCode, ReasonOrgChecksum,
			"organisation code (positions 9-17) check character does not match")
	}
	return CreditCode{code: string(b[:])}, nil
}

// creditCheckChar computes the GB 32100 check character of 17 valid
// upper-case characters.
func creditCheckChar(first17 []byte) byte {
	sum := 0
	for i, c := range first17 {
		sum += int(creditValue[c]) * creditWeights[i]
	}
	return creditAlphabet[(31-sum%31)%31]
}

// orgCheckChar computes the GB 11714 check character of an 8-character
// organisation code body (digits and upper-case letters, A = 10 … Z = 35).
func orgCheckChar(body []byte) byte {
	sum := 0
	for i, c := range body {
		v := int(c - '0')
		if c >= 'A' && c <= 'Z' {
			v = int(c-'A') + 10
		}
		sum += v * orgWeights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + c)
	}
}

// checkCreditPrefix upper-cases p and checks it against the alphabet and the
// digit-only division positions.
func checkCreditPrefix(p string) ([]byte, error) {
	b := []byte(p)
	for i := range b {
		if b[i] >= 'a' && b[i] <= 'z' {
			b[i] -= 'a' - 'A'
		}
		if creditValue[b[i]] < 0 || (i >= 2 && i < 8 && (b[i] < '0' || b[i] > '9')) {
			return nil, newError(KindCreditCode, ReasonCharset, fmt.Sprintf("position %d is not allowed", i+1))
		}
	}
	return b, nil
}

// CreditCheckChar returns the GB 32100 check character for the first 17
// characters of a unified social credit code.
func CreditCheckChar(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, newError(KindCreditCode, ReasonLength, "want 17 characters")
	}
	b, err := checkCreditPrefix(first17)
	if err != nil {
		return 0, err
	}
	return creditCheckChar(b), nil
}

// GenerateCreditCode completes a unified social credit code for demo data
// and tests. With 16 characters (authority, entity type, 6-digit division
// code, 8-character organisation code body) it appends the GB 11714 and the
// GB 32100 check characters; with 17 it appends only the GB 32100 one, and
// the caller answers for the organisation code check. It panics on any other
// length or a character outside the alphabet, which are programming errors.
func GenerateCreditCode(prefix string) string {
	if len(prefix) != 16 && len(prefix) != 17 {
		panic("ident: GenerateCreditCode: prefix must be 16 or 17 characters")
	}
	b, err := checkCreditPrefix(prefix)
	if err != nil {
		panic("ident: GenerateCreditCode: " + err.Error())
	}
	if len(b) == 16 {
		b = append(b, orgCheckChar(b[8:16]))
	}
	return string(append(b, creditCheckChar(b)))
}

// IsZero reports whether c is the zero value (not a parsed code).
func (c CreditCode) IsZero() bool { return c.code == "" }

// Code returns the canonical upper-case code.
func (c CreditCode) Code() string { return c.code }

// String returns the code.
func (c CreditCode) String() string { return c.code }

// Authority returns position 1, the registration authority code
// (for example '9' for market regulation, '5' for civil affairs).
func (c CreditCode) Authority() byte {
	if c.IsZero() {
		return 0
	}
	return c.code[0]
}

// EntityType returns position 2, the entity type within the registration
// authority (for example '1' enterprise, '2' individual business and '3'
// farmers' cooperative under authority '9').
func (c CreditCode) EntityType() byte {
	if c.IsZero() {
		return 0
	}
	return c.code[1]
}

// DivisionCode returns positions 3–8, the division code of the registering
// authority.
func (c CreditCode) DivisionCode() string {
	if c.IsZero() {
		return ""
	}
	return c.code[2:8]
}

// OrganizationCode returns positions 9–17, the 9-character GB 11714
// organisation code (printed on old certificates as "XXXXXXXX-X").
func (c CreditCode) OrganizationCode() string {
	if c.IsZero() {
		return ""
	}
	return c.code[8:17]
}

// MarshalText implements encoding.TextMarshaler.
func (c CreditCode) MarshalText() ([]byte, error) { return []byte(c.code), nil }

// UnmarshalText implements encoding.TextUnmarshaler with ParseCreditCode.
func (c *CreditCode) UnmarshalText(b []byte) error {
	v, err := ParseCreditCode(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}
