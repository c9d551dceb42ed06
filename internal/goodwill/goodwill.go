// Package goodwill is the part of easyjob that social organisations (社会组织) use: donations of
// money and goods with earmarks and receipts, an append-only stock ledger, goodwill packages
// (爱心包) assembled from stock and handed over in campaigns (one per person per campaign),
// and counselling courses (心理疏导课程) with sessions, a capacity and a waiting list. See
// docs/GOODWILL.md.
//
// Its tables are goodwill_orgs, goodwill_members, goodwill_verifiers (migration 00040);
// goodwill_items, goodwill_packages, goodwill_package_items, goodwill_campaigns,
// goodwill_points, goodwill_units, goodwill_donations, goodwill_lots, goodwill_assemblies,
// goodwill_recipients, goodwill_handovers, goodwill_moves (00041); goodwill_courses,
// goodwill_sessions, goodwill_participants, goodwill_attendance (00042). It writes no others;
// it creates an organisation's first account through store.CreateUserTx and sends text
// messages through store.Send.
//
// Accounts. An organisation's staff sign in with accounts of role easyjob.RoleOrg, which
// grants nothing outside this system; the organisation is the account's row in
// goodwill_members. Officers of the civil affairs bureau are officer accounts with a row in
// goodwill_verifiers (admins may verify too).
//
// Invariants, each held by the database in the write transaction and raced on both
// databases: stock never negative (goodwill_moves is the record; goodwill_lots.qty and
// goodwill_assemblies.on_hand are caches of its sums, taken down only by
// "UPDATE … SET qty = qty - n WHERE id = … AND qty >= n" next to the ledger insert, with
// CHECK (qty >= 0)); one package per person per campaign (unique indexes of
// goodwill_handovers on the blind indexes of the ID number and of the phone); no course over
// capacity (goodwill_courses.enrolled raised only while below capacity, CHECK enrolled <=
// capacity; the course row is locked first, so a cancellation promotes exactly one waiter).
package goodwill

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"easyjob/internal/easyjob"
	"easyjob/internal/store"
)

// Service is the goodwill system on the store's kernel.
type Service struct{ S *store.Store }

// New returns the service.
func New(s *store.Store) *Service { return &Service{S: s} }

// OrgStatus is where an organisation stands with the civil affairs bureau.
type OrgStatus string

const (
	OrgPending  OrgStatus = "pending"
	OrgVerified OrgStatus = "verified"
	OrgRejected OrgStatus = "rejected"
)

// Verified tells whether the organisation may record donations and run campaigns and courses.
func (s OrgStatus) Verified() bool { return s == OrgVerified }

// AwaitsReview tells whether an officer must decide.
func (s OrgStatus) AwaitsReview() bool { return s == OrgPending }

// Group is a group of recipients, and an earmark of a donation.
type Group string

const (
	GroupFrontline Group = "frontline" // frontline epidemic-prevention workers
	GroupCleaners  Group = "cleaners"  // community cleaners
	GroupPatients  Group = "patients"  // recovered patients
)

// Groups lists the groups in the order of the forms.
var Groups = []Group{GroupFrontline, GroupCleaners, GroupPatients}

// Valid tells whether g is a known group.
func (g Group) Valid() bool {
	for _, v := range Groups {
		if v == g {
			return true
		}
	}
	return false
}

// MoveKind is what a ledger entry records.
type MoveKind string

const (
	MoveReceived    MoveKind = "received"
	MoveAssembled   MoveKind = "assembled"
	MoveDistributed MoveKind = "distributed"
	MoveWrittenOff  MoveKind = "written_off"
	MoveReversal    MoveKind = "reversal"
)

// Reversible tells whether an entry of this kind may be corrected by a reversing entry:
// receipts and write-offs. Assemblies and hand-overs are undone by their own actions.
func (k MoveKind) Reversible() bool { return k == MoveReceived || k == MoveWrittenOff }

// ParticipantStatus is where a participant stands in a course.
type ParticipantStatus string

const (
	Enrolled  ParticipantStatus = "enrolled"
	Waiting   ParticipantStatus = "waiting"
	Cancelled ParticipantStatus = "cancelled"
)

// Active tells whether the participant holds a place or waits for one.
func (s ParticipantStatus) Active() bool { return s == Enrolled || s == Waiting }

