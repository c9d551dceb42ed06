package store

import (
	"context"
	"strings"

	"easyjob/internal/easyjob"
)

// EmployerSignup registers an enterprise and its first account.
type EmployerSignup struct {
	easyjob.EmployerInput
	Username string `json:"username"`
	Password string `json:"password"`
}

// RegisterEmployer creates an unverified employer and its first account, all
// or nothing. Its postings cannot be published until an officer verifies it.
func (s *Store) RegisterEmployer(ctx context.Context, in EmployerSignup) (_ easyjob.Employer, _ easyjob.User, err error) {
	defer wrapErr(&err, "store.RegisterEmployer")
	err = in.EmployerInput.Validate(s.Ref)
	nu := NewUser{Username: in.Username, Password: in.Password, Name: in.ContactName, Role: easyjob.RoleEmployer, EmployerID: 1}
	if uerr := s.validateNewUser(&nu); uerr != nil || err != nil {
		return easyjob.Employer{}, easyjob.User{}, mergeFields(err, uerr)
	}
	var e easyjob.Employer
	var u easyjob.User
	err = s.Tx(ctx, func(tx *Tx) error {
		var err error
		e, err = s.insertEmployer(ctx, tx, in.EmployerInput)
		if err != nil {
			return err
		}
		nu.EmployerID = e.ID
		u, err = s.createUser(ctx, tx, tx.At, nu)
		return err
	})
	return e, u, err
}

// contactPhoneLabel binds a sealed employer contact phone to its column.
const contactPhoneLabel = "employer.contact_phone"

