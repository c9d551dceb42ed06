package store

import (
	"errors"
	"strings"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/ident"
	"easyjob/internal/occupation"
	"easyjob/internal/region"
)

// Reference answers validation's questions from the embedded reference data
// and the identity rules.
type Reference struct{}

var _ easyjob.Reference = Reference{}

func (Reference) ResidentID(s string, now time.Time) (string, easyjob.Date, string, string, string) {
	id, err := ident.ParseResidentIDAt(s, now)
	if err != nil {
		return "", easyjob.Date{}, "", "", idReason(err)
	}
	county, ok := homeCounty(id.CountyCode())
	if !ok {
		return "", easyjob.Date{}, "", "", "id.county"
	}
	b := id.Birth()
	return id.Number(), easyjob.NewDate(b.Year(), b.Month(), b.Day()), id.Gender().String(), county, ""
}

func idReason(err error) string {
	switch ident.ReasonOf(err) {
	case ident.ReasonEmpty:
		return "field.required"
	case ident.ReasonLength:
		return "id.length"
	case ident.ReasonCharset:
		return "id.charset"
	case ident.ReasonChecksum:
		return "id.checksum"
	case ident.ReasonBirthDate:
		return "id.birthdate"
	}
	return "id.invalid"
}

func (Reference) CreditCode(s string) (string, string) {
	c, err := ident.ParseCreditCode(s)
	if err != nil {
		switch {
		case errors.Is(err, ident.ErrEmpty):
			return "", "field.required"
		case errors.Is(err, ident.ErrLength):
			return "", "credit.length"
		case errors.Is(err, ident.ErrCharset):
			return "", "credit.charset"
		case errors.Is(err, ident.ErrOrgChecksum):
			return "", "credit.org_checksum"
		}
		return "", "credit.checksum"
	}
	return c.Code(), ""
}

func (Reference) Phone(s string) (string, string) {
	if strings.TrimSpace(s) == "" {
		return "", "field.required"
	}
	p, err := ident.ParsePhone(s)
	if err != nil {
		return "", "phone.invalid"
	}
	return p, ""
}

func (Reference) ShenzhenDistrict(code string) bool {
	d, ok := region.Lookup(code)
	return ok && d.Level == region.County && region.IsShenzhen(code) && region.IsPlace(code) && d.Code == code
}

func (Reference) Street(district, street string) bool {
	d, ok := region.Lookup(street)
	return ok && d.Level == region.Street && d.Parent == district && d.Code == street
}

func (Reference) County(code string) bool {
	d, ok := region.Lookup(code)
	return ok && d.Level == region.County
}

func (Reference) Occupation(code string) bool { return occupation.IsLeaf(code) }

// homeCounty maps the division code in an ID number to a current code. IDs
// keep the code of where they were issued, which may have been abolished
// since; when the county is unknown, its prefecture (or province) stands in.
// Only a code whose province does not exist is refused.
func homeCounty(code string) (string, bool) {
	c := region.Canonical(code)
	if d, ok := region.Lookup(c); ok && d.Level == region.County {
		return d.Code, true
	}
	for _, prefix := range []string{code[:4], code[:2]} {
		if d, ok := region.Lookup(prefix); ok {
			return d.Code, true
		}
	}
	return "", false
}
