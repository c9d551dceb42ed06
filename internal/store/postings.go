package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"unique"

	"easyjob/internal/easyjob"
)

// refusedError turns refusing checks into field errors.
func refusedError(checks []easyjob.Check) error {
	f := easyjob.Fields{}
	for _, c := range checks {
		if c.Severity == easyjob.CheckRefused {
			f.Add(c.Field, c.Key, flatten(c.Args)...)
		}
	}
	return f.Err()
}

func flatten(m map[string]any) []any {
	var kv []any
	for k, v := range m {
		kv = append(kv, k, v)
	}
	return kv
}

// CreatePosting validates and checks a posting and submits it for review.
// A posting that a check refuses (pay below the minimum wage) is not written.
func (s *Store) CreatePosting(ctx context.Context, a easyjob.Actor, employerID int64, in easyjob.PostingInput) (_ easyjob.Posting, err error) {
	defer wrapErr(&err, "store.CreatePosting", "employerID", employerID)
	if !(a.Role == easyjob.RoleEmployer && a.EmployerID == employerID) {
		e, err := s.Employer(ctx, employerID)
		if err != nil {
			return easyjob.Posting{}, err
		}
		if !a.Scope.District(e.District) {
			return easyjob.Posting{}, Forbidden()
		}
	}
	if err := in.Validate(s.Ref, s.today()); err != nil {
		return easyjob.Posting{}, err
	}
	checks := easyjob.CheckPosting(in, s.MinWage)
	if easyjob.Refused(checks) {
		return easyjob.Posting{}, refusedError(checks)
	}
	id, err := insertPosting(ctx, s.DB.W, employerID, in, checks, s.now())
	if err != nil {
		return easyjob.Posting{}, err
	}
	return s.Posting(ctx, a, id)
}

// queryRower is a *sql.DB or a *sql.Tx.
type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// insertPosting writes a checked posting pending review, on the database or
// inside the caller's transaction.
func insertPosting(ctx context.Context, q queryRower, employerID int64, in easyjob.PostingInput, checks []easyjob.Check, now int64) (int64, error) {
	cj, _ := json.Marshal(checks)
	var id int64
	err := q.QueryRowContext(ctx, `INSERT INTO postings (employer_id, title, occupation, headcount, pay_min, pay_max,
		piece_rate, overtime_rule, pay_day, probation_months, dorm, meals, shift, social_insurance, start_date,
		closing_date, district, street, address, age_min, age_max, description, status, checks, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $25)
		RETURNING id`,
		employerID, in.Title, in.Occupation, in.Headcount, in.PayMin, in.PayMax, in.PieceRate, in.OvertimeRule,
		in.PayDay, in.ProbationMonths, in.Dorm, in.Meals, in.Shift, in.SocialInsurance, in.StartDate, in.ClosingDate,
		in.District, in.Street, in.Address, in.AgeMin, in.AgeMax, in.Description, string(easyjob.PostingPending),
		string(cj), now).Scan(&id)
	return id, err
}

// UpdatePosting replaces a posting's fields; it goes back to review. The
// headcount cannot drop below the places already taken.
func (s *Store) UpdatePosting(ctx context.Context, a easyjob.Actor, id int64, in easyjob.PostingInput) (_ easyjob.Posting, err error) {
	defer wrapErr(&err, "store.UpdatePosting", "id", id)
	p, err := s.Posting(ctx, a, id)
	if err != nil {
		return p, err
	}
	if !s.canManagePosting(a, p) {
		return p, Forbidden()
	}
	if p.Status == easyjob.PostingClosed {
		return p, easyjob.Errorf(easyjob.ECONFLICT, "posting.closed")
	}
	if err := in.Validate(s.Ref, s.today()); err != nil {
		return p, err
	}
	checks := easyjob.CheckPosting(in, s.MinWage)
	if easyjob.Refused(checks) {
		return p, refusedError(checks)
	}
	cj, _ := json.Marshal(checks)
	res, err := s.DB.W.ExecContext(ctx, `UPDATE postings SET title = $1, occupation = $2, headcount = $3, pay_min = $4,
		pay_max = $5, piece_rate = $6, overtime_rule = $7, pay_day = $8, probation_months = $9, dorm = $10, meals = $11,
		shift = $12, social_insurance = $13, start_date = $14, closing_date = $15, district = $16, street = $17,
		address = $18, age_min = $19, age_max = $20, description = $21, status = $22, checks = $23, updated_at = $24
		WHERE id = $25 AND filled <= $3`,
		in.Title, in.Occupation, in.Headcount, in.PayMin, in.PayMax, in.PieceRate, in.OvertimeRule, in.PayDay,
		in.ProbationMonths, in.Dorm, in.Meals, in.Shift, in.SocialInsurance, in.StartDate, in.ClosingDate, in.District,
		in.Street, in.Address, in.AgeMin, in.AgeMax, in.Description, string(easyjob.PostingPending), string(cj), s.now(), id)
	if err != nil {
		return p, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		f := easyjob.Fields{}
		f.Add("headcount", "posting.headcount_below_filled", "filled", p.Filled)
		return p, f.Err()
	}
	s.changed("posting", id)
	return s.Posting(ctx, a, id)
}