func (s *Store) insertEmployer(ctx context.Context, tx *Tx, in easyjob.EmployerInput) (easyjob.Employer, error) {
	e := easyjob.Employer{EmployerInput: in, CreatedAt: easyjob.FromMillis(tx.At)}
	sealed, err := s.sealContactPhone(e.ContactPhone)
	if err != nil {
		return e, err
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO employers (name, credit_code, district, street, address,
		contact_name, contact_phone, contact_phone_cipher, industry, created_at) VALUES ($1, $2, $3, $4, $5, $6, '', $7, $8, $9) RETURNING id`,
		e.Name, e.CreditCode, e.District, e.Street, e.Address, e.ContactName, sealed, e.Industry, tx.At).Scan(&e.ID)
	if isUnique(err) {
		f := easyjob.Fields{}
		f.Add("credit_code", "credit.taken")
		return e, f.Err()
	}
	return e, err
}

// mergeFields joins the field errors of two validations.
func mergeFields(errs ...error) error {
	out := easyjob.Fields{}
	for _, err := range errs {
		if err == nil {
			continue
		}
		e, ok := err.(*easyjob.Error)
		if !ok || e.Code != easyjob.EINVALID {
			return err
		}
		for k, v := range e.Fields {
			if _, dup := out[k]; !dup {
				out[k] = v
			}
		}
	}
	return out.Err()
}

const employerCols = `id, name, credit_code, district, street, address, contact_name, contact_phone, contact_phone_cipher,
	industry, verified, verified_at, created_at`

// scanEmployer reads a row of employerCols and opens the sealed contact
// phone (a row not sealed yet keeps it in contact_phone).
func (s *Store) scanEmployer(row Scanner) (easyjob.Employer, error) {
	var e easyjob.Employer
	var vat, at int64
	var sealed []byte
	err := row.Scan(&e.ID, &e.Name, &e.CreditCode, &e.District, &e.Street, &e.Address, &e.ContactName,
		&e.ContactPhone, &sealed, &e.Industry, &e.Verified, &vat, &at)
	if err != nil {
		return e, err
	}
	e.VerifiedAt, e.CreatedAt = easyjob.FromMillis(vat), easyjob.FromMillis(at)
	if len(sealed) > 0 {
		b, err := s.Sealer.Open(sealed, []byte(contactPhoneLabel))
		if err != nil {
			return e, err
		}
		e.ContactPhone = string(b)
	}
	return e, nil
}

func (s *Store) sealContactPhone(phone string) ([]byte, error) {
	return s.Sealer.Seal([]byte(phone), []byte(contactPhoneLabel))
}

// SealContactPhones seals the employer contact phones still stored in plain
// text (rows written before migration 00007, or by a bulk loader) and empties
// contact_phone; it returns how many it sealed. SQL cannot seal, so this is
// the Go half of that migration: app.Open runs it after migrating, with the
// server's data key, and it is cheap once every row is sealed.
func (s *Store) SealContactPhones(ctx context.Context) (n int, err error) {
	defer wrapErr(&err, "store.SealContactPhones")
	for {
		type plain struct {
			id    int64
			phone string
		}
		rows, err := Select(ctx, s.DB.R, func(r Scanner) (plain, error) {
			var p plain
			return p, r.Scan(&p.id, &p.phone)
		}, `SELECT id, contact_phone FROM employers WHERE contact_phone <> '' ORDER BY id LIMIT 500`)
		if err != nil || len(rows) == 0 {
			return n, err
		}
		err = s.Tx(ctx, func(tx *Tx) error {
			for _, p := range rows {
				sealed, err := s.sealContactPhone(p.phone)
				if err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `UPDATE employers SET contact_phone_cipher = $1, contact_phone = ''
					WHERE id = $2 AND contact_phone = $3`, sealed, p.id, p.phone); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return n, err
		}
		n += len(rows)
	}
}

// Employer returns an employer with its contact person and phone, without
// access checks: for systems and pages that have checked access themselves.
// What a reader may see is EmployerFor.
func (s *Store) Employer(ctx context.Context, id int64) (_ easyjob.Employer, err error) {
	defer wrapErr(&err, "store.Employer", "id", id)
	e, err := s.scanEmployer(s.DB.R.QueryRowContext(ctx, `SELECT `+employerCols+` FROM employers WHERE id = $1`, id))
	return e, NotFound(err, "employer")
}

// EmployerFor returns an employer as a may see it. Anyone signed in may read
// an employer's public record (seekers see who they would work for); its
// contact person and phone are personal data, shown only to the employer's
// own accounts, to officers whose region holds its district, and to seekers
// who applied to one of its postings.
func (s *Store) EmployerFor(ctx context.Context, a easyjob.Actor, id int64) (_ easyjob.Employer, err error) {
	defer wrapErr(&err, "store.EmployerFor", "id", id)
	e, err := s.Employer(ctx, id)
	if err != nil {
		return e, err
	}
	ok, err := s.maySeeContact(ctx, a, e)
	if err != nil {
		return easyjob.Employer{}, err
	}
	if !ok {
		e.ContactName, e.ContactPhone = "", ""
	}
	return e, nil
}

func (s *Store) maySeeContact(ctx context.Context, a easyjob.Actor, e easyjob.Employer) (bool, error) {
	switch {
	case a.Role == easyjob.RoleEmployer:
		return a.EmployerID == e.ID, nil
	case a.IsOfficer():
		return a.Scope.District(e.District), nil
	case a.Role == easyjob.RoleSeeker && a.SeekerID != 0:
		return s.appliedTo(ctx, a.SeekerID, e.ID)
	}
	return false, nil
}

// EmployerFilter narrows a list of employers.
type EmployerFilter struct {
	ListOptions
	Verified *bool
	District string
}

// Employers lists employers in an officer's region.
func (s *Store) Employers(ctx context.Context, a easyjob.Actor, f EmployerFilter) (_ easyjob.Page[easyjob.Employer], err error) {
	defer wrapErr(&err, "store.Employers")
	if !a.IsOfficer() {
		return easyjob.Page[easyjob.Employer]{}, Forbidden()
	}
	after, err := decodeCursor(f.Cursor)
	if err != nil {
		return easyjob.Page[easyjob.Employer]{}, err
	}
	var w Where
	w.Add("id > ?", after)
	w.Scope(a.Scope, "", "district")
	if f.Verified != nil {
		w.Add("verified = ?", *f.Verified)
	}
	if f.District != "" {
		w.Add("district = ?", f.District)
	}
	q := `SELECT ` + employerCols + ` FROM employers` + w.SQL() + ` ORDER BY id LIMIT ` + w.Arg(f.limit()+1)
	rows, err := s.DB.R.QueryContext(ctx, q, w.Args()...)
	if err != nil {
		return easyjob.Page[easyjob.Employer]{}, err
	}
	defer rows.Close()
	var out []easyjob.Employer
	for rows.Next() {
		e, err := s.scanEmployer(rows)
		if err != nil {
			return easyjob.Page[easyjob.Employer]{}, err
		}
		out = append(out, e)
	}
	return page(out, f.limit(), func(e easyjob.Employer) int64 { return e.ID }), rows.Err()
}

// VerifyEmployer records an officer's decision on an employer: "verify" or
// "reject" (with a comment saying why).
func (s *Store) VerifyEmployer(ctx context.Context, a easyjob.Actor, id int64, decision, comment string) (_ easyjob.Employer, err error) {
	defer wrapErr(&err, "store.VerifyEmployer", "id", id)
	e, err := s.Employer(ctx, id)
	if err != nil {
		return e, err
	}
	if !a.Scope.District(e.District) {
		return e, Forbidden()
	}
	comment = strings.TrimSpace(comment)
	f := easyjob.Fields{}
	switch decision {
	case "verify":
	case "reject":
		if comment == "" {
			f.Add("comment", "review.comment_required")
		}
	default:
		f.Add("decision", "review.decision")
	}
	if err := f.Err(); err != nil {
		return e, err
	}
	err = s.Tx(ctx, func(tx *Tx) error {
		verified := decision == "verify"
		var at int64
		if verified {
			at = tx.At
		}
		if _, err := tx.ExecContext(ctx, `UPDATE employers SET verified = $1, verified_at = $2, verified_by = $3 WHERE id = $4`,
			verified, at, a.UserID, id); err != nil {
			return err
		}
		// Other processes' recommendation indexes follow postings.updated_at.
		if _, err := tx.ExecContext(ctx, `UPDATE postings SET updated_at = $1 WHERE employer_id = $2`, tx.At, id); err != nil {
			return err
		}
		return s.review(ctx, tx, a, "employer", id, decision, comment)
	})
	if err != nil {
		return e, err
	}
	s.changed("employer", id)
	return s.Employer(ctx, id)
}

func (s *Store) review(ctx context.Context, tx *Tx, a easyjob.Actor, subject string, id int64, decision, comment string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO reviews (subject, subject_id, officer_id, decision, comment, at)
		VALUES ($1, $2, $3, $4, $5, $6)`, subject, id, a.UserID, decision, comment, tx.At)
	return err
}

