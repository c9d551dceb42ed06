package easyjob

import "time"

// Role is what a user is allowed to do.
type Role string

const (
	RoleSeeker   Role = "seeker"
	RoleEmployer Role = "employer"
	RoleOfficer  Role = "officer"
	RoleAdmin    Role = "admin"
	// RoleResearcher is a person of a research institution (a university, hospital,
	// company or institute): a borrower of shared equipment, an instrument owner's lab
	// manager or a reviewing expert; which of these is a row of the equipment system's
	// equipment_people (docs/EQUIPMENT.md).
	RoleResearcher Role = "researcher"
	// RoleOrg is a staff member of a social organisation (社会组织); which
	// organisation is a membership of the goodwill system (goodwill_members).
	// It grants nothing outside that system.
	RoleOrg Role = "org"
)

func (r Role) Valid() bool {
	switch r {
	case RoleSeeker, RoleEmployer, RoleOfficer, RoleAdmin, RoleResearcher, RoleOrg:
		return true
	}
	return false
}

// CityRegion is the region code of a city-wide officer: Shenzhen.
const CityRegion = "4403"

// User is an account. Seekers sign in with a phone and a one-time code,
// everyone else with a username and a password.
type User struct {
	ID         int64     `json:"id"`
	Username   string    `json:"username,omitempty"`
	Name       string    `json:"name"`
	Role       Role      `json:"role"`
	Region     string    `json:"region,omitempty"`      // officers: 4403 city, 4403xx district, or an origin county
	EmployerID int64     `json:"employer_id,omitempty"` // employers
	SeekerID   int64     `json:"seeker_id,omitempty"`   // seekers
	CreatedAt  time.Time `json:"created_at"`
	// Scope is what an officer sees, computed from Region when the account
	// is read (never stored, never sent).
	Scope Scope `json:"-"`
}

// Actor is who is doing something: the signed-in user, carried in the context.
type Actor struct {
	UserID     int64
	Role       Role
	Region     string
	EmployerID int64
	SeekerID   int64
	Lang       string
	Scope      Scope // what an officer or admin sees; empty for employers and seekers
}

// IsOfficer tells whether the actor is staff: an officer or an admin.
func (a Actor) IsOfficer() bool { return a.Role == RoleOfficer || a.Role == RoleAdmin }

// IsCityWide tells whether the actor sees everything (admins and city officers).
func (a Actor) IsCityWide() bool {
	return a.Role == RoleAdmin || (a.Role == RoleOfficer && a.Region == CityRegion)
}

// Employer is an enterprise identified by its unified social credit code.
type Employer struct {
	ID            int64     `json:"id"`
	EmployerInput           // as registered (flattened in JSON)
	Verified      bool      `json:"verified"`
	VerifiedAt    time.Time `json:"verified_at,omitzero"`
	CreatedAt     time.Time `json:"created_at"`
}

// PostingStatus is where a posting is in review.
type PostingStatus string

const (
	PostingDraft     PostingStatus = "draft"
	PostingPending   PostingStatus = "pending_review"
	PostingPublished PostingStatus = "published"
	PostingReturned  PostingStatus = "returned"
	PostingClosed    PostingStatus = "closed"
)

// AwaitsReview tells whether an officer must decide on the posting.
func (s PostingStatus) AwaitsReview() bool { return s == PostingPending }

// Live tells whether seekers can see and apply to the posting.
func (s PostingStatus) Live() bool { return s == PostingPublished }

// Shift patterns.
const (
	ShiftDay      = "day"
	ShiftTwo      = "two_shifts"
	ShiftThree    = "three_shifts"
	ShiftFlexible = "flexible"
)

// Posting is a vacancy with a headcount: what its employer wrote, with its
// review status, check results and how many places are taken.
type Posting struct {
	ID           int64         `json:"id"`
	EmployerID   int64         `json:"employer_id"`
	EmployerName string        `json:"employer_name,omitempty"`
	EmployerOK   bool          `json:"employer_verified"`
	PostingInput               // what the employer wrote (flattened in JSON)
	Filled       int           `json:"filled"`
	Status       PostingStatus `json:"status"`
	Checks       []Check       `json:"checks"`
	Pending      int           `json:"pending"` // applied + shortlisted
	CreatedAt    time.Time     `json:"created_at"`
	UpdatedAt    time.Time     `json:"updated_at"`
	PublishedAt  time.Time     `json:"published_at,omitzero"`
}

