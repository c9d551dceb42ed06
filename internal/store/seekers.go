package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"easyjob/internal/easyjob"
	"easyjob/internal/ident"
	"easyjob/internal/region"
)

// RegisterSeeker registers a seeker on their behalf at a station, recording
// how they consented. The seeker can later sign in with their phone.
func (s *Store) RegisterSeeker(ctx context.Context, a easyjob.Actor, in easyjob.SeekerInput) (_ easyjob.Seeker, err error) {
	defer wrapErr(&err, "store.RegisterSeeker")
	if !a.IsOfficer() {
		return easyjob.Seeker{}, Forbidden()
	}
	if err := in.Validate(s.Ref, s.Clock.Now(), true); err != nil {
		return easyjob.Seeker{}, err
	}
	if !a.Scope.County(in.County) {
		f := easyjob.Fields{}
		f.Add("id_number", "seeker.out_of_region")
		return easyjob.Seeker{}, f.Err()
	}
	id, err := s.insertSeeker(ctx, a, in, 0)
	if err != nil {
		return easyjob.Seeker{}, err
	}
	return s.Seeker(ctx, a, id, "")
}

// CreateProfile lets a seeker who signed in with a code write their own
// profile; consent is given in the app.
func (s *Store) CreateProfile(ctx context.Context, a easyjob.Actor, in easyjob.SeekerInput) (_ easyjob.Seeker, err error) {
	defer wrapErr(&err, "store.CreateProfile")
	if a.Role != easyjob.RoleSeeker {
		return easyjob.Seeker{}, Forbidden()
	}
	if a.SeekerID != 0 {
		return easyjob.Seeker{}, easyjob.Errorf(easyjob.ECONFLICT, "seeker.profile_exists")
	}
	if err := in.Validate(s.Ref, s.Clock.Now(), false); err != nil {
		return easyjob.Seeker{}, err
	}
	id, err := s.insertSeeker(ctx, a, in, a.UserID)
	if err != nil {
		return easyjob.Seeker{}, err
	}
	a.SeekerID = id
	return s.Seeker(ctx, a, id, "")
}

// insertSeeker writes a seeker and links the account that signs in with
// their phone (creating it, or the signed-in user's when userID is set).
func (s *Store) insertSeeker(ctx context.Context, a easyjob.Actor, in easyjob.SeekerInput, userID int64) (int64, error) {
	var id int64
	err := s.Tx(ctx, func(tx *Tx) error {
		var err error
		id, err = s.insertSeekerTx(ctx, tx, a, in, userID)
		return err
	})
	if err == nil {
		s.changed("seeker", id)
	}
	return id, err
}

// insertSeekerTx is insertSeeker inside the caller's transaction; the
// caller tells OnChange after commit.
func (s *Store) insertSeekerTx(ctx context.Context, tx *Tx, a easyjob.Actor, in easyjob.SeekerInput, userID int64) (int64, error) {
	idSealed, err := s.Sealer.Seal([]byte(in.IDNumber), []byte("seeker.id_number"))
	if err != nil {
		return 0, err
	}
	phoneSealed, err := s.Sealer.Seal([]byte(in.Phone), []byte("seeker.phone"))
	if err != nil {
		return 0, err
	}
	idHash, phoneHash := s.Sealer.BlindIndex(in.IDNumber), s.Sealer.BlindIndex(in.Phone)
	now := tx.At
	var registeredBy any
	if a.IsOfficer() {
		registeredBy = a.UserID
	}
	var id int64
	err = func() error {
		err := tx.QueryRowContext(ctx, `INSERT INTO seekers (name, id_cipher, id_hash, phone_cipher, phone_hash, gender,
			birth_date, home_county, trades, experience, expected_pay, wants_dorm, wants_meals, available_from, education,
			group_code, consent_method, consent_at, registered_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20)
			RETURNING id`,
			in.Name, idSealed, idHash, phoneSealed, phoneHash, in.Gender, in.BirthDate, in.County,
			strings.Join(in.Trades, ","), in.Experience, in.ExpectedPay, in.WantsDorm, in.WantsMeals, in.AvailableFrom,
			in.Education, in.Group, in.ConsentMethod, easyjob.Millis(in.ConsentAt), registeredBy, now).Scan(&id)
		if isUnique(err) {
			f := easyjob.Fields{}
			if strings.Contains(err.Error(), "id_hash") {
				f.Add("id_number", "seeker.duplicate_id")
			} else {
				f.Add("phone", "seeker.duplicate_phone")
			}
			return f.Err()
		}
		if err != nil {
			return err
		}
		if userID != 0 {
			// The signed-in seeker: their account already carries this phone
			// unless they signed in with another number.
			res, err := tx.ExecContext(ctx, `UPDATE users SET seeker_id = $1, name = $2 WHERE id = $3 AND seeker_id IS NULL
				AND (phone_hash = $4 OR phone_hash IS NULL)`, id, in.Name, userID, phoneHash)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				f := easyjob.Fields{}
				f.Add("phone", "seeker.phone_mismatch")
				return f.Err()
			}
			return sessionChanged(ctx, tx, now, "", userID) // their sessions now carry the profile
		}
		// Registered at a station: link an account that signed in with this
		// phone before, or make one for later.
		var linked int64
		err = tx.QueryRowContext(ctx, `SELECT id FROM users WHERE phone_hash = $1 AND seeker_id IS NULL`, phoneHash).Scan(&linked)
		switch {
		case err == nil:
			res, err := tx.ExecContext(ctx, `UPDATE users SET seeker_id = $1, name = $2 WHERE id = $3 AND seeker_id IS NULL`, id, in.Name, linked)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 { // linked by another registration meanwhile
				f := easyjob.Fields{}
				f.Add("phone", "seeker.duplicate_phone")
				return f.Err()
			}
			return sessionChanged(ctx, tx, now, "", linked)
		case !errors.Is(err, sql.ErrNoRows):
			return err
		default:
			_, err = tx.ExecContext(ctx, `INSERT INTO users (phone_hash, name, role, seeker_id, created_at) VALUES ($1, $2, 'seeker', $3, $4)`,
				phoneHash, in.Name, id, now)
			if isUnique(err) {
				f := easyjob.Fields{}
				f.Add("phone", "seeker.duplicate_phone")
				return f.Err()
			}
		}
		return err
	}()
	return id, err
}

