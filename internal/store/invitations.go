package store

import (
	"context"
	"encoding/base64"

	"strconv"
	"strings"

	"easyjob/internal/easyjob"
)

// Invitations to apply (tables invitations, invitation_quota): part of the
// applications' life, so the hiring core holds them. An employer invites a
// candidate of a posting's ranked list by the candidate's opaque reference
// (CandidateRef: the posting and the seeker sealed together), so it never
// learns who the candidate is; the seeker sees the invitation with the
// posting and either applies — the normal Apply, which marks the
// invitation applied, and only then does the employer see a name and a
// phone — or declines. One invitation per posting and seeker, ever (unique
// index); an employer sends at most InvitationsPerDay a day (a conditional
// upsert of invitation_quota in the same transaction).

// InvitationStatus is where an invitation stands.
type InvitationStatus string

// The statuses of an invitation.
const (
	InvitationOpen     InvitationStatus = "open"
	InvitationApplied  InvitationStatus = "applied"
	InvitationDeclined InvitationStatus = "declined"
)

// Open tells whether the seeker has yet to answer.
func (s InvitationStatus) Open() bool { return s == InvitationOpen }

// DefaultInvitationsPerDay is an employer's daily number of invitations
// when Store.InvitationsPerDay is not set: enough for a day of hiring
// through the ranked lists, few enough that nobody is flooded.
const DefaultInvitationsPerDay = 30

// Invitation is an invitation as its seeker sees it: the posting and the
// employer, never anything about other candidates.
type Invitation struct {
	ID           int64            `json:"id"`
	PostingID    int64            `json:"posting_id"`
	PostingTitle string           `json:"posting_title"`
	EmployerName string           `json:"employer_name"`
	PayMin       int              `json:"pay_min"`
	PayMax       int              `json:"pay_max"`
	District     string           `json:"district"`
	Status       InvitationStatus `json:"status"`
	CreatedAt    int64            `json:"created_at"`
}

const candidateRefData = "candidate.ref"

// CandidateRef is the opaque reference an employer holds for a candidate of
// one posting: the posting and the seeker sealed (AES-256-GCM), so it names
// nobody and is no use on another posting.
func (s *Store) CandidateRef(postingID, seekerID int64) (string, error) {
	b, err := s.Sealer.Seal([]byte(strconv.FormatInt(postingID, 10)+":"+strconv.FormatInt(seekerID, 10)), []byte(candidateRefData))
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// candidateOf opens a reference made for postingID; anything else is a
// field error on "candidate".
func (s *Store) candidateOf(postingID int64, ref string) (int64, error) {
	bad := easyjob.Fields{}
	bad.Add("candidate", "invitation.unknown_candidate")
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimSpace(ref))
	if err != nil || len(b) == 0 {
		return 0, bad.Err()
	}
	plain, err := s.Sealer.Open(b, []byte(candidateRefData))
	if err != nil {
		return 0, bad.Err()
	}
	p, k, ok := strings.Cut(string(plain), ":")
	pid, err1 := strconv.ParseInt(p, 10, 64)
	sid, err2 := strconv.ParseInt(k, 10, 64)
	if !ok || err1 != nil || err2 != nil || pid != postingID || sid <= 0 {
		return 0, bad.Err()
	}
	return sid, nil
}

func (s *Store) invitationsPerDay() int {
	if s.InvitationsPerDay > 0 {
		return s.InvitationsPerDay
	}
	return DefaultInvitationsPerDay
}