// Remaining is the headcount not yet taken by offers and hires.
func (p Posting) Remaining() int {
	if r := p.Headcount - p.Filled; r > 0 {
		return r
	}
	return 0
}

// Check severities.
const (
	CheckRefused = "refused" // the posting cannot be submitted
	CheckFlag    = "flag"    // the reviewing officer must look
	CheckWarning = "warning" // the employer should fix it
)

// Check is the result of one automatic check of a posting, with its reason.
type Check struct {
	Rule     string         `json:"rule"`
	Severity string         `json:"severity"`
	Field    string         `json:"field"`
	Key      string         `json:"message_key"`
	Args     map[string]any `json:"args,omitempty"`
	Message  string         `json:"message,omitempty"` // rendered in the reader's language
}

// Review is an officer's decision on a posting or an employer.
type Review struct {
	ID        int64     `json:"id"`
	Subject   string    `json:"subject"` // "posting" or "employer"
	SubjectID int64     `json:"subject_id"`
	OfficerID int64     `json:"officer_id"`
	Decision  string    `json:"decision"` // approve, return, verify, reject
	Comment   string    `json:"comment"`
	At        time.Time `json:"at"`
}

// Health statuses (the 2020 health code colours).
const (
	HealthGreen  = "green"
	HealthYellow = "yellow"
	HealthRed    = "red"
)

// Who reported a health status: an officer of the seeker's region (who saw
// the health code) or the seeker themselves. A self-report is marked and
// does not pass the charter health gate until an officer confirms it.
const (
	HealthByOfficer = "officer"
	HealthBySelf    = "self"
)

// Consent methods: how a seeker agreed to be registered.
const (
	ConsentSelf   = "self"   // in the app, by the seeker
	ConsentSigned = "signed" // a signed paper form at a station
	ConsentVerbal = "verbal" // said aloud to an officer, witnessed
)

// Education levels.
var Educations = []string{"none", "primary", "junior", "senior", "vocational", "college", "bachelor"}