// UpdateSeeker changes what a seeker may change about themselves (or an
// officer for them): trades, pay, dorm and meals, availability, education,
// group. Name, ID number and phone stay as registered.
func (s *Store) UpdateSeeker(ctx context.Context, a easyjob.Actor, id int64, in easyjob.SeekerInput) (_ easyjob.Seeker, err error) {
	defer wrapErr(&err, "store.UpdateSeeker", "id", id)
	cur, err := s.seekerRow(ctx, id)
	if err != nil {
		return easyjob.Seeker{}, err
	}
	if !(a.Role == easyjob.RoleSeeker && a.SeekerID == id) && !a.Scope.County(cur.HomeCounty) {
		return easyjob.Seeker{}, Forbidden()
	}
	// Validate the changeable fields with the registered identity.
	in.Name, in.IDNumber, in.Phone = cur.Name, cur.IDNumber, cur.Phone
	in.ConsentMethod, in.ConsentAt = easyjob.ConsentSigned, cur.ConsentAt
	if err := in.Validate(s.Ref, s.Clock.Now(), true); err != nil {
		return easyjob.Seeker{}, err
	}
	_, err = s.DB.W.ExecContext(ctx, `UPDATE seekers SET trades = $1, experience = $2, expected_pay = $3, wants_dorm = $4,
		wants_meals = $5, available_from = $6, education = $7, group_code = $8, updated_at = $9 WHERE id = $10`,
		strings.Join(in.Trades, ","), in.Experience, in.ExpectedPay, in.WantsDorm, in.WantsMeals, in.AvailableFrom,
		in.Education, in.Group, s.now(), id)
	if err != nil {
		return easyjob.Seeker{}, err
	}
	s.changed("seeker", id)
	return s.Seeker(ctx, a, id, "")
}

// SetPoor sets the registered-poor (建档立卡) status; officers only.
func (s *Store) SetPoor(ctx context.Context, a easyjob.Actor, id int64, poor bool) (err error) {
	defer wrapErr(&err, "store.SetPoor", "id", id)
	return s.officerUpdate(ctx, a, id, `UPDATE seekers SET poor = $1, updated_at = $2 WHERE id = $3`, poor)
}

func (s *Store) officerUpdate(ctx context.Context, a easyjob.Actor, id int64, q string, v any) error {
	cur, err := s.seekerRow(ctx, id)
	if err != nil {
		return err
	}
	if !a.IsOfficer() || !a.Scope.County(cur.HomeCounty) {
		return Forbidden()
	}
	if _, err := s.DB.W.ExecContext(ctx, q, v, s.now(), id); err != nil {
		return err
	}
	s.changed("seeker", id)
	return nil
}

