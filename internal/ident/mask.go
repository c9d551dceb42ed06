package ident

import (
	"strings"
	"unicode/utf8"
)

// MaskID masks an identity number for display: the first 4 and the last 4
// characters are kept and every character between them becomes '*', so an
// 18-character number keeps its length ("4510**********1234"). Spaces are
// trimmed and a lower-case x is upper-cased. Strings of 8 characters or
// fewer are starred entirely.
func MaskID(s string) string {
	s = strings.ToUpper(normalize(s))
	return maskKeep(s, 4, 4)
}

// MaskIDForEmployer masks an identity number for an employer: at most the
// first 6 characters (the county of registration) and the last one (the
// check character) stay, so neither the birth date nor the sequence number
// shows ("451026***********X"). MaskID's last four narrowed a number with a
// known county and age to a few dozen. Strings of 7 characters or fewer are
// starred entirely.
func MaskIDForEmployer(s string) string {
	s = strings.ToUpper(normalize(s))
	return maskKeep(s, 6, 1)
}

// MaskPhone masks a mobile number as "138****5678". A string ParsePhone
// accepts is first reduced to its 11 digits; anything else keeps its first
// 3 and last 4 characters, or is starred entirely when 7 characters or
// fewer.
func MaskPhone(s string) string {
	if p, err := ParsePhone(s); err == nil {
		return p[:3] + "****" + p[7:]
	}
	return maskKeep(normalize(s), 3, 4)
}

// MaskName keeps the first character of a name and stars the rest, one
// star per character: "张三丰" → "张**", "李四" → "李*". A one-character
// name becomes "*".
func MaskName(s string) string {
	s = normalize(s)
	n := utf8.RuneCountInString(s)
	if n <= 1 {
		return strings.Repeat("*", n)
	}
	_, size := utf8.DecodeRuneInString(s)
	return s[:size] + strings.Repeat("*", n-1)
}

// maskKeep keeps head leading and tail trailing runes of s and stars the
// rest; it stars everything when s has no more than head+tail runes.
func maskKeep(s string, head, tail int) string {
	r := []rune(s)
	if len(r) <= head+tail {
		return strings.Repeat("*", len(r))
	}
	return string(r[:head]) + strings.Repeat("*", len(r)-head-tail) + string(r[len(r)-tail:])
}
