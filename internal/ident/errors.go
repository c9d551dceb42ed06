package ident

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// Kind names the identifier an [Error] is about.
type Kind string

// Kinds of identifier.
const (
	KindResidentID Kind = "resident_id"
	KindCreditCode Kind = "credit_code"
	KindPhone      Kind = "phone"
)

// Reason says what is wrong with an identifier. The values are stable and
// suitable as parts of message keys ("ident.resident_id.checksum").
type Reason string

// Reasons a parse can fail.
const (
	ReasonEmpty       Reason = "empty"        // nothing but spaces
	ReasonLength      Reason = "length"       // wrong number of characters
	ReasonCharset     Reason = "charset"      // a character not allowed at its position
	ReasonChecksum    Reason = "checksum"     // the final check character does not match
	ReasonOrgChecksum Reason = "org_checksum" // USCC: the embedded GB 11714 organisation code check fails
	ReasonBirthDate   Reason = "birthdate"    // resident ID: not a date, before 1900 or in the future
	ReasonPrefix      Reason = "prefix"       // phone: not a mainland mobile prefix or country code
)

// Sentinel errors, one per [Reason]; errors.Is(err, ErrChecksum) reports
// whether err is an *Error with that reason.
var (
	ErrEmpty       = errors.New("ident: empty")
	ErrLength      = errors.New("ident: wrong length")
	ErrCharset     = errors.New("ident: invalid character")
	ErrChecksum    = errors.New("ident: check character mismatch")
	ErrOrgChecksum = errors.New("ident: organisation code check character mismatch")
	ErrBirthDate   = errors.New("ident: invalid birth date")
	ErrPrefix      = errors.New("ident: invalid prefix")
)

var sentinels = map[Reason]error{
	ReasonEmpty:       ErrEmpty,
	ReasonLength:      ErrLength,
	ReasonCharset:     ErrCharset,
	ReasonChecksum:    ErrChecksum,
	ReasonOrgChecksum: ErrOrgChecksum,
	ReasonBirthDate:   ErrBirthDate,
	ReasonPrefix:      ErrPrefix,
}

// Error is a parse failure. Detail is English text for logs and developers;
// it never contains the rejected input.
type Error struct {
	Kind   Kind
	Reason Reason
	Detail string
}

func (e *Error) Error() string {
	return "ident: " + string(e.Kind) + ": " + e.Detail
}

// Unwrap returns the sentinel error for e.Reason.
func (e *Error) Unwrap() error { return sentinels[e.Reason] }

func newError(k Kind, r Reason, detail string) *Error {
	return &Error{Kind: k, Reason: r, Detail: detail}
}

// ReasonOf returns the reason of an *Error in err's chain, or "" if there is
// none.
func ReasonOf(err error) Reason {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}

// normalize trims surrounding white space (including the ideographic space)
// and maps full-width ASCII forms (U+FF01–U+FF5E, as typed with Chinese
// input methods) to ASCII.
func normalize(s string) string {
	s = strings.TrimSpace(s)
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r >= 0xFF01 && r <= 0xFF5E {
			return r - 0xFF01 + '!'
		}
		if r == '\u3000' {
			return ' '
		}
		return r
	}, s)
}