const seekerCols = `s.id, s.name, s.id_cipher, s.phone_cipher, s.gender, s.birth_date, s.home_county, s.trades, s.experience,
	s.expected_pay, s.wants_dorm, s.wants_meals, s.available_from, s.education, s.poor, s.health, s.health_at, s.health_by, s.group_code,
	s.consent_method, s.consent_at, COALESCE(s.registered_by, 0), s.created_at, s.updated_at`

// scanSeeker reads a row and decrypts it; callers mask before it leaves.
func (s *Store) scanSeeker(row interface{ Scan(...any) error }) (easyjob.Seeker, error) {
	var k easyjob.Seeker
	var idc, phc []byte
	var trades string
	var hat, cat, crat, uat int64
	err := row.Scan(&k.ID, &k.Name, &idc, &phc, &k.Gender, &k.BirthDate, &k.HomeCounty, &trades, &k.Experience,
		&k.ExpectedPay, &k.WantsDorm, &k.WantsMeals, &k.AvailableFrom, &k.Education, &k.Poor, &k.Health, &hat, &k.HealthBy, &k.Group,
		&k.ConsentMethod, &cat, &k.RegisteredBy, &crat, &uat)
	if err != nil {
		return k, err
	}
	k.HealthAt, k.ConsentAt, k.CreatedAt, k.UpdatedAt = easyjob.FromMillis(hat), easyjob.FromMillis(cat), easyjob.FromMillis(crat), easyjob.FromMillis(uat)
	k.Trades = []string{}
	if trades != "" {
		k.Trades = strings.Split(trades, ",")
	}
	idp, err := s.Sealer.Open(idc, []byte("seeker.id_number"))
	if err != nil {
		return k, err
	}
	k.IDNumber = string(idp)
	if phc != nil {
		php, err := s.Sealer.Open(phc, []byte("seeker.phone"))
		if err != nil {
			return k, err
		}
		k.Phone = string(php)
	}
	k.Age = easyjob.AgeOn(k.BirthDate, s.today())
	k.Twinned = region.IsTwinned(k.HomeCounty)
	return k, nil
}

// SeekerColumns are the columns ScanSeeker reads, from "seekers s".
const SeekerColumns = seekerCols

// ScanSeeker reads a row of SeekerColumns and decrypts it, for systems that
// join seekers; what leaves the system must be masked (Mask) or audited.
func (s *Store) ScanSeeker(row Scanner) (easyjob.Seeker, error) { return s.scanSeeker(row) }

// SeekerRow reads a seeker by id, decrypted, without access checks: for
// systems that have checked access themselves.
func (s *Store) SeekerRow(ctx context.Context, id int64) (_ easyjob.Seeker, err error) {
	defer wrapErr(&err, "store.SeekerRow", "id", id)
	return s.seekerRow(ctx, id)
}

func (s *Store) seekerRow(ctx context.Context, id int64) (easyjob.Seeker, error) {
	k, err := s.scanSeeker(s.DB.R.QueryRowContext(ctx, `SELECT `+seekerCols+` FROM seekers s WHERE s.id = $1`, id))
	return k, NotFound(err, "seeker")
}

// Audit reasons for views of personal data.
const (
	ReasonApplied = "applied_to_employer" // the seeker applied to this employer's posting
	ReasonRegion  = "officer_region"      // an officer of the seeker's region
)

// Seeker returns a seeker as reader a may see them:
//   - the seeker: everything but the full ID number;
//   - an officer of their region: name and phone (audited); the full ID
//     number only when reveal gives a reason (audited with it);
//   - an employer: name and phone only if the seeker applied to one of its
//     postings (audited); the ID number masked to its county and check
//     character (MaskIDForEmployer); before applying the seeker is not
//     found (candidates are Anonymous);
//   - anyone else: not found.
func (s *Store) Seeker(ctx context.Context, a easyjob.Actor, id int64, reveal string) (_ easyjob.Seeker, err error) {
	defer wrapErr(&err, "store.Seeker", "id", id)
	k, err := s.seekerRow(ctx, id)
	if err != nil {
		return k, err
	}
	reveal = strings.TrimSpace(reveal)
	switch {
	case a.Role == easyjob.RoleSeeker && a.SeekerID == id:
		k.IDNumber = ident.MaskID(k.IDNumber)
	case a.IsOfficer() && a.Scope.County(k.HomeCounty):
		action := "view_contact"
		if reveal != "" {
			action = "view_id_number"
		} else {
			k.IDNumber = ident.MaskID(k.IDNumber)
		}
		if err := s.audit(ctx, a, id, action, ReasonRegion+": "+reveal); err != nil {
			return easyjob.Seeker{}, err
		}
	case a.Role == easyjob.RoleEmployer:
		ok, err := s.appliedTo(ctx, id, a.EmployerID)
		if err != nil {
			return easyjob.Seeker{}, err
		}
		if !ok {
			return easyjob.Seeker{}, easyjob.NotFound("seeker")
		}
		k.IDNumber = ident.MaskIDForEmployer(k.IDNumber)
		if err := s.audit(ctx, a, id, "view_contact", ReasonApplied); err != nil {
			return easyjob.Seeker{}, err
		}
	default:
		return easyjob.Seeker{}, easyjob.NotFound("seeker")
	}
	return k, nil
}

