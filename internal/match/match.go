// Package match recommends postings to seekers, ranks candidates for a
// posting, explains both with message keys, and assigns seekers to postings
// on a match day with a stable (deferred-acceptance) assignment.
//
// The package is pure: no I/O, no database. The store loads rows, maps them
// to Posting and Seeker values and feeds them to an Index.
//
// # Hard filters
//
// A seeker s and a posting p fit (are mutually acceptable) at date now when
//
//   - p is open (published, not closed) and has remaining headcount
//     (Headcount − Filled > 0);
//   - p is not closed before now (ClosingDate ≥ now; a zero ClosingDate means none);
//   - p starts on or after the date the seeker is available (StartDate ≥ AvailableFrom);
//   - the trade fits: one of the seeker's trades is p's occupation, or in the
//     same minor group (first three code segments), or in the same middle group
//     (first two segments);
//   - the seeker's age is within p's age range, where one is set
//     (AgeMin/AgeMax 0 mean no bound; an unknown age 0 fails a lower bound).
//
// Candidates and Assign also require the seeker to be Active.
//
// # Score, seeker's side (Recommend)
//
//	score = (Wt·T + Wp·P + Wd·D + Wv·V + Wh·H + Wf·F + Ws·S) · M · C
//
//	T  trade closeness: 1 same occupation, 0.6 same minor group, 0.3 same middle group
//	P  pay against expectation: clamp(0.5 + (pay − expected)/expected, 0, 1)
//	   (0.5 at the expected pay, 1 at 50 % above, 0 at 50 % below; 1 if no expectation)
//	D  0.5 for each of dorm and meals that the seeker wants and the posting provides
//	V  1 if the employer is verified
//	H  fellow villagers: min(n, 5)/5, n = people from the seeker's home county
//	   already arrived or onboarded at this employer
//	F  freshness: max(0, 1 − days since published/30)
//	S  start: max(0, 1 − wait/60), wait = days from max(now, AvailableFrom) to StartDate
//	M  priority: 1 + PoorWeight·[registered poor] + TwinnedWeight·[from a twinned county]
//	C  congestion: 1/(1 + α·pending/remaining), pending = applied + shortlisted
//
// # Score, employer's side (Candidates)
//
//	score = (Wt·T + Wp·Pf + Wd·Df + Wh·H + We·E) · M
//
//	Pf pay fit: 1 if pay ≥ expected, else max(0, 1 − 2·(expected − pay)/expected)
//	Df mean over dorm and meals of 1 if the seeker does not want it or the
//	   posting provides it, else 0
//	E  experience: min(years, 10)/10
//	T, H, M as above.
//
// Default weights (DefaultPolicy): Wt 3, Wp 3, Wd 1.5, Wv 1, Wh 1.5, Wf 0.5,
// Ws 1, We 1; PoorWeight 0.2, TwinnedWeight 0.1, α 0.5.
//
// Scores are deterministic (the same inputs give bit-identical floats) and
// ties are broken by ascending posting ID (Recommend) or seeker ID
// (Candidates).
//
// # Reasons
//
// Each result carries Reasons: message keys (the Reason* constants) with
// named arguments, positive factors first by their share of the score, then
// the policy priorities, then the factors that count against (pay below the
// expectation, a wanted dorm or meals missing, "many applicants" when
// pending ≥ remaining).
//
// # Fallbacks ("you could also do")
//
// RecommendPage fills a page that the seeker's trades leave short. After
// Recommend's matches, unchanged and in their order, come fallbacks
// (Kind KindAlso), ranked strictly below every match. A fallback is an open
// posting outside the middle groups of the seeker's trades on at least one
// of these grounds:
//
//   - related: its occupation is in a group of the classification related
//     to one of the seeker's trades (occupation.RelatedGroups: electronics
//     and electrical assembly, garments and textiles, couriers and delivery
//     riders, …);
//   - entry: it is work that needs no experience and is learnt on the job
//     (occupation.EntryLevel: 普工, packing, loading, sorting, cleaning, …);
//   - county: its employer has taken on at least AlsoVillagersMin people
//     from the seeker's home county (the fellow-villager count of H).
//
// The hard filters of a match hold (open with places left, not closed,
// starts on or after AvailableFrom, age within the limits) and one more:
// a fallback pays at least the seeker's expected pay, if one is stated, so
// that nobody is pointed away from their trade to earn less than they ask.
// Fallbacks are ranked by the seeker's score with T replaced by
//
//	Tf = 0.2·[related] + 0.2·[entry]
//
// (the county ground counts through H), ties by ascending posting ID.
// Their Reasons start with the grounds (ReasonAlsoRelated, ReasonAlsoEntry,
// ReasonAlsoCounty, in that order), then the factors as for a match, with no
// trade reason and no separate villagers reason when county is a ground.
//
// A page that stays empty says why (Empty): the open postings the seeker
// could have been shown (matches or fallbacks but for the hard filters)
// are counted by the rules that keep each out, and the rule that alone
// keeps out the most is the cause (age, age unknown, available date, pay
// floor, already applied), with what would change it as arguments; no
// such posting at all is "no open posting" or "nothing in reach of the
// seeker's trades", and postings each kept out by several rules give
// "combined".
//
// CountShort counts, per home county, the active seekers whose page would
// hold fewer than N items, counting each seeker's fitting postings only
// until N are found.
//
// # Index layout
//
// Occupation codes, counties, districts and employers are interned to small
// integers. Postings live in slices of compact structs keyed by
// (occupation code, congestion band, verified/dorm/meals); closed or full
// postings sit apart and are never scanned. Recommend visits only the codes
// of the middle groups of the seeker's trades, band by band, keeps a bounded
// min-heap of size limit, and skips a whole slice, or a single posting,
// whose best possible score (every other factor at its maximum) is below the
// heap's worst. Seekers are entered once per trade
// into buckets keyed by (code, priority class, experience level) that carry
// a copy of what scoring needs; Candidates computes an upper bound per
// bucket, scans buckets by descending bound and stops at the first one that
// cannot beat the heap's worst. A seeker with several trades is scored only
// through its closest trade. Fellow-villager counts are looked up in a dense
// per-query array. The only allocations of a query are its result.
//
// Assign (a match day) and StableAssign (the deferred-acceptance core on
// dense indices) are in assign.go; Synthetic makes benchmark data.
package match

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Date is a calendar day counted from 1970-01-01.
type Date int32