// member is the organisation an actor works for, or 0.
func (s *Service) member(ctx context.Context, a easyjob.Actor) (int64, OrgStatus, error) {
	if a.Role != easyjob.RoleOrg || a.UserID == 0 {
		return 0, "", nil
	}
	var org int64
	var st string
	err := s.S.DB.R.QueryRowContext(ctx, `SELECT m.org_id, o.status FROM goodwill_members m JOIN goodwill_orgs o ON o.id = m.org_id
		WHERE m.user_id = $1`, a.UserID).Scan(&org, &st)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", nil
	}
	return org, OrgStatus(st), err
}

// staff returns the organisation of a staff member, refusing anyone else; verified asks
// that the organisation be verified (every write but its own registration).
func (s *Service) staff(ctx context.Context, a easyjob.Actor, verified bool) (int64, error) {
	org, st, err := s.member(ctx, a)
	if err != nil {
		return 0, err
	}
	if org == 0 {
		return 0, store.Forbidden()
	}
	if verified && !st.Verified() {
		return 0, easyjob.Errorf(easyjob.ECONFLICT, "goodwill.org_unverified")
	}
	return org, nil
}

// sees tells whether a may read the organisation's records: its staff and admins, and the
// bureau's verifying officers.
func (s *Service) sees(ctx context.Context, a easyjob.Actor, org int64) (bool, error) {
	if a.Role == easyjob.RoleAdmin {
		return true, nil
	}
	if a.Role == easyjob.RoleOfficer {
		return s.IsVerifier(ctx, a)
	}
	mine, _, err := s.member(ctx, a)
	return mine != 0 && mine == org, err
}

// mustSee answers Forbidden unless a may read the organisation's records.
func (s *Service) mustSee(ctx context.Context, a easyjob.Actor, org int64) error {
	ok, err := s.sees(ctx, a, org)
	if err == nil && !ok {
		err = store.Forbidden()
	}
	return err
}

// OrgOf returns the organisation of a staff account (0 for anyone else).
func (s *Service) OrgOf(ctx context.Context, a easyjob.Actor) (int64, error) {
	org, _, err := s.member(ctx, a)
	return org, store.Wrap(err, "goodwill.OrgOf", "user", a.UserID)
}

// randomDigits returns n random decimal digits.
func randomDigits(n int) string {
	var b strings.Builder
	for range n {
		d, _ := rand.Int(rand.Reader, big.NewInt(10))
		b.WriteByte(byte('0' + d.Int64()))
	}
	return b.String()
}

// randomToken returns n random characters of an unambiguous alphabet.
func randomToken(n int) string {
	const alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
	var b strings.Builder
	for range n {
		d, _ := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		b.WriteByte(alphabet[d.Int64()])
	}
	return b.String()
}

// splitGroups reads a stored list of groups.
func splitGroups(s string) []Group {
	var out []Group
	for _, p := range strings.Split(s, ",") {
		if p != "" {
			out = append(out, Group(p))
		}
	}
	return out
}

func joinGroups(gs []Group) string {
	ss := make([]string, len(gs))
	for i, g := range gs {
		ss[i] = string(g)
	}
	return strings.Join(ss, ",")
}

// trimmed trims a text field and checks its length; empty is refused when required.
func trimmed(f easyjob.Fields, field string, v *string, max int, required bool) {
	*v = strings.TrimSpace(*v)
	switch {
	case *v == "" && required:
		f.Add(field, "field.required")
	case len([]rune(*v)) > max:
		f.Add(field, "goodwill.too_long", "max", max)
	case *v != "" && easyjob.TextProblem(*v) != "":
		f.Add(field, easyjob.TextProblem(*v))
	}
}

// Yuan formats fen as yuan with thousands separators: 123456 → "1,234.56".
func Yuan(fen int64) string {
	neg := fen < 0
	if neg {
		fen = -fen
	}
	s := fmt.Sprintf("%d", fen/100)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := fmt.Sprintf("%s.%02d", b.String(), fen%100)
	if neg {
		out = "-" + out
	}
	return out
}

// ParseYuan reads an amount in yuan ("1234.5", "1,234.50") as fen.
func ParseYuan(s string) (int64, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || len(whole) > 12 || strings.Trim(whole, "0123456789") != "" || strings.Trim(frac, "0123456789") != "" {
		return 0, false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	var n int64
	for _, r := range whole + frac {
		n = n*10 + int64(r-'0')
	}
	return n, true
}

// Amount is the donation's amount in yuan, for pages.
func (d Donation) Amount() string { return Yuan(d.AmountFen) }

// Value is the package's value in yuan, for pages.
func (p Package) Value() string { return Yuan(p.ValueFen) }