// Mask hides a seeker's name, ID number and phone.
func Mask(k easyjob.Seeker) easyjob.Seeker {
	k.Name, k.IDNumber, k.Phone, k.Masked = ident.MaskName(k.Name), ident.MaskID(k.IDNumber), ident.MaskPhone(k.Phone), true
	k.BirthDate = easyjob.Date{}
	return k
}

// MaskContact hides a seeker's ID number and phone and leaves the name:
// what an officer of the seeker's region sees in lists.
func MaskContact(k easyjob.Seeker) easyjob.Seeker {
	k.IDNumber, k.Phone, k.Masked = ident.MaskID(k.IDNumber), ident.MaskPhone(k.Phone), true
	k.BirthDate = easyjob.Date{}
	return k
}

// OfficerSeeker is a seeker as an officer of their region sees them on
// their page: the name and profile, with the ID number and phone masked
// (not audited: nothing is shown that a list does not show). Seeker with a
// reason reveals the rest, audited.
func (s *Store) OfficerSeeker(ctx context.Context, a easyjob.Actor, id int64) (_ easyjob.Seeker, err error) {
	defer wrapErr(&err, "store.OfficerSeeker", "id", id)
	k, err := s.seekerRow(ctx, id)
	if err != nil {
		return k, err
	}
	if !a.IsOfficer() || !a.Scope.County(k.HomeCounty) {
		return easyjob.Seeker{}, easyjob.NotFound("seeker")
	}
	return MaskContact(k), nil
}

// Anonymous is a seeker as an employer sees a candidate who has not applied
// to it: what a hiring choice needs — trades, experience, expected pay,
// availability, dorm and meals, education, an age band and the province —
// and nothing that identifies them: no ID characters, phone, birth date,
// age, home county, gender, group, registered-poor or health status, and
// the name cut to its first character ("张**").
func Anonymous(k easyjob.Seeker) easyjob.Seeker {
	province := ""
	if len(k.HomeCounty) >= 2 {
		province = k.HomeCounty[:2] + "0000"
	}
	return easyjob.Seeker{
		ID: k.ID, Name: ident.MaskName(k.Name), Trades: k.Trades, Experience: k.Experience, ExpectedPay: k.ExpectedPay,
		WantsDorm: k.WantsDorm, WantsMeals: k.WantsMeals, AvailableFrom: k.AvailableFrom, Education: k.Education,
		AgeBand: AgeBand(k.Age), Province: province, Masked: true,
	}
}

// AgeBand is a coarse age: "16-25", "26-35", "36-45", "46-55", "56+", or ""
// when unknown.
func AgeBand(age int) string {
	switch {
	case age <= 0:
		return ""
	case age <= 25:
		return "16-25"
	case age <= 35:
		return "26-35"
	case age <= 45:
		return "36-45"
	case age <= 55:
		return "46-55"
	}
	return "56+"
}