func (s *Store) canManagePosting(a easyjob.Actor, p easyjob.Posting) bool {
	return (a.Role == easyjob.RoleEmployer && a.EmployerID == p.EmployerID) || a.Scope.District(p.District)
}

// ReviewPosting records an officer's decision: "approve" publishes (the
// employer must be verified), "return" sends it back with a comment.
func (s *Store) ReviewPosting(ctx context.Context, a easyjob.Actor, id int64, decision, comment string) (_ easyjob.Posting, err error) {
	defer wrapErr(&err, "store.ReviewPosting", "id", id)
	p, err := s.Posting(ctx, a, id)
	if err != nil {
		return p, err
	}
	if !a.IsOfficer() || !a.Scope.District(p.District) {
		return p, Forbidden()
	}
	comment = strings.TrimSpace(comment)
	f := easyjob.Fields{}
	var status easyjob.PostingStatus
	switch decision {
	case "approve":
		status = easyjob.PostingPublished
	case "return":
		status = easyjob.PostingReturned
		if comment == "" {
			f.Add("comment", "review.comment_required")
		}
	default:
		f.Add("decision", "review.decision")
	}
	if err := f.Err(); err != nil {
		return p, err
	}
	if p.Status != easyjob.PostingPending {
		return p, easyjob.Errorf(easyjob.ECONFLICT, "posting.not_pending")
	}
	if status == easyjob.PostingPublished && !p.EmployerOK {
		return p, easyjob.Errorf(easyjob.ECONFLICT, "posting.employer_unverified")
	}
	err = s.Tx(ctx, func(tx *Tx) error {
		var pub int64
		if status == easyjob.PostingPublished {
			pub = tx.At
		}
		res, err := tx.ExecContext(ctx, `UPDATE postings SET status = $1, published_at = $2, updated_at = $3
			WHERE id = $4 AND status = $5`, string(status), pub, tx.At, id, string(easyjob.PostingPending))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return easyjob.Errorf(easyjob.ECONFLICT, "posting.not_pending")
		}
		return s.review(ctx, tx, a, "posting", id, decision, comment)
	})
	if err != nil {
		return p, err
	}
	s.changed("posting", id)
	return s.Posting(ctx, a, id)
}

// ClosePosting stops a posting taking applications; those in progress go on.
func (s *Store) ClosePosting(ctx context.Context, a easyjob.Actor, id int64) (_ easyjob.Posting, err error) {
	defer wrapErr(&err, "store.ClosePosting", "id", id)
	p, err := s.Posting(ctx, a, id)
	if err != nil {
		return p, err
	}
	if !s.canManagePosting(a, p) {
		return p, Forbidden()
	}
	if _, err := s.DB.W.ExecContext(ctx, `UPDATE postings SET status = 'closed', updated_at = $1 WHERE id = $2`, s.now(), id); err != nil {
		return p, err
	}
	s.changed("posting", id)
	return s.Posting(ctx, a, id)
}

const postingCols = `p.id, p.employer_id, e.name, e.verified, p.title, p.occupation, p.headcount, p.filled, p.pending,
	p.pay_min, p.pay_max, p.piece_rate, p.overtime_rule, p.pay_day, p.probation_months, p.dorm, p.meals, p.shift,
	p.social_insurance, p.start_date, p.closing_date, p.district, p.street, p.address, p.age_min, p.age_max,
	p.description, p.status, p.checks, p.created_at, p.updated_at, p.published_at`

func scanPosting(row interface{ Scan(...any) error }) (easyjob.Posting, error) {
	var p easyjob.Posting
	var status, checks string
	var cat, uat, pat int64
	err := row.Scan(&p.ID, &p.EmployerID, &p.EmployerName, &p.EmployerOK, &p.Title, &p.Occupation, &p.Headcount,
		&p.Filled, &p.Pending, &p.PayMin, &p.PayMax, &p.PieceRate, &p.OvertimeRule, &p.PayDay, &p.ProbationMonths,
		&p.Dorm, &p.Meals, &p.Shift, &p.SocialInsurance, &p.StartDate, &p.ClosingDate, &p.District, &p.Street,
		&p.Address, &p.AgeMin, &p.AgeMax, &p.Description, &status, &checks, &cat, &uat, &pat)
	if err != nil {
		return p, err
	}
	p.Status = easyjob.PostingStatus(status)
	p.CreatedAt, p.UpdatedAt, p.PublishedAt = easyjob.FromMillis(cat), easyjob.FromMillis(uat), easyjob.FromMillis(pat)
	json.Unmarshal([]byte(checks), &p.Checks)
	if p.Checks == nil {
		p.Checks = []easyjob.Check{}
	}
	return p, nil
}

