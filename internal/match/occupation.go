package match

import (
	"fmt"

	"easyjob/internal/occupation"
)

// Trade closeness levels.
const (
	closeNone   = 0
	closeMiddle = 1 // same middle group, e.g. 6-25
	closeMinor  = 2 // same minor group, e.g. 6-25-04
	closeSame   = 3 // same occupation
)

// tradeValue is T of the score for each closeness level.
var tradeValue = [4]float64{0, 0.3, 0.6, 1}

// codeID is an interned occupation code.
type codeID = uint16

// codeTable interns occupation codes and their minor and middle groups.
type codeTable struct {
	ids      map[string]codeID
	codes    []string
	minor    []uint16 // minor group id of each code
	middle   []uint16 // middle group id of each code
	minorIDs map[string]uint16
	midIDs   map[string]uint16
	byMiddle [][]codeID // codes of each middle group, in interning order
	entry    []bool     // entry-level work (occupation.EntryLevel), by code
	rel      [][]string // related groups outside the middle group (occupation.RelatedGroups), by code
}

func newCodeTable() codeTable {
	return codeTable{ids: map[string]codeID{}, minorIDs: map[string]uint16{}, midIDs: map[string]uint16{}}
}

func (t *codeTable) clone() codeTable {
	c := codeTable{
		ids:      make(map[string]codeID, len(t.ids)),
		codes:    append([]string(nil), t.codes...),
		minor:    append([]uint16(nil), t.minor...),
		middle:   append([]uint16(nil), t.middle...),
		minorIDs: make(map[string]uint16, len(t.minorIDs)),
		midIDs:   make(map[string]uint16, len(t.midIDs)),
		byMiddle: make([][]codeID, len(t.byMiddle)),
		entry:    append([]bool(nil), t.entry...),
		rel:      append([][]string(nil), t.rel...), // the inner slices are never changed
	}
	for k, v := range t.ids {
		c.ids[k] = v
	}
	for k, v := range t.minorIDs {
		c.minorIDs[k] = v
	}
	for k, v := range t.midIDs {
		c.midIDs[k] = v
	}
	for i, s := range t.byMiddle {
		c.byMiddle[i] = append([]codeID(nil), s...)
	}
	return c
}

// validCode reports whether s has the form d-dd-dd-dd.
func validCode(s string) bool {
	if len(s) != 10 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 1, 4, 7:
			if c != '-' {
				return false
			}
		default:
			if c < '0' || c > '9' {
				return false
			}
		}
	}
	return true
}

// intern returns the id of code, adding it if new.
func (t *codeTable) intern(code string) (codeID, error) {
	if id, ok := t.ids[code]; ok {
		return id, nil
	}
	if !validCode(code) {
		return 0, fmt.Errorf("match: occupation code %q is not of the form d-dd-dd-dd", code)
	}
	if len(t.codes) >= 1<<16-1 {
		return 0, fmt.Errorf("match: too many occupation codes")
	}
	id := codeID(len(t.codes))
	code = string([]byte(code)) // do not keep a caller's large backing string alive
	mid, ok := t.midIDs[code[:4]]
	if !ok {
		mid = uint16(len(t.midIDs))
		t.midIDs[code[:4]] = mid
		t.byMiddle = append(t.byMiddle, nil)
	}
	mnr, ok := t.minorIDs[code[:7]]
	if !ok {
		mnr = uint16(len(t.minorIDs))
		t.minorIDs[code[:7]] = mnr
	}
	t.ids[code] = id
	t.codes = append(t.codes, code)
	t.minor = append(t.minor, mnr)
	t.middle = append(t.middle, mid)
	t.byMiddle[mid] = append(t.byMiddle[mid], id)
	t.entry = append(t.entry, occupation.EntryLevel(code))
	t.rel = append(t.rel, occupation.RelatedGroups(code))
	return id, nil
}

// closeness of two interned codes.
func (t *codeTable) closeness(a, b codeID) uint8 {
	switch {
	case a == b:
		return closeSame
	case t.minor[a] == t.minor[b]:
		return closeMinor
	case t.middle[a] == t.middle[b]:
		return closeMiddle
	}
	return closeNone
}

// Closeness returns how related two occupation codes are: 3 for the same
// code, 2 for the same minor group (first three segments), 1 for the same
// middle group (first two segments), 0 otherwise or if either is malformed.
func Closeness(a, b string) int {
	if !validCode(a) || !validCode(b) {
		return 0
	}
	switch {
	case a == b:
		return closeSame
	case a[:7] == b[:7]:
		return closeMinor
	case a[:4] == b[:4]:
		return closeMiddle
	}
	return closeNone
}
