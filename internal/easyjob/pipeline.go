package easyjob

// Transition is one allowed move of an application and the roles that may
// make it. Officers act within their region; admins may do anything an
// officer may.
type Transition struct {
	From, To ApplicationState
	Roles    []Role
	// Via names the system that alone makes the move (the retention
	// check-ins record a date and a reason with it); "" for a plain move.
	Via string
}

// ViaRetention marks the moves made by the retention check-ins.
const ViaRetention = "retention"

// Transitions is the whole pipeline. Anything not listed is not allowed.
var Transitions = []Transition{
	{StateApplied, StateShortlisted, []Role{RoleEmployer, RoleOfficer}, ""},
	{StateApplied, StateOffered, []Role{RoleEmployer, RoleOfficer}, ""},
	{StateApplied, StateRejected, []Role{RoleEmployer, RoleOfficer}, ""},
	{StateApplied, StateWithdrawn, []Role{RoleSeeker, RoleOfficer}, ""},
	{StateShortlisted, StateOffered, []Role{RoleEmployer, RoleOfficer}, ""},
	{StateShortlisted, StateRejected, []Role{RoleEmployer, RoleOfficer}, ""},
	{StateShortlisted, StateWithdrawn, []Role{RoleSeeker, RoleOfficer}, ""},
	{StateOffered, StateAccepted, []Role{RoleSeeker, RoleOfficer}, ""},
	{StateOffered, StateDeclined, []Role{RoleSeeker, RoleOfficer}, ""},
	{StateOffered, StateRejected, []Role{RoleEmployer, RoleOfficer}, ""}, // the employer takes the offer back
	{StateAccepted, StateDeparted, []Role{RoleOfficer}, ""},
	{StateAccepted, StateArrived, []Role{RoleEmployer, RoleOfficer}, ""}, // came on their own
	{StateAccepted, StateWithdrawn, []Role{RoleSeeker, RoleOfficer}, ""},
	{StateAccepted, StateNoShow, []Role{RoleEmployer, RoleOfficer}, ""},
	{StateDeparted, StateArrived, []Role{RoleEmployer, RoleOfficer}, ""},
	{StateDeparted, StateNoShow, []Role{RoleEmployer, RoleOfficer}, ""},
	{StateArrived, StateOnboarded, []Role{RoleEmployer, RoleOfficer}, ""},
	{StateArrived, StateLeft, []Role{RoleEmployer, RoleOfficer, RoleSeeker}, ""},
	{StateOnboarded, StateLeft, []Role{RoleEmployer, RoleOfficer, RoleSeeker}, ""},
	// Past onboarded: a check-in answered "still employed here" moves on; one
	// answered "left on a date for a reason" separates. The seeker, the
	// employer or the station officer (for the worker, after a call) answers.
	{StateArrived, StateRetained30, everyone, ViaRetention},
	{StateOnboarded, StateRetained30, everyone, ViaRetention},
	{StateRetained30, StateRetained90, everyone, ViaRetention},
	{StateRetained90, StateRetained180, everyone, ViaRetention},
	{StateArrived, StateSeparated, everyone, ViaRetention},
	{StateOnboarded, StateSeparated, everyone, ViaRetention},
	{StateRetained30, StateSeparated, everyone, ViaRetention},
	{StateRetained90, StateSeparated, everyone, ViaRetention},
	{StateRetained180, StateSeparated, everyone, ViaRetention},
}

var everyone = []Role{RoleSeeker, RoleEmployer, RoleOfficer}

// Via tells which system alone makes a move ("" for a plain move).
func Via(from, to ApplicationState) string {
	for _, t := range Transitions {
		if t.From == from && t.To == to {
			return t.Via
		}
	}
	return ""
}

// CanTransition tells whether role may move an application from one state to another.
func CanTransition(from, to ApplicationState, role Role) bool {
	if role == RoleAdmin {
		role = RoleOfficer
	}
	for _, t := range Transitions {
		if t.From == from && t.To == to {
			for _, r := range t.Roles {
				if r == role {
					return true
				}
			}
			return false
		}
	}
	return false
}

// NextStates lists the states role may move an application in state from to.
// Moves made only by a system (Via) are not offered.
func NextStates(from ApplicationState, role Role) []ApplicationState {
	var out []ApplicationState
	for _, t := range Transitions {
		if t.From == from && t.Via == "" && CanTransition(from, t.To, role) {
			out = append(out, t.To)
		}
	}
	return out
}

// HeadcountDelta is how a move changes the posting's filled count: +1, -1 or 0.
func HeadcountDelta(from, to ApplicationState) int {
	switch {
	case !from.TakesHeadcount() && to.TakesHeadcount():
		return 1
	case from.TakesHeadcount() && !to.TakesHeadcount():
		return -1
	}
	return 0
}