func (s *Store) appliedTo(ctx context.Context, seekerID, employerID int64) (bool, error) {
	var n int
	err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM applications a JOIN postings p ON p.id = a.posting_id
		WHERE a.seeker_id = $1 AND p.employer_id = $2`, seekerID, employerID).Scan(&n)
	return n > 0, err
}

// SeekerByIDNumber finds a seeker by the blind index of their ID number (a
// station checks whether someone is already registered).
func (s *Store) SeekerByIDNumber(ctx context.Context, a easyjob.Actor, number string) (_ easyjob.Seeker, err error) {
	defer wrapErr(&err, "store.SeekerByIDNumber")
	if !a.IsOfficer() {
		return easyjob.Seeker{}, Forbidden()
	}
	num, _, _, _, reason := s.Ref.ResidentID(number, s.Clock.Now())
	if reason != "" {
		f := easyjob.Fields{}
		f.Add("id_number", reason)
		return easyjob.Seeker{}, f.Err()
	}
	var id int64
	err = s.DB.R.QueryRowContext(ctx, `SELECT id FROM seekers WHERE id_hash = $1`, s.Sealer.BlindIndex(num)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return easyjob.Seeker{}, easyjob.NotFound("seeker")
	}
	if err != nil {
		return easyjob.Seeker{}, err
	}
	return s.Seeker(ctx, a, id, "")
}

// SeekerFilter narrows an officer's list of seekers.
type SeekerFilter struct {
	ListOptions
	County string
	Health string
	// Query finds seekers by name (a part of it), phone or ID number (the
	// whole number, through the blind indexes).
	Query string
}

// Seekers lists the seekers of an officer's region with their names (an
// officer of the region needs to know whom a line is about) and the ID
// number and phone masked: revealing those (Seeker with a reason) is the
// audited view.
func (s *Store) Seekers(ctx context.Context, a easyjob.Actor, f SeekerFilter) (_ easyjob.Page[easyjob.Seeker], err error) {
	defer wrapErr(&err, "store.Seekers")
	var empty easyjob.Page[easyjob.Seeker]
	if !a.IsOfficer() {
		return empty, Forbidden()
	}
	after, err := decodeCursor(f.Cursor)
	if err != nil {
		return empty, err
	}
	var w Where
	w.Add("s.id > ?", after)
	w.Scope(a.Scope, "s.home_county", "")
	if f.County != "" {
		w.Add("s.home_county = ?", f.County)
	}
	if f.Health != "" {
		w.Add("s.health = ?", f.Health)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		id := strings.ToUpper(strings.ReplaceAll(q, " ", ""))
		if phone, err := ident.ParsePhone(q); err == nil {
			w.Add("s.phone_hash = ?", s.Sealer.BlindIndex(phone))
		} else if len(id) == 18 {
			w.Add("s.id_hash = ?", s.Sealer.BlindIndex(id))
		} else {
			w.Add(`s.name LIKE ? ESCAPE '\'`, "%"+likeEscape(q)+"%")
		}
	}
	q := `SELECT ` + seekerCols + ` FROM seekers s` + w.SQL() + " ORDER BY s.id LIMIT " + w.Arg(f.limit()+1)
	rows, err := s.DB.R.QueryContext(ctx, q, w.Args()...)
	if err != nil {
		return empty, err
	}
	defer rows.Close()
	var out []easyjob.Seeker
	for rows.Next() {
		k, err := s.scanSeeker(rows)
		if err != nil {
			return empty, err
		}
		out = append(out, MaskContact(k))
	}
	return page(out, f.limit(), func(k easyjob.Seeker) int64 { return k.ID }), rows.Err()
}

// Audit records that a viewed a seeker's personal data, and why.
func (s *Store) Audit(ctx context.Context, a easyjob.Actor, seekerID int64, action, reason string) (err error) {
	defer wrapErr(&err, "store.Audit", "seekerID", seekerID)
	return s.audit(ctx, a, seekerID, action, reason)
}

func (s *Store) audit(ctx context.Context, a easyjob.Actor, seekerID int64, action, reason string) error {
	_, err := s.DB.W.ExecContext(ctx, `INSERT INTO audit_log (actor_id, seeker_id, action, reason, at) VALUES ($1, $2, $3, $4, $5)`,
		a.UserID, seekerID, action, reason, s.now())
	return err
}

// AuditLog lists the views of a seeker's personal data, newest first:
// admins, the officers of the seeker's region, and the seeker themselves.
func (s *Store) AuditLog(ctx context.Context, a easyjob.Actor, seekerID int64) (_ []easyjob.AuditEntry, err error) {
	defer wrapErr(&err, "store.AuditLog", "seekerID", seekerID)
	k, err := s.seekerRow(ctx, seekerID)
	if err != nil {
		return nil, err
	}
	if !(a.Role == easyjob.RoleSeeker && a.SeekerID == seekerID) && !(a.IsOfficer() && a.Scope.County(k.HomeCounty)) {
		return nil, Forbidden()
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, actor_id, seeker_id, action, reason, at FROM audit_log
		WHERE seeker_id = $1 ORDER BY id DESC LIMIT 500`, seekerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []easyjob.AuditEntry{}
	for rows.Next() {
		var e easyjob.AuditEntry
		var at int64
		if err := rows.Scan(&e.ID, &e.ActorID, &e.SeekerID, &e.Action, &e.Reason, &at); err != nil {
			return nil, err
		}
		e.At = easyjob.FromMillis(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// likeEscape escapes LIKE's wildcards (with ESCAPE '\').
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
