package goodwill

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/ident"
	"easyjob/internal/store"
)

// Organisations (goodwill_orgs), their staff (goodwill_members) and the civil affairs
// bureau's verifying officers (goodwill_verifiers).

// Org is a social organisation.
type Org struct {
	ID         int64     `json:"id"`
	Name       string    `json:"name"`
	USCC       string    `json:"uscc"`
	Kind       string    `json:"kind"` // association, private_non_enterprise, foundation, other
	District   string    `json:"district"`
	Status     OrgStatus `json:"status"`
	Comment    string    `json:"comment,omitempty"`
	ReviewedAt time.Time `json:"reviewed_at,omitzero"`
	CreatedAt  time.Time `json:"created_at"`
}

// OrgSignup registers an organisation and its first account.
type OrgSignup struct {
	Name        string `json:"name"`
	USCC        string `json:"uscc"`
	District    string `json:"district"`
	ContactName string `json:"contact_name"`
	Username    string `json:"username"`
	Password    string `json:"password"`
}

// orgKind reads the kind of a social organisation from its code: registration authority 5
// (civil affairs), entity type 1 (社会团体), 2 (民办非企业单位), 3 (基金会) or 9 (other).
func orgKind(c ident.CreditCode) (string, bool) {
	if c.Authority() != '5' {
		return "", false
	}
	switch c.EntityType() {
	case '1':
		return "association", true
	case '2':
		return "private_non_enterprise", true
	case '3':
		return "foundation", true
	case '9':
		return "other", true
	}
	return "", false
}

// Register creates an unverified organisation and its first staff account, all or nothing.
// The code must pass the GB 32100 and GB 11714 checks and be one the civil affairs bureau
// issues (first character 5).
func (s *Service) Register(ctx context.Context, in OrgSignup) (_ Org, _ easyjob.User, err error) {
	defer func() { err = store.Wrap(err, "goodwill.Register") }()
	f := easyjob.Fields{}
	trimmed(f, "name", &in.Name, 80, true)
	o := Org{Name: in.Name, District: in.District, Status: OrgPending}
	if c, cerr := ident.ParseCreditCode(in.USCC); cerr != nil {
		f.Add("uscc", "goodwill.uscc_invalid")
	} else if kind, ok := orgKind(c); !ok {
		f.Add("uscc", "goodwill.uscc_not_social")
	} else {
		o.USCC, o.Kind = c.Code(), kind
	}
	if !s.S.Ref.ShenzhenDistrict(in.District) {
		f.Add("district", "field.region")
	}
	nu := store.NewUser{Username: in.Username, Password: in.Password, Name: in.ContactName, Role: easyjob.RoleOrg}
	if uerr := s.S.ValidateNewUser(&nu); uerr != nil {
		var de *easyjob.Error
		if !errors.As(uerr, &de) {
			return Org{}, easyjob.User{}, uerr
		}
		for k, m := range de.Fields {
			if k == "name" {
				k = "contact_name"
			}
			if _, dup := f[k]; !dup {
				f[k] = m
			}
		}
	}
	if err := f.Err(); err != nil {
		return Org{}, easyjob.User{}, err
	}
	var u easyjob.User
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		o.CreatedAt = tx.Now
		err := tx.QueryRowContext(ctx, `INSERT INTO goodwill_orgs (name, uscc, kind, district, created_at) VALUES ($1, $2, $3, $4, $5)
			RETURNING id`, o.Name, o.USCC, o.Kind, o.District, tx.At).Scan(&o.ID)
		if _, ok := store.UniqueViolation(err); ok {
			f := easyjob.Fields{}
			f.Add("uscc", "goodwill.uscc_taken")
			return f.Err()
		}
		if err != nil {
			return err
		}
		if u, err = s.S.CreateUserTx(ctx, tx, nu); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO goodwill_members (user_id, org_id, added_at) VALUES ($1, $2, $3)`, u.ID, o.ID, tx.At)
		return err
	})
	return o, u, err
}

// AddStaff gives an organisation another staff account (its staff).
func (s *Service) AddStaff(ctx context.Context, a easyjob.Actor, in store.NewUser) (_ easyjob.User, err error) {
	defer func() { err = store.Wrap(err, "goodwill.AddStaff") }()
	org, err := s.staff(ctx, a, false)
	if err != nil {
		return easyjob.User{}, err
	}
	in.Role = easyjob.RoleOrg
	var u easyjob.User
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if u, err = s.S.CreateUserTx(ctx, tx, in); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO goodwill_members (user_id, org_id, added_at) VALUES ($1, $2, $3)`, u.ID, org, tx.At)
		return err
	})
	return u, err
}