// DateOf returns the calendar day of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// Time returns midnight UTC of d.
func (d Date) Time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// String formats d as 2006-01-02.
func (d Date) String() string { return d.Time().Format(time.DateOnly) }

// Posting is what matching needs to know about one vacancy.
type Posting struct {
	ID         int64
	EmployerID int64
	Occupation string // 2022 classification code, e.g. "6-25-04-07"
	District   string // Shenzhen district code of the workplace
	PayMin     int    // base monthly pay, CNY
	Dorm       bool
	Meals      bool
	Verified   bool // employer verified
	StartDate  Date
	// ClosingDate is the last day applications are taken; zero means none.
	ClosingDate Date
	AgeMin      int // 0 = no lower bound
	AgeMax      int // 0 = no upper bound
	Headcount   int
	Filled      int // offered + accepted + departed + arrived + onboarded
	Pending     int // applied + shortlisted
	Open        bool
	PublishedAt Date
}

// Remaining is the headcount still to fill.
func (p *Posting) Remaining() int { return p.Headcount - p.Filled }

// Seeker is what matching needs to know about one person.
type Seeker struct {
	ID            int64
	Trades        []string // occupation codes, at most MaxTrades distinct
	ExpectedPay   int      // monthly, CNY; 0 = no expectation
	WantsDorm     bool
	WantsMeals    bool
	AvailableFrom Date
	Age           int    // 0 = unknown
	Experience    int    // years in the trade
	County        string // home county code
	Poor          bool   // registered poor household (建档立卡)
	Twinned       bool   // from a twinned (paired-assistance) county
	Group         string // fellow-villager group key, may be empty
	Active        bool
}

// MaxTrades is the largest number of distinct trades a seeker may list.
const MaxTrades = 4

// Reason is one factor of a score as a message key and its arguments, to be
// rendered by the i18n layer.
type Reason struct {
	Key  string
	Args map[string]any
}