// Posting returns a posting. Published postings are public; others only to
// their employer and the officers of their district.
func (s *Store) Posting(ctx context.Context, a easyjob.Actor, id int64) (_ easyjob.Posting, err error) {
	defer wrapErr(&err, "store.Posting", "id", id)
	// A published posting is answered from the matching index, which
	// follows every change made here at once and other processes' within a
	// second; anything else (drafts, returned, closed) from the database.
	if m := s.Matching; m != nil && m.IsBuilt() {
		if p, ok := m.posting(id); ok && p.Status == easyjob.PostingPublished {
			return p, nil
		}
	}
	p, err := scanPosting(s.DB.R.QueryRowContext(ctx, `SELECT `+postingCols+`
		FROM postings p JOIN employers e ON e.id = p.employer_id WHERE p.id = $1`, id))
	if err != nil {
		return p, NotFound(err, "posting")
	}
	if p.Status != easyjob.PostingPublished && p.Status != easyjob.PostingClosed && !s.canManagePosting(a, p) {
		return easyjob.Posting{}, easyjob.NotFound("posting")
	}
	return p, nil
}

// PostingFilter narrows a list of postings.
type PostingFilter struct {
	ListOptions
	EmployerID int64
	Status     easyjob.PostingStatus
	District   string
}

// Postings lists postings: an employer's own, an officer's region (for
// review queues), or the published ones for everyone else.
func (s *Store) Postings(ctx context.Context, a easyjob.Actor, f PostingFilter) (_ easyjob.Page[easyjob.Posting], err error) {
	defer wrapErr(&err, "store.Postings")
	var empty easyjob.Page[easyjob.Posting]
	after, err := decodeCursor(f.Cursor)
	if err != nil {
		return empty, err
	}
	var w Where
	w.Add("p.id > ?", after)
	switch {
	case a.Role == easyjob.RoleEmployer:
		w.Add("p.employer_id = ?", a.EmployerID)
	case a.IsOfficer():
		w.Scope(a.Scope, "", "p.district")
	default:
		w.Add("p.status = ?", string(easyjob.PostingPublished))
	}
	if f.EmployerID > 0 {
		w.Add("p.employer_id = ?", f.EmployerID)
	}
	if f.Status != "" {
		w.Add("p.status = ?", string(f.Status))
	}
	if f.District != "" {
		w.Add("p.district = ?", f.District)
	}
	q := `SELECT ` + postingCols + ` FROM postings p JOIN employers e ON e.id = p.employer_id` + w.SQL() + ` ORDER BY p.id LIMIT ` + w.Arg(f.limit()+1)
	rows, err := s.DB.R.QueryContext(ctx, q, w.Args()...)
	if err != nil {
		return empty, err
	}
	defer rows.Close()
	var out []easyjob.Posting
	for rows.Next() {
		p, err := scanPosting(rows)
		if err != nil {
			return empty, err
		}
		out = append(out, p)
	}
	return page(out, f.limit(), func(p easyjob.Posting) int64 { return p.ID }), rows.Err()
}

// compactPosting makes a posting kept in memory cheap for the garbage
// collector: its texts become substrings of one string (one object instead
// of up to ten), and its status and the names of its checks the one shared
// copy of each value. Every two minutes an idle server's forced collection
// marks the whole heap, and the live postings' strings were a quarter of
// its objects (issue #11: 840,000 at 100,000 postings).
func compactPosting(p *easyjob.Posting) {
	texts := [...]*string{&p.EmployerName, &p.Title, &p.Occupation, &p.PieceRate, &p.OvertimeRule,
		&p.Shift, &p.District, &p.Street, &p.Address, &p.Description}
	n := 0
	for _, s := range texts {
		n += len(*s)
	}
	var b strings.Builder
	b.Grow(n)
	for _, s := range texts {
		b.WriteString(*s)
	}
	all, at := b.String(), 0
	for _, s := range texts {
		l := len(*s)
		*s = all[at : at+l]
		at += l
	}
	p.Status = easyjob.PostingStatus(unique.Make(string(p.Status)).Value())
	for i := range p.Checks {
		c := &p.Checks[i]
		c.Rule, c.Severity = unique.Make(c.Rule).Value(), unique.Make(c.Severity).Value()
		c.Field, c.Key = unique.Make(c.Field).Value(), unique.Make(c.Key).Value()
	}
}
