package policy

import "strconv"

// Status is the answer for one measure.
type Status uint8

const (
	// NotEligible: a condition is not met, or the measure is not in force on the date.
	NotEligible Status = iota
	// Eligible: every condition is met.
	Eligible
	// NeedsInfo: no condition failed, but facts of the profile are missing to decide.
	NeedsInfo
	// Undetermined: the facts are known, but the rule itself is not (a threshold or the
	// conditions were not found in the source); an officer must decide.
	Undetermined
)

var statusNames = [...]string{"not_eligible", "eligible", "needs_info", "undetermined"}

var statusLabels = [...]Text{
	{Zh: "不符合", En: "not eligible"},
	{Zh: "符合", En: "eligible"},
	{Zh: "需补充信息", En: "needs information"},
	{Zh: "无法判定", En: "cannot be decided"},
}

// String is the stable key used in JSON and case files.
func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return "status(" + strconv.Itoa(int(s)) + ")"
}

// Label is the status in plain words.
func (s Status) Label() Text {
	if int(s) < len(statusLabels) {
		return statusLabels[s]
	}
	return Text{Zh: s.String(), En: s.String()}
}

// Decided reports whether the answer is final for the facts given (eligible or not).
func (s Status) Decided() bool { return s == Eligible || s == NotEligible }

// ParseStatus reads a status key.
func ParseStatus(key string) (Status, bool) {
	for i, n := range statusNames {
		if n == key {
			return Status(i), true
		}
	}
	return 0, false
}

func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }
