// Package equipment is the research-mobilisation system (科研设备共享与揭榜挂帅): a city-wide
// registry of shared research instruments with bookings and usage records, and the science
// commission's reward challenges with expert review and an append-only payment ledger. See
// docs/EQUIPMENT.md.
//
//   - Institutions (universities, hospitals, companies, institutes) lend and borrow. Their
//     people are users of role researcher; equipment_people says which institution each
//     belongs to, whether they manage its instruments (the lab manager) or review challenges
//     (an expert), the biosafety level and certificates they hold and any suspension.
//   - Instruments are registered and kept current by their institution's manager, one by one
//     or from an .xlsx list (per-row errors, all or nothing). Search is by keyword in Chinese
//     and English, category, district, biosafety level, a free time window and distance.
//   - Bookings follow the instrument's window (notice, minimum and maximum length) and
//     approval; emergency (epidemic) projects come first in the approval queue. No two
//     holding bookings of an instrument overlap: the transaction locks the instrument's row
//     first, then looks for an overlap, then inserts. A booking not checked in within an hour
//     is released by the queue (Release) and counts as a no-show; three in 90 days suspend the
//     borrower for 30 days. A check-in records the use (equipment_usage); managers export it.
//   - Challenges move draft → reviewed → published → closed → awarded (rules.ChallengeStatus);
//     teams take one up with a proposal and an ask; experts declare conflicts and score in
//     two rounds, blind to each other; the award is min(ask, assessed) within the ceiling,
//     paid in two parts into equipment_payments, whose unique keys mean no part is paid twice.
//
// Its tables are equipment_institutions, equipment_people, equipment_instruments (migration
// 00030), equipment_bookings, equipment_usage (00031), equipment_challenges,
// equipment_criteria, equipment_entries, equipment_conflicts, equipment_scores and
// equipment_payments (00032); it writes no others. It reads users (names). Every time it uses
// is the store's clock: the queue calls Release, tests call it with an advancing clock. The
// pure rules are the sub-package rules.
package equipment

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/equipment/rules"
	"easyjob/internal/store"
)

// Budget is the city's budget for reward challenges: 250 million CNY.
const Budget int64 = 250_000_000

// Service is the equipment system on the store's kernel.
type Service struct {
	S *store.Store
}

// New returns the service.
func New(s *store.Store) *Service { return &Service{S: s} }

// Kinds of institutions.
var InstitutionKinds = []string{"university", "hospital", "company", "institute"}

// Category is a kind of instrument with its names for keyword search.
type Category struct {
	Key    string `json:"key"`
	Zh, En string
}

// Categories of instruments; their names feed keyword search in both languages.
var Categories = []Category{
	{"pcr", "PCR仪 荧光定量 核酸检测", "PCR thermal cycler qPCR nucleic acid"},
	{"sequencer", "基因测序仪 测序", "sequencer sequencing DNA"},
	{"microscope", "显微镜 共聚焦", "microscope confocal"},
	{"electron_microscope", "电子显微镜 电镜", "electron microscope SEM TEM"},
	{"mass_spec", "质谱仪 质谱", "mass spectrometer MS"},
	{"chromatography", "色谱仪 液相 气相", "chromatograph HPLC GC"},
	{"flow_cytometer", "流式细胞仪 流式", "flow cytometer"},
	{"spectrometer", "光谱仪 光谱", "spectrometer spectroscopy"},
	{"nmr", "核磁共振波谱仪 核磁", "NMR nuclear magnetic resonance"},
	{"centrifuge", "离心机 超速离心", "centrifuge ultracentrifuge"},
	{"biosafety_cabinet", "生物安全柜 生物安全实验室", "biosafety cabinet BSL lab"},
	{"other", "其他", "other"},
}

// CategoryOf returns the category with the key.
func CategoryOf(key string) (Category, bool) {
	for _, c := range Categories {
		if c.Key == key {
			return c, true
		}
	}
	return Category{}, false
}

// Sharing is how an instrument is shared.
type Sharing string

// Sharing states, as stored in equipment_instruments.sharing.
const (
	Open         Sharing = "open"           // anyone with the level and certificate may book
	Internal     Sharing = "internal"       // only the owner institution's people
	OutOfService Sharing = "out_of_service" // nobody, with a reason
)

// Valid tells whether s is a sharing state.
func (s Sharing) Valid() bool { return s == Open || s == Internal || s == OutOfService }

// Bookable tells whether anyone may book the instrument now.
func (s Sharing) Bookable() bool { return s != OutOfService }

// BookingStatus is where a booking stands.
type BookingStatus string

// Booking statuses, as stored in equipment_bookings.status. The first four hold their slot.
const (
	Pending   BookingStatus = "pending"    // the owner approves first
	Confirmed BookingStatus = "confirmed"  // waiting for the check-in
	CheckedIn BookingStatus = "checked_in" // in use: a usage row is open
	Completed BookingStatus = "completed"  // used
	Cancelled BookingStatus = "cancelled"  // by the borrower
	Rejected  BookingStatus = "rejected"   // by the owner
	NoShow    BookingStatus = "no_show"    // not checked in within the grace: released
	Lapsed    BookingStatus = "lapsed"     // still pending when it should have started
)

// Holds tells whether the booking keeps its time slot.
func (s BookingStatus) Holds() bool {
	return s == Pending || s == Confirmed || s == CheckedIn || s == Completed
}

// AwaitsApproval tells whether the owner must decide.
func (s BookingStatus) AwaitsApproval() bool { return s == Pending }

// CanCheckIn tells whether the borrower may check in (in the time window).
func (s BookingStatus) CanCheckIn() bool { return s == Confirmed }

// InUse tells whether the instrument is being used under this booking.
func (s BookingStatus) InUse() bool { return s == CheckedIn }

// Cancellable tells whether the borrower may still cancel.
func (s BookingStatus) Cancellable() bool { return s == Pending || s == Confirmed }

// ChallengeStatus is rules.ChallengeStatus: draft → reviewed → published → closed → awarded.
type ChallengeStatus = rules.ChallengeStatus

// Person is a researcher's standing in the system.
type Person struct {
	UserID         int64     `json:"user_id"`
	Name           string    `json:"name"`
	InstitutionID  int64     `json:"institution_id,omitempty"`
	Institution    string    `json:"institution,omitempty"`
	District       string    `json:"district,omitempty"`
	Manager        bool      `json:"manager"`
	Expert         bool      `json:"expert"`
	Biosafety      int       `json:"biosafety"`
	Certificates   []string  `json:"certificates"`
	SuspendedUntil time.Time `json:"suspended_until,omitzero"`
}

// Holds tells whether the person holds a certificate.
func (p Person) Holds(cert string) bool {
	for _, c := range p.Certificates {
		if c == cert {
			return true
		}
	}
	return false
}

// Suspended tells whether the person may not book at t.
func (p Person) Suspended(t time.Time) bool { return p.SuspendedUntil.After(t) }

// Person reads a researcher's row; a user without one is not found.
func (s *Service) Person(ctx context.Context, userID int64) (p Person, err error) {
	defer func() { err = store.Wrap(err, "equipment.Person", "user", userID) }()
	var inst sql.NullInt64
	var instName, district sql.NullString
	var certs string
	var until int64
	err = s.S.DB.R.QueryRowContext(ctx, `SELECT p.user_id, u.name, p.institution_id, i.name, i.district, p.manager, p.expert,
		p.biosafety, p.certificates, p.suspended_until
		FROM equipment_people p JOIN users u ON u.id = p.user_id LEFT JOIN equipment_institutions i ON i.id = p.institution_id
		WHERE p.user_id = $1`, userID).Scan(&p.UserID, &p.Name, &inst, &instName, &district, &p.Manager, &p.Expert,
		&p.Biosafety, &certs, &until)
	if errors.Is(err, sql.ErrNoRows) {
		return p, easyjob.Errorf(easyjob.EFORBIDDEN, "equipment.not_member")
	}
	p.InstitutionID, p.Institution, p.District = inst.Int64, instName.String, district.String
	p.Certificates = splitList(certs)
	if until > 0 {
		p.SuspendedUntil = easyjob.FromMillis(until)
	}
	return p, err
}

// PersonInput says who a researcher is.
type PersonInput struct {
	UserID        int64    `json:"user_id"`
	InstitutionID int64    `json:"institution_id"`
	Manager       bool     `json:"manager"`
	Expert        bool     `json:"expert"`
	Biosafety     int      `json:"biosafety"`
	Certificates  []string `json:"certificates"`
}

// SetPerson records a researcher's institution, roles, level and certificates (officers and
// admins; the demo).
func (s *Service) SetPerson(ctx context.Context, a easyjob.Actor, in PersonInput) error {
	if !a.IsCityWide() {
		return store.Forbidden()
	}
	f := easyjob.Fields{}
	if in.Biosafety < 0 || in.Biosafety > rules.MaxBiosafety {
		f.Add("biosafety", "equipment.biosafety_range")
	}
	if err := f.Err(); err != nil {
		return err
	}
	var inst any
	if in.InstitutionID > 0 {
		inst = in.InstitutionID
	}
	return s.S.Tx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO equipment_people (user_id, institution_id, manager, expert, biosafety, certificates, added_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (user_id) DO UPDATE SET institution_id = excluded.institution_id, manager = excluded.manager,
			expert = excluded.expert, biosafety = excluded.biosafety, certificates = excluded.certificates`,
			in.UserID, inst, in.Manager, in.Expert, in.Biosafety, strings.Join(in.Certificates, ","), tx.At)
		return store.Wrap(err, "equipment.SetPerson", "user", in.UserID)
	})
}

// Institution is a lender and borrower.
type Institution struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	NameEn   string `json:"name_en"`
	Kind     string `json:"kind"`
	District string `json:"district"`
}

// AddInstitution registers an institution (officers; the demo).
func (s *Service) AddInstitution(ctx context.Context, a easyjob.Actor, in Institution) (Institution, error) {
	if !a.IsCityWide() {
		return in, store.Forbidden()
	}
	f := easyjob.Fields{}
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		f.Add("name", "field.required")
	}
	if !oneOf(in.Kind, InstitutionKinds) {
		f.Add("kind", "equipment.choice")
	}
	if !s.S.Ref.ShenzhenDistrict(in.District) {
		f.Add("district", "field.district")
	}
	if err := f.Err(); err != nil {
		return in, err
	}
	err := s.S.Tx(ctx, func(tx *store.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO equipment_institutions (name, name_en, kind, district, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, in.Name, in.NameEn, in.Kind, in.District, tx.At).Scan(&in.ID)
	})
	if _, dup := store.UniqueViolation(err); dup {
		f.Add("name", "equipment.institution_taken")
		return in, f.Err()
	}
	return in, store.Wrap(err, "equipment.AddInstitution")
}

// Institutions lists every institution by name.
func (s *Service) Institutions(ctx context.Context) ([]Institution, error) {
	xs, err := store.Select(ctx, s.S.DB.R, func(r store.Scanner) (Institution, error) {
		var x Institution
		return x, r.Scan(&x.ID, &x.Name, &x.NameEn, &x.Kind, &x.District)
	}, `SELECT id, name, name_en, kind, district FROM equipment_institutions ORDER BY id`)
	return xs, store.Wrap(err, "equipment.Institutions")
}

func oneOf(s string, xs []string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func splitList(s string) []string {
	out := []string{}
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// ParseTime reads a time from a form or the API: RFC 3339, or "2006-01-02T15:04" (a
// datetime-local field) and "2006-01-02 15:04" in Asia/Shanghai. "" is the zero time.
func ParseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), true
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, easyjob.Shanghai); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// Clock formats a time as Shanghai wall time, "2006-01-02 15:04".
func Clock(t time.Time) string { return t.In(easyjob.Shanghai).Format("2006-01-02 15:04") }

// researcher returns the actor's person row, or forbidden.
func (s *Service) researcher(ctx context.Context, a easyjob.Actor) (Person, error) {
	if a.Role != easyjob.RoleResearcher || a.UserID == 0 {
		return Person{}, easyjob.Errorf(easyjob.EFORBIDDEN, "equipment.not_member")
	}
	return s.Person(ctx, a.UserID)
}

// manager returns the actor's person row when they manage an institution's instruments.
func (s *Service) manager(ctx context.Context, a easyjob.Actor) (Person, error) {
	p, err := s.researcher(ctx, a)
	if err == nil && (!p.Manager || p.InstitutionID == 0) {
		err = easyjob.Errorf(easyjob.EFORBIDDEN, "equipment.not_manager")
	}
	return p, err
}