// Message keys of reasons.
const (
	ReasonTradeSame    = "reason.trade_same"    // occupation
	ReasonTradeRelated = "reason.trade_related" // occupation, level ("minor" or "middle")
	ReasonPayAbove     = "reason.pay_above"     // pay, expected
	ReasonPayMeets     = "reason.pay_meets"     // pay, expected
	ReasonPayBelow     = "reason.pay_below"     // pay, expected
	ReasonPay          = "reason.pay"           // pay (seeker states no expectation)
	ReasonDormMeals    = "reason.dorm_meals"    // both wanted and provided
	ReasonDorm         = "reason.dorm"          // dorm wanted and provided
	ReasonMeals        = "reason.meals"         // meals wanted and provided
	ReasonAmenityLacks = "reason.amenity_lacks" // dorm, meals (bools: wanted but not provided)
	ReasonVillagers    = "reason.villagers"     // n
	ReasonVerified     = "reason.verified"      //
	ReasonStartsIn     = "reason.starts_in"     // days (from today)
	// ReasonStartsAfterAvailable: days from the seeker's available day, when
	// that day is after today.
	ReasonStartsAfterAvailable = "reason.starts_after_available"
	ReasonFresh                = "reason.fresh"          // days (since published)
	ReasonPolicyPoor           = "reason.policy_poor"    //
	ReasonPolicyTwinned        = "reason.policy_twinned" //
	ReasonCrowded              = "reason.crowded"        // pending, remaining
	ReasonPayFits              = "reason.pay_fits"       // pay, expected (employer's side)
	ReasonPayShort             = "reason.pay_short"      // pay, expected (employer's side)
	ReasonExperience           = "reason.experience"     // years
)

// Recommendation is one posting recommended to a seeker.
type Recommendation struct {
	PostingID int64
	Score     float64
	Reasons   []Reason
	Kind      Kind // KindMatch, or KindAlso for a fallback (RecommendPage only)
}

// Candidate is one seeker proposed to an employer for a posting.
type Candidate struct {
	SeekerID int64
	Score    float64
	Reasons  []Reason
}

// Weights are the factor weights of the scores (see the package comment).
type Weights struct {
	Trade      float64 // Wt
	Pay        float64 // Wp
	DormMeals  float64 // Wd
	Verified   float64 // Wv
	Villagers  float64 // Wh
	Fresh      float64 // Wf
	Start      float64 // Ws
	Experience float64 // We
}

// Policy is the officer-set part of scoring.
type Policy struct {
	PoorWeight    float64 // added to the priority multiplier M of registered-poor seekers
	TwinnedWeight float64 // added to M of seekers from twinned counties
	// CongestionAlpha is α in C = 1/(1 + α·pending/remaining); 0 turns congestion off.
	CongestionAlpha float64
	// Weights of the factors; the zero value means DefaultWeights.
	Weights Weights
}

// DefaultWeights returns the factor weights used when a Policy sets none.
func DefaultWeights() Weights {
	return Weights{Trade: 3, Pay: 3, DormMeals: 1.5, Verified: 1, Villagers: 1.5, Fresh: 0.5, Start: 1, Experience: 1}
}

// DefaultPolicy returns the policy an Index starts with.
func DefaultPolicy() Policy {
	return Policy{PoorWeight: 0.2, TwinnedWeight: 0.1, CongestionAlpha: 0.5, Weights: DefaultWeights()}
}

// normalize checks p and fills default weights.
func (p Policy) normalize() (Policy, error) {
	if p.Weights == (Weights{}) {
		p.Weights = DefaultWeights()
	}
	w := p.Weights
	for _, f := range []struct {
		name string
		v    float64
	}{
		{"PoorWeight", p.PoorWeight}, {"TwinnedWeight", p.TwinnedWeight}, {"CongestionAlpha", p.CongestionAlpha},
		{"Weights.Trade", w.Trade}, {"Weights.Pay", w.Pay}, {"Weights.DormMeals", w.DormMeals},
		{"Weights.Verified", w.Verified}, {"Weights.Villagers", w.Villagers}, {"Weights.Fresh", w.Fresh},
		{"Weights.Start", w.Start}, {"Weights.Experience", w.Experience},
	} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) || f.v < 0 || f.v > 1e6 {
			return p, fmt.Errorf("match: policy %s must be a finite number in [0, 1e6], got %v", f.name, f.v)
		}
	}
	return p, nil
}

// ErrNotFound is returned (wrapped) for unknown posting or seeker IDs.
var ErrNotFound = errors.New("match: not found")