// Reviews lists the decisions kept on a posting or an employer, oldest
// first. Officers' comments are for officers whose region holds the
// employer's (or posting's) district and for the employer concerned; anyone
// else is refused.
func (s *Store) Reviews(ctx context.Context, a easyjob.Actor, subject string, id int64) (_ []easyjob.Review, err error) {
	defer wrapErr(&err, "store.Reviews", "id", id)
	var employer int64
	var district string
	switch subject {
	case "posting":
		err = s.DB.R.QueryRowContext(ctx, `SELECT employer_id, district FROM postings WHERE id = $1`, id).Scan(&employer, &district)
	case "employer":
		employer = id
		err = s.DB.R.QueryRowContext(ctx, `SELECT district FROM employers WHERE id = $1`, id).Scan(&district)
	default:
		return nil, easyjob.NotFound("resource")
	}
	if err != nil {
		return nil, NotFound(err, subject)
	}
	if !(a.Role == easyjob.RoleEmployer && a.EmployerID == employer) && !(a.IsOfficer() && a.Scope.District(district)) {
		return nil, Forbidden()
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, subject, subject_id, officer_id, decision, comment, at
		FROM reviews WHERE subject = $1 AND subject_id = $2 ORDER BY id`, subject, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []easyjob.Review{}
	for rows.Next() {
		var r easyjob.Review
		var at int64
		if err := rows.Scan(&r.ID, &r.Subject, &r.SubjectID, &r.OfficerID, &r.Decision, &r.Comment, &at); err != nil {
			return nil, err
		}
		r.At = easyjob.FromMillis(at)
		out = append(out, r)
	}
	return out, rows.Err()
}
