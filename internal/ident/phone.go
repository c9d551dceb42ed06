package ident

import (
	"strings"
)

// ParsePhone parses a mainland China mobile number and returns its 11
// digits. It accepts an optional country code written +86, 0086 or 86
// (optionally in parentheses), and spaces, hyphens and dots between digit
// groups, e.g. "13812345678", "+86 138 1234 5678", "138-1234-5678",
// "8613812345678". The number must start with 1 and its second digit must
// be 3–9.
func ParsePhone(s string) (string, error) {
	s = normalize(s)
	if s == "" {
		return "", newError(KindPhone, ReasonEmpty, "empty")
	}
	plus := false
	if rest, ok := strings.CutPrefix(s, "+"); ok {
		plus, s = true, rest
	} else if rest, ok := strings.CutPrefix(s, "(+"); ok {
		plus, s = true, "("+rest
	}
	var d [20]byte
	n := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			if n == len(d) {
				return "", newError(KindPhone, ReasonLength, "too many digits")
			}
			d[n] = c
			n++
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')':
		default:
			return "", newError(KindPhone, ReasonCharset, "only digits, spaces, hyphens, dots, parentheses and a leading + are allowed")
		}
	}
	digits := string(d[:n])
	switch {
	case plus:
		rest, ok := strings.CutPrefix(digits, "86")
		if !ok {
			return "", newError(KindPhone, ReasonPrefix, "country code is not +86")
		}
		digits = rest
	case n == 15 && strings.HasPrefix(digits, "0086"):
		digits = digits[4:]
	case n == 13 && strings.HasPrefix(digits, "86"):
		digits = digits[2:]
	}
	if len(digits) != 11 {
		return "", newError(KindPhone, ReasonLength, "a mobile number has 11 digits")
	}
	if digits[0] != '1' || digits[1] < '3' {
		return "", newError(KindPhone, ReasonPrefix, "a mobile number starts with 13-19")
	}
	return digits, nil
}