// Seeker is a person looking for work.
type Seeker struct {
	ID            int64     `json:"id"`
	Name          string    `json:"name"`
	IDNumber      string    `json:"id_number"` // masked unless the reader may see it
	Gender        string    `json:"gender"`    // male, female (derived from the ID)
	BirthDate     Date      `json:"birth_date,omitzero"`
	Age           int       `json:"age"`
	HomeCounty    string    `json:"home_county"`
	Twinned       bool      `json:"twinned"`
	Phone         string    `json:"phone"` // masked unless the reader may see it
	Trades        []string  `json:"trades"`
	Experience    int       `json:"experience_years"`
	ExpectedPay   int       `json:"expected_pay"`
	WantsDorm     bool      `json:"wants_dorm"`
	WantsMeals    bool      `json:"wants_meals"`
	AvailableFrom Date      `json:"available_from,omitzero"`
	Education     string    `json:"education"`
	Poor          bool      `json:"registered_poor"`
	Health        string    `json:"health"`
	HealthAt      time.Time `json:"health_reported_at,omitzero"`
	HealthBy      string    `json:"health_reported_by,omitempty"` // "officer" or "self" (HealthByOfficer, HealthBySelf)
	Group         string    `json:"group"`
	ConsentMethod string    `json:"consent_method"`
	ConsentAt     time.Time `json:"consent_at,omitzero"`
	RegisteredBy  int64     `json:"registered_by,omitempty"`
	Masked        bool      `json:"masked"` // true when name, ID and phone are masked for this reader
	// For an employer's candidates who have not applied to it, instead of
	// the age and home county: an age band ("26-35") and the province code.
	AgeBand   string    `json:"age_band,omitempty"`
	Province  string    `json:"province,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ApplicationState is where an application is in the hiring pipeline.
type ApplicationState string

const (
	StateApplied     ApplicationState = "applied"
	StateShortlisted ApplicationState = "shortlisted"
	StateOffered     ApplicationState = "offered"
	StateAccepted    ApplicationState = "accepted"
	StateDeparted    ApplicationState = "departed"
	StateArrived     ApplicationState = "arrived"
	StateOnboarded   ApplicationState = "onboarded"
	StateWithdrawn   ApplicationState = "withdrawn"
	StateRejected    ApplicationState = "rejected"
	StateDeclined    ApplicationState = "declined"
	StateNoShow      ApplicationState = "no_show"
	StateLeft        ApplicationState = "left"
	// Past onboarded: the retention check-ins' outcomes (internal/retention).
	StateRetained30  ApplicationState = "retained_30"
	StateRetained90  ApplicationState = "retained_90"
	StateRetained180 ApplicationState = "retained_180"
	StateSeparated   ApplicationState = "separated"
)

// States lists every state in pipeline order.
var States = []ApplicationState{StateApplied, StateShortlisted, StateOffered, StateAccepted,
	StateDeparted, StateArrived, StateOnboarded, StateWithdrawn, StateRejected, StateDeclined,
	StateNoShow, StateLeft, StateRetained30, StateRetained90, StateRetained180, StateSeparated}

// Retained lists the states of the check-ins in order: the first check-in
// (30 days by default) moves to Retained[0], and so on.
var Retained = []ApplicationState{StateRetained30, StateRetained90, StateRetained180}

// Employed tells whether the worker holds the job: arrived, onboarded or
// retained at a check-in.
func (s ApplicationState) Employed() bool {
	switch s {
	case StateArrived, StateOnboarded, StateRetained30, StateRetained90, StateRetained180:
		return true
	}
	return false
}

// Separated tells whether a check-in recorded that the worker left.
func (s ApplicationState) Separated() bool { return s == StateSeparated }

// TakesHeadcount tells whether an application in state s holds one place of
// its posting's headcount.
func (s ApplicationState) TakesHeadcount() bool {
	switch s {
	case StateOffered, StateAccepted, StateDeparted, StateArrived, StateOnboarded,
		StateRetained30, StateRetained90, StateRetained180:
		return true
	}
	return false
}

// Offered tells whether an offer waits for the seeker's answer.
func (s ApplicationState) Offered() bool { return s == StateOffered }

// Pending tells whether the application still waits on the employer.
func (s ApplicationState) Pending() bool { return s == StateApplied || s == StateShortlisted }

// Application is a seeker × posting pair moving through the pipeline.
type Application struct {
	ID           int64            `json:"id"`
	SeekerID     int64            `json:"seeker_id"`
	PostingID    int64            `json:"posting_id"`
	EmployerID   int64            `json:"employer_id"`
	State        ApplicationState `json:"state"`
	OfferStart   Date             `json:"offer_start_date,omitzero"`
	OfferPay     int              `json:"offer_pay"`
	PostingTitle string           `json:"posting_title,omitempty"`
	EmployerName string           `json:"employer_name,omitempty"`
	SeekerName   string           `json:"seeker_name,omitempty"`
	CreatedAt    time.Time        `json:"created_at"`
	UpdatedAt    time.Time        `json:"updated_at"`
	// Retention is filled by the retention system where it is asked for
	// (GET /applications/{id}): arrival, check-ins, separation.
	Retention *Retention `json:"retention,omitempty"`
}

// Retention is where an application stands after arrival: the date of
// arrival, the check-ins so far, and the separation if one was recorded.
type Retention struct {
	State            ApplicationState `json:"state"`
	ArrivedOn        Date             `json:"arrived_on"`
	NextCheckIn      Date             `json:"next_checkin_due,omitzero"`
	CheckIns         []RetentionCheck `json:"checkins"`
	SeparatedOn      Date             `json:"separated_on,omitzero"`
	SeparationReason string           `json:"separation_reason,omitempty"`
	SeparatedBy      Role             `json:"separated_by,omitempty"`
}

// RetentionCheck is one check-in as the application's reader sees it.
type RetentionCheck struct {
	ID       int64  `json:"id"`
	Day      int    `json:"day"`
	Due      Date   `json:"due"`
	Status   string `json:"status"`
	Seeker   string `json:"seeker_answer"`
	Employer string `json:"employer_answer"`
	Officer  string `json:"officer_answer"`
}

// Event is one kept transition of an application.
type Event struct {
	ID            int64            `json:"id"`
	ApplicationID int64            `json:"application_id"`
	From          ApplicationState `json:"from"`
	To            ApplicationState `json:"to"`
	ActorID       int64            `json:"actor_id"`
	ActorRole     Role             `json:"actor_role"`
	Reason        string           `json:"reason"`
	At            time.Time        `json:"at"`
}

// AuditEntry records one view of unmasked personal data.
type AuditEntry struct {
	ID       int64     `json:"id"`
	ActorID  int64     `json:"actor_id"`
	SeekerID int64     `json:"seeker_id"`
	Action   string    `json:"action"`
	Reason   string    `json:"reason"`
	At       time.Time `json:"at"`
}

// Page is one page of a list.
type Page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}
