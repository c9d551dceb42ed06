package easyjob

// Transition is one allowed move of an application and the roles that may
// make it. Officers act within their region; admins may do anything an
// officer may.
type Transition struct {
	From, To ApplicationState
	Roles    []Role
}

// Transitions is the whole pipeline. Anything not listed is not allowed.
var Transitions = []Transition{
	{StateApplied, StateShortlisted, []Role{RoleEmployer, RoleOfficer}},
	{StateApplied, StateOffered, []Role{RoleEmployer, RoleOfficer}},
	{StateApplied, StateRejected, []Role{RoleEmployer, RoleOfficer}},
	{StateApplied, StateWithdrawn, []Role{RoleSeeker, RoleOfficer}},
	{StateShortlisted, StateOffered, []Role{RoleEmployer, RoleOfficer}},
	{StateShortlisted, StateRejected, []Role{RoleEmployer, RoleOfficer}},
	{StateShortlisted, StateWithdrawn, []Role{RoleSeeker, RoleOfficer}},
	{StateOffered, StateAccepted, []Role{RoleSeeker, RoleOfficer}},
	{StateOffered, StateDeclined, []Role{RoleSeeker, RoleOfficer}},
	{StateOffered, StateRejected, []Role{RoleEmployer, RoleOfficer}}, // the employer takes the offer back
	{StateAccepted, StateDeparted, []Role{RoleOfficer}},
	{StateAccepted, StateArrived, []Role{RoleEmployer, RoleOfficer}}, // came on their own
	{StateAccepted, StateWithdrawn, []Role{RoleSeeker, RoleOfficer}},
	{StateAccepted, StateNoShow, []Role{RoleEmployer, RoleOfficer}},
	{StateDeparted, StateArrived, []Role{RoleEmployer, RoleOfficer}},
	{StateDeparted, StateNoShow, []Role{RoleEmployer, RoleOfficer}},
	{StateArrived, StateOnboarded, []Role{RoleEmployer, RoleOfficer}},
	{StateArrived, StateLeft, []Role{RoleEmployer, RoleOfficer, RoleSeeker}},
	{StateOnboarded, StateLeft, []Role{RoleEmployer, RoleOfficer, RoleSeeker}},
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
func NextStates(from ApplicationState, role Role) []ApplicationState {
	var out []ApplicationState
	for _, t := range Transitions {
		if t.From == from && CanTransition(from, t.To, role) {
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