// Invite sends a candidate of a posting an invitation to apply. The
// posting's employer (or an officer of its district) invites; the posting
// must be published; the candidate is named only by CandidateRef. The
// seeker gets a text message naming the posting.
func (s *Store) Invite(ctx context.Context, a easyjob.Actor, postingID int64, ref string) (err error) {
	defer wrapErr(&err, "store.Invite", "postingID", postingID)
	p, err := s.Posting(ctx, a, postingID)
	if err != nil {
		return err
	}
	if !(a.Role == easyjob.RoleEmployer && a.EmployerID == p.EmployerID) && !(a.IsOfficer() && a.Scope.District(p.District)) {
		return Forbidden()
	}
	if p.Status != easyjob.PostingPublished {
		return easyjob.Errorf(easyjob.ECONFLICT, "application.posting_closed")
	}
	seekerID, err := s.candidateOf(postingID, ref)
	if err != nil {
		return err
	}
	k, err := s.seekerRow(ctx, seekerID)
	if err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *Tx) error {
		var applied int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM applications WHERE posting_id = $1 AND seeker_id = $2`,
			postingID, seekerID).Scan(&applied); err != nil {
			return err
		}
		if applied > 0 {
			return easyjob.Errorf(easyjob.ECONFLICT, "invitation.already_applied")
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO invitation_quota (employer_id, day, n) VALUES ($1, $2, 1)
			ON CONFLICT (employer_id, day) DO UPDATE SET n = invitation_quota.n + 1 WHERE invitation_quota.n < $3`,
			p.EmployerID, tx.Today().String(), s.invitationsPerDay())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return easyjob.Errorf(easyjob.ERATELIMIT, "invitation.daily_limit", "n", s.invitationsPerDay())
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO invitations (posting_id, seeker_id, employer_id, invited_by, status, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, postingID, seekerID, p.EmployerID, a.UserID, string(InvitationOpen), tx.At)
		if isUnique(err) {
			return easyjob.Errorf(easyjob.ECONFLICT, "invitation.duplicate")
		}
		if err != nil {
			return err
		}
		if k.Phone == "" {
			return nil
		}
		return s.Send(ctx, tx, k.Phone, "invitation", "invitation.sms", "employer", p.EmployerName, "title", p.Title)
	})
}

// Invited lists the seekers of a posting's ranked list the employer has
// invited, by seeker ID, with the invitation's status; for Candidates.
func (s *Store) invited(ctx context.Context, postingID int64) (map[int64]InvitationStatus, error) {
	out := map[int64]InvitationStatus{}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT seeker_id, status FROM invitations WHERE posting_id = $1`, postingID)
	_, err = Collect(rows, err, func(r Scanner) (struct{}, error) {
		var id int64
		var st string
		err := r.Scan(&id, &st)
		out[id] = InvitationStatus(st)
		return struct{}{}, err
	})
	return out, err
}

// MyInvitations lists the seeker's open invitations to postings still
// taking applications, newest first.
func (s *Store) MyInvitations(ctx context.Context, a easyjob.Actor) (_ []Invitation, err error) {
	defer wrapErr(&err, "store.MyInvitations")
	if a.Role != easyjob.RoleSeeker || a.SeekerID == 0 {
		return []Invitation{}, nil
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT i.id, p.id, p.title, e.name, p.pay_min, p.pay_max, p.district, i.status, i.created_at
		FROM invitations i JOIN postings p ON p.id = i.posting_id JOIN employers e ON e.id = p.employer_id
		WHERE i.seeker_id = $1 AND i.status = $2 AND p.status = $3
		ORDER BY i.id DESC LIMIT 50`, a.SeekerID, string(InvitationOpen), string(easyjob.PostingPublished))
	out, err := Collect(rows, err, func(r Scanner) (Invitation, error) {
		var v Invitation
		var st string
		err := r.Scan(&v.ID, &v.PostingID, &v.PostingTitle, &v.EmployerName, &v.PayMin, &v.PayMax, &v.District, &st, &v.CreatedAt)
		v.Status = InvitationStatus(st)
		return v, err
	})
	if out == nil {
		out = []Invitation{}
	}
	return out, err
}

// DeclineInvitation records the seeker's "no, thanks"; the employer is not
// told who declined, only that the candidate did.
func (s *Store) DeclineInvitation(ctx context.Context, a easyjob.Actor, id int64) (err error) {
	defer wrapErr(&err, "store.DeclineInvitation", "id", id)
	if a.Role != easyjob.RoleSeeker || a.SeekerID == 0 {
		return Forbidden()
	}
	return s.Tx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE invitations SET status = $1, decided_at = $2
			WHERE id = $3 AND seeker_id = $4 AND status = $5`, string(InvitationDeclined), tx.At, id, a.SeekerID, string(InvitationOpen))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var st string
			err := tx.QueryRowContext(ctx, `SELECT status FROM invitations WHERE id = $1 AND seeker_id = $2`, id, a.SeekerID).Scan(&st)
			if err != nil {
				return NotFound(err, "invitation")
			}
			return easyjob.Errorf(easyjob.ECONFLICT, "invitation.answered")
		}
		return nil
	})
}

// markInvitationApplied closes an open invitation when its seeker applies
// (in Apply's transaction).
func markInvitationApplied(ctx context.Context, tx *Tx, postingID, seekerID int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE invitations SET status = $1, decided_at = $2
		WHERE posting_id = $3 AND seeker_id = $4 AND status = $5`,
		string(InvitationApplied), tx.At, postingID, seekerID, string(InvitationOpen))
	return err
}
