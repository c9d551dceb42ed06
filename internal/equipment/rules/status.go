package rules

// ChallengeStatus is where a reward challenge stands:
// draft → reviewed → published → closed → awarded.
type ChallengeStatus string

// Challenge statuses, as stored in equipment_challenges.status.
const (
	Draft     ChallengeStatus = "draft"     // the commission writes it
	Reviewed  ChallengeStatus = "reviewed"  // checked, not yet public
	Published ChallengeStatus = "published" // public; teams take it up
	Closed    ChallengeStatus = "closed"    // no more entries; experts review in two rounds
	Awarded   ChallengeStatus = "awarded"   // a team is selected and paid
)

// ChallengeStatuses in order.
var ChallengeStatuses = []ChallengeStatus{Draft, Reviewed, Published, Closed, Awarded}

// Next is the one status a challenge may move to ("" after awarded).
func (s ChallengeStatus) Next() ChallengeStatus {
	for i, x := range ChallengeStatuses {
		if x == s && i+1 < len(ChallengeStatuses) {
			return ChallengeStatuses[i+1]
		}
	}
	return ""
}

// Valid tells whether s is a status.
func (s ChallengeStatus) Valid() bool {
	for _, x := range ChallengeStatuses {
		if x == s {
			return true
		}
	}
	return false
}

// Editable tells whether the text, criteria and amounts may still change.
func (s ChallengeStatus) Editable() bool { return s == Draft }

// TakesEntries tells whether teams may take the challenge up.
func (s ChallengeStatus) TakesEntries() bool { return s == Published }

// Public tells whether everyone sees the challenge.
func (s ChallengeStatus) Public() bool { return s == Published || s == Closed || s == Awarded }

// UnderReview tells whether the experts' rounds run.
func (s ChallengeStatus) UnderReview() bool { return s == Closed }

// Done tells whether a team has been awarded.
func (s ChallengeStatus) Done() bool { return s == Awarded }
