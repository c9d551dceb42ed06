// Package retention is the retention system (留岗回访): who stayed after
// arriving, why people left, unpaid wages, and the subsidies that placements
// earn. See docs/RETENTION.md.
//
//   - Check-ins fall due at 30, 90 and 180 days after an application's
//     arrival (Config.Days). The seeker answers on a one-tap page (an SMS
//     link or their home page), the employer on its list of due check-ins
//     (in bulk): still employed here, or left on a date for a reason.
//     Unanswered, a check-in is reminded after 3 and 7 days and escalated to
//     the station officer of the seeker's county after 10, who answers for
//     the worker after a phone call or marks lost contact. Answers that
//     disagree are flagged to that officer. The first answer moves the
//     application (store.MoveTx) to retained_30/90/180 or separated.
//   - Wage arrears and disputes are reported by the worker or a station
//     officer after an offer; they go to the employer's district officer
//     with a deadline of working days and to the employer; the status
//     follows from the replies; an overdue report escalates to the city.
//   - Subsidy rules are data with validity dates; a claim is made once per
//     (rule, placement) — the unique key subsidy_claims_once holds it — and
//     moves claimed → approved → paid, or rejected. Every movement is an
//     entry of the append-only ledger; a correction is a reversing entry.
//
// Its tables are checkins, separations, retention_events, disputes,
// dispute_replies, subsidy_rules, subsidy_claims and ledger_entries; it
// writes no others. It reads applications, application_events, postings,
// employers, seekers and charter_seats, and moves applications only through
// store.MoveTx. Every time it uses is the store's clock: the queue
// (internal/tasks) calls Sweep, and tests call it with an advancing clock.
package retention

import (
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/store"
)

// Service is the retention system on the store's kernel.
type Service struct {
	S   *store.Store
	Cfg Config
	// BaseURL prefixes the links in text messages ("" in tests).
	BaseURL string
}

// Config holds the days that drive the system.
type Config struct {
	Days     []int // check-ins, days after arrival: 30, 90, 180
	Remind   []int // reminders, days after a check-in falls due: 3, 7
	Escalate int   // escalation to the station officer, days after due: 10
	// DisputeDays is the deadline of a dispute, in working days: 5.
	DisputeDays int
}

// DefaultConfig is the schedule.
func DefaultConfig() Config {
	return Config{Days: []int{30, 90, 180}, Remind: []int{3, 7}, Escalate: 10, DisputeDays: 5}
}

// New returns the service with the default schedule.
func New(s *store.Store) *Service { return &Service{S: s, Cfg: DefaultConfig()} }

// Status is where a check-in stands.
type Status string

// Check-in statuses, as stored in checkins.status.
const (
	Open        Status = "open"         // waiting for an answer
	Escalated   Status = "escalated"    // no answer after the reminders: the station officer calls
	Employed    Status = "employed"     // answered: still employed here
	Separated   Status = "separated"    // answered: left on a date
	LostContact Status = "lost_contact" // the station officer could not reach the worker
)

// Waiting tells whether the check-in still waits for an answer.
func (s Status) Waiting() bool { return s == Open || s == Escalated }

// Escalated tells whether the station officer must call.
func (s Status) Escalated() bool { return s == Escalated }

// Answer is what one party said at a check-in.
type Answer string

// Answers.
const (
	None     Answer = ""
	Stays    Answer = "employed"
	Left     Answer = "left"
	NoAnswer Answer = "no_answer"
)

// Reasons for leaving.
var Reasons = []string{"pay", "conditions", "other_work", "family", "health", "dismissed", "other"}

func validReason(r string) bool {
	for _, x := range Reasons {
		if x == r {
			return true
		}
	}
	return false
}

// Party is who answered.
type Party string

// Parties.
const (
	BySeeker   Party = "seeker"
	ByEmployer Party = "employer"
	ByOfficer  Party = "officer" // the station officer, after a phone call
)

// startOf is the first instant of a date in Shanghai, in stored millis.
func startOf(d easyjob.Date) int64 {
	y, m, dd := d.Time().Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, easyjob.Shanghai).UnixMilli()
}