// IsVerifier tells whether a verifies organisations for the civil affairs bureau (admins do too).
func (s *Service) IsVerifier(ctx context.Context, a easyjob.Actor) (bool, error) {
	switch a.Role {
	case easyjob.RoleAdmin:
		return true, nil
	case easyjob.RoleOfficer:
		var one int
		err := s.S.DB.R.QueryRowContext(ctx, `SELECT 1 FROM goodwill_verifiers WHERE user_id = $1`, a.UserID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		return err == nil, store.Wrap(err, "goodwill.IsVerifier", "user", a.UserID)
	}
	return false, nil
}

// SetVerifier makes an officer one of the civil affairs bureau's verifiers (admins).
func (s *Service) SetVerifier(ctx context.Context, a easyjob.Actor, userID int64) (err error) {
	defer func() { err = store.Wrap(err, "goodwill.SetVerifier", "user", userID) }()
	if a.Role != easyjob.RoleAdmin {
		return store.Forbidden()
	}
	var role string
	if err := s.S.DB.R.QueryRowContext(ctx, `SELECT role FROM users WHERE id = $1`, userID).Scan(&role); err != nil {
		return store.NotFound(err, "user")
	}
	if easyjob.Role(role) != easyjob.RoleOfficer {
		f := easyjob.Fields{}
		f.Add("user_id", "goodwill.verifier_not_officer")
		return f.Err()
	}
	return s.S.Tx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO goodwill_verifiers (user_id, added_at) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING`, userID, tx.At)
		return err
	})
}

// Review verifies or rejects a pending organisation (the bureau's verifiers). decision is
// "verify" or "reject"; a rejection needs a comment.
func (s *Service) Review(ctx context.Context, a easyjob.Actor, orgID int64, decision, comment string) (_ Org, err error) {
	defer func() { err = store.Wrap(err, "goodwill.Review", "org", orgID) }()
	ok, err := s.IsVerifier(ctx, a)
	if err != nil {
		return Org{}, err
	}
	if !ok {
		return Org{}, store.Forbidden()
	}
	f := easyjob.Fields{}
	to := OrgVerified
	switch decision {
	case "verify":
	case "reject":
		to = OrgRejected
		if strings.TrimSpace(comment) == "" {
			f.Add("comment", "field.required")
		}
	default:
		f.Add("decision", "goodwill.decision_invalid")
	}
	trimmed(f, "comment", &comment, 500, false)
	if err := f.Err(); err != nil {
		return Org{}, err
	}
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE goodwill_orgs SET status = $1, reviewed_by = $2, reviewed_at = $3, comment = $4
			WHERE id = $5 AND status = 'pending'`, string(to), nullID(a.UserID), tx.At, comment, orgID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if _, err := s.org(ctx, tx, orgID); err != nil {
				return err
			}
			return easyjob.Errorf(easyjob.ECONFLICT, "goodwill.org_reviewed")
		}
		return nil
	})
	if err != nil {
		return Org{}, err
	}
	return s.org(ctx, s.S.DB.R, orgID)
}

type rower interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

const orgCols = `id, name, uscc, kind, district, status, comment, reviewed_at, created_at`

func scanOrg(row store.Scanner) (Org, error) {
	var o Org
	var st string
	var rev, at int64
	err := row.Scan(&o.ID, &o.Name, &o.USCC, &o.Kind, &o.District, &st, &o.Comment, &rev, &at)
	o.Status, o.CreatedAt = OrgStatus(st), easyjob.FromMillis(at)
	if rev > 0 {
		o.ReviewedAt = easyjob.FromMillis(rev)
	}
	return o, err
}

func (s *Service) org(ctx context.Context, q rower, id int64) (Org, error) {
	o, err := scanOrg(q.QueryRowContext(ctx, `SELECT `+orgCols+` FROM goodwill_orgs WHERE id = $1`, id))
	return o, store.NotFound(err, "org")
}

// Org returns an organisation (its staff, the verifiers, admins).
func (s *Service) Org(ctx context.Context, a easyjob.Actor, id int64) (_ Org, err error) {
	defer func() { err = store.Wrap(err, "goodwill.Org", "org", id) }()
	if err := s.mustSee(ctx, a, id); err != nil {
		return Org{}, err
	}
	return s.org(ctx, s.S.DB.R, id)
}

// Orgs lists organisations for the verifiers, those awaiting review first.
func (s *Service) Orgs(ctx context.Context, a easyjob.Actor) (_ []Org, err error) {
	defer func() { err = store.Wrap(err, "goodwill.Orgs") }()
	ok, err := s.IsVerifier(ctx, a)
	if err != nil || !ok {
		return nil, cmpErr(err, store.Forbidden())
	}
	return store.Select(ctx, s.S.DB.R, scanOrg, `SELECT `+orgCols+` FROM goodwill_orgs
		ORDER BY CASE status WHEN 'pending' THEN 0 ELSE 1 END, id`)
}

// cmpErr returns err, or alt when err is nil.
func cmpErr(err, alt error) error {
	if err != nil {
		return err
	}
	return alt
}
