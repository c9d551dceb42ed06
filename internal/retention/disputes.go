package retention

import (
	"context"
	"regexp"
	"strings"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/store"
)

// DisputeStatus is where a wage-arrears report or another dispute stands.
type DisputeStatus string

// Dispute statuses, as stored in disputes.status. They follow from the
// replies: open → in hand → resolved paid / resolved not paid / referred to
// labour arbitration.
const (
	DisputeOpen        DisputeStatus = "open"
	DisputeInHand      DisputeStatus = "in_hand"
	DisputePaid        DisputeStatus = "resolved_paid"
	DisputeUnpaid      DisputeStatus = "resolved_unpaid"
	DisputeArbitration DisputeStatus = "arbitration"
)

// Pending tells whether the dispute still waits for a resolution.
func (s DisputeStatus) Pending() bool { return s == DisputeOpen || s == DisputeInHand }

// Dispute kinds.
const (
	Arrears      = "arrears" // unpaid wages
	OtherDispute = "other"
)

// Dispute is one report against an employer.
type Dispute struct {
	ID            int64         `json:"id"`
	ApplicationID int64         `json:"application_id"`
	EmployerID    int64         `json:"employer_id"`
	EmployerName  string        `json:"employer_name"`
	SeekerName    string        `json:"seeker_name,omitempty"`
	County        string        `json:"county"`
	District      string        `json:"district"`
	Kind          string        `json:"kind"`
	Amount        int           `json:"amount"`
	Months        []string      `json:"months"`
	Description   string        `json:"description"`
	Status        DisputeStatus `json:"status"`
	Deadline      easyjob.Date  `json:"deadline"`
	Escalated     bool          `json:"escalated"`
	Overdue       bool          `json:"overdue"`
	CreatedAt     time.Time     `json:"created_at"`
	Replies       []Reply       `json:"replies,omitempty"`
}

// Reply is one step of a dispute.
type Reply struct {
	ActorRole easyjob.Role  `json:"actor_role"`
	Action    string        `json:"action"`
	Status    DisputeStatus `json:"status"`
	Note      string        `json:"note"`
	At        time.Time     `json:"at"`
}

// DisputeInput is a report.
type DisputeInput struct {
	ApplicationID int64    `json:"application_id"`
	Kind          string   `json:"kind"`   // arrears or other
	Amount        int      `json:"amount"` // CNY owed (arrears)
	Months        []string `json:"months"` // YYYY-MM the wages are for
	Description   string   `json:"description"`
}

var monthRE = regexp.MustCompile(`^20[0-9]{2}-(0[1-9]|1[0-2])$`)

// WorkingDays is the date n working days (Monday to Friday) after d.
func WorkingDays(d easyjob.Date, n int) easyjob.Date {
	for n > 0 {
		d = d.AddDays(1)
		if wd := d.Time().Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return d
}

// Report records a dispute by the worker (their own application) or the
// station officer of the worker's county, any time after an offer. It goes
// to the officers of the employer's district with a deadline, and to the
// employer.
func (s *Service) Report(ctx context.Context, a easyjob.Actor, in DisputeInput) (_ Dispute, err error) {
	defer func() { err = store.Wrap(err, "retention.Report", "appID", in.ApplicationID) }()
	var x struct {
		seeker, employer int64
		county, district string
		offer            easyjob.Date
	}
	err = s.S.DB.R.QueryRowContext(ctx, `SELECT a.seeker_id, p.employer_id, k.home_county, p.district, a.offer_start
		FROM applications a JOIN postings p ON p.id = a.posting_id JOIN seekers k ON k.id = a.seeker_id WHERE a.id = $1`,
		in.ApplicationID).Scan(&x.seeker, &x.employer, &x.county, &x.district, &x.offer)
	if err != nil {
		return Dispute{}, store.NotFound(err, "application")
	}
	switch {
	case a.Role == easyjob.RoleSeeker && a.SeekerID == x.seeker:
	case a.IsOfficer() && a.Scope.County(x.county):
	default:
		return Dispute{}, store.Forbidden()
	}
	in.Description = strings.TrimSpace(in.Description)
	f := easyjob.Fields{}
	if in.Kind != Arrears && in.Kind != OtherDispute {
		f.Add("kind", "retention.choice")
	}
	if in.Amount < 0 {
		f.Add("amount", "retention.amount_negative")
	} else if in.Kind == Arrears && in.Amount == 0 {
		f.Add("amount", "field.required")
	}
	if in.Kind == Arrears && len(in.Months) == 0 {
		f.Add("months", "field.required")
	}
	for _, m := range in.Months {
		if !monthRE.MatchString(m) {
			f.Add("months", "retention.choice")
			break
		}
	}
	if len([]rune(in.Description)) > 1000 {
		f.Add("description", "field.too_long", "max", 1000)
	}
	if err := f.Err(); err != nil {
		return Dispute{}, err
	}
	if x.offer.IsZero() {
		return Dispute{}, easyjob.Errorf(easyjob.ECONFLICT, "dispute.no_offer")
	}
	var id int64
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		deadline := WorkingDays(tx.Today(), s.Cfg.DisputeDays)
		err := tx.QueryRowContext(ctx, `INSERT INTO disputes (application_id, employer_id, county, district, kind, amount, months,
			description, status, deadline, reporter_id, reporter_role, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9, $10, $11, $12, $12) RETURNING id`,
			in.ApplicationID, x.employer, x.county, x.district, in.Kind, in.Amount, strings.Join(in.Months, ","),
			in.Description, deadline.String(), a.UserID, string(a.Role), tx.At).Scan(&id)
		if err != nil {
			return err
		}
		if err := s.reply(ctx, tx, id, a, "report", DisputeOpen, in.Description); err != nil {
			return err
		}
		return s.event(ctx, tx, in.ApplicationID, 0, id, "dispute_report", a, in.Kind)
	})
	if err != nil {
		return Dispute{}, err
	}
	return s.Dispute(ctx, a, id)
}

func (s *Service) reply(ctx context.Context, tx *store.Tx, id int64, a easyjob.Actor, action string, st DisputeStatus, note string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO dispute_replies (dispute_id, actor_id, actor_role, action, status, note, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, a.UserID, string(a.Role), action, string(st), note, tx.At)
	return err
}

const disputeCols = `d.id, d.application_id, d.employer_id, e.name, k.name, d.county, d.district, d.kind, d.amount, d.months,
	d.description, d.status, d.deadline, d.escalated_at, d.created_at, a.seeker_id`

const disputeFrom = ` FROM disputes d JOIN employers e ON e.id = d.employer_id JOIN applications a ON a.id = d.application_id
	JOIN seekers k ON k.id = a.seeker_id`

func (s *Service) scanDispute(r store.Scanner) (disputeRow, error) {
	var d disputeRow
	var months, st string
	var esc, at int64
	err := r.Scan(&d.ID, &d.ApplicationID, &d.EmployerID, &d.EmployerName, &d.SeekerName, &d.County, &d.District, &d.Kind,
		&d.Amount, &months, &d.Description, &st, &d.Deadline, &esc, &at, &d.seeker)
	d.Months = []string{}
	if months != "" {
		d.Months = strings.Split(months, ",")
	}
	d.Status, d.Escalated, d.CreatedAt = DisputeStatus(st), esc > 0, easyjob.FromMillis(at)
	d.Overdue = d.Status.Pending() && d.Deadline.Before(s.S.Today())
	return d, err
}

type disputeRow struct {
	Dispute
	seeker int64
}

// mayReadDispute: the worker, the employer, officers of the worker's county
// or the employer's district (city officers see all).
func mayReadDispute(a easyjob.Actor, d disputeRow) bool {
	switch {
	case a.Role == easyjob.RoleSeeker:
		return a.SeekerID != 0 && a.SeekerID == d.seeker
	case a.Role == easyjob.RoleEmployer:
		return a.EmployerID != 0 && a.EmployerID == d.EmployerID
	case a.IsOfficer():
		return a.Scope.County(d.County) || a.Scope.District(d.District)
	}
	return false
}

// Dispute returns one dispute with every step, to those who may see it.
func (s *Service) Dispute(ctx context.Context, a easyjob.Actor, id int64) (_ Dispute, err error) {
	defer func() { err = store.Wrap(err, "retention.Dispute", "id", id) }()
	d, err := s.scanDispute(s.S.DB.R.QueryRowContext(ctx, `SELECT `+disputeCols+disputeFrom+` WHERE d.id = $1`, id))
	if err != nil {
		return Dispute{}, store.NotFound(err, "dispute")
	}
	if !mayReadDispute(a, d) {
		return Dispute{}, store.Forbidden()
	}
	if a.Role == easyjob.RoleSeeker {
		d.SeekerName = ""
	}
	d.Replies, err = store.Select(ctx, s.S.DB.R, func(r store.Scanner) (Reply, error) {
		var x Reply
		var role, st string
		var at int64
		err := r.Scan(&role, &x.Action, &st, &x.Note, &at)
		x.ActorRole, x.Status, x.At = easyjob.Role(role), DisputeStatus(st), easyjob.FromMillis(at)
		return x, err
	}, `SELECT actor_role, action, status, note, at FROM dispute_replies WHERE dispute_id = $1 ORDER BY id`, id)
	return d.Dispute, err
}

// ReplyInput is a reply to a dispute.
type ReplyInput struct {
	// Action: employer "reply"; officer "take", "resolved_paid",
	// "resolved_unpaid", "arbitration" or "note"; worker "confirm_paid" or
	// "note".
	Action string `json:"action"`
	Note   string `json:"note"`
}

// Answer a dispute. The status follows from the reply: the employer's
// reply or an officer taking it puts it in hand; an officer resolves it
// (paid, not paid) or refers it to labour arbitration; the worker can say
// they were paid.
func (s *Service) ReplyDispute(ctx context.Context, a easyjob.Actor, id int64, in ReplyInput) (_ Dispute, err error) {
	defer func() { err = store.Wrap(err, "retention.ReplyDispute", "id", id) }()
	d, err := s.scanDispute(s.S.DB.R.QueryRowContext(ctx, `SELECT `+disputeCols+disputeFrom+` WHERE d.id = $1`, id))
	if err != nil {
		return Dispute{}, store.NotFound(err, "dispute")
	}
	if !mayReadDispute(a, d) {
		return Dispute{}, store.Forbidden()
	}
	in.Note = strings.TrimSpace(in.Note)
	if len([]rune(in.Note)) > 1000 {
		f := easyjob.Fields{}
		f.Add("note", "field.too_long", "max", 1000)
		return Dispute{}, f.Err()
	}
	to := d.Status
	switch {
	case in.Action == "note":
	case a.Role == easyjob.RoleEmployer && in.Action == "reply":
		if to == DisputeOpen {
			to = DisputeInHand
		}
	case a.IsOfficer() && a.Scope.District(d.District) && in.Action == "take":
		to = DisputeInHand
	case a.IsOfficer() && a.Scope.District(d.District) && in.Action == string(DisputePaid),
		a.IsOfficer() && a.Scope.District(d.District) && in.Action == string(DisputeUnpaid),
		a.IsOfficer() && a.Scope.District(d.District) && in.Action == string(DisputeArbitration):
		to = DisputeStatus(in.Action)
	case a.Role == easyjob.RoleSeeker && in.Action == "confirm_paid":
		to = DisputePaid
	case a.IsOfficer() && (in.Action == "take" || strings.HasPrefix(in.Action, "resolved") || in.Action == "arbitration"):
		return Dispute{}, store.Forbidden() // only the employer's district decides
	default:
		f := easyjob.Fields{}
		f.Add("action", "retention.choice")
		return Dispute{}, f.Err()
	}
	if !d.Status.Pending() && in.Action != "note" {
		return Dispute{}, easyjob.Errorf(easyjob.ECONFLICT, "dispute.closed")
	}
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE disputes SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4`,
			string(to), tx.At, id, string(d.Status))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return easyjob.Errorf(easyjob.ECONFLICT, "dispute.changed")
		}
		if err := s.reply(ctx, tx, id, a, in.Action, to, in.Note); err != nil {
			return err
		}
		return s.event(ctx, tx, d.ApplicationID, 0, id, "dispute_"+in.Action, a, string(to))
	})
	if err != nil {
		return Dispute{}, err
	}
	return s.Dispute(ctx, a, id)
}

// DisputeFilter narrows a list of disputes.
type DisputeFilter struct {
	store.ListOptions
	Pending    bool  // open or in hand
	Escalated  bool  // overdue and escalated to the city
	EmployerID int64 // one employer's
}

// Disputes lists the disputes the actor may see, newest first.
func (s *Service) Disputes(ctx context.Context, a easyjob.Actor, f DisputeFilter) (_ easyjob.Page[Dispute], err error) {
	defer func() { err = store.Wrap(err, "retention.Disputes", "user", a.UserID) }()
	var empty easyjob.Page[Dispute]
	before, err := store.DecodeCursor(f.Cursor)
	if err != nil {
		return empty, err
	}
	var w store.Where
	switch {
	case a.Role == easyjob.RoleSeeker:
		w.Add("a.seeker_id = ?", a.SeekerID)
	case a.Role == easyjob.RoleEmployer:
		w.Add("d.employer_id = ?", a.EmployerID)
	case a.IsOfficer():
		w.Scope(a.Scope, "d.county", "d.district")
	default:
		return empty, store.Forbidden()
	}
	if before > 0 {
		w.Add("d.id < ?", before)
	}
	if f.Pending {
		w.Add("d.status IN ('open', 'in_hand')")
	}
	if f.Escalated {
		w.Add("d.escalated_at > 0")
	}
	if f.EmployerID > 0 {
		w.Add("d.employer_id = ?", f.EmployerID)
	}
	limit := 20
	if f.Limit > 0 && f.Limit <= 100 {
		limit = f.Limit
	}
	rows, err := store.Select(ctx, s.S.DB.R, s.scanDispute, `SELECT `+disputeCols+disputeFrom+w.SQL()+
		` ORDER BY d.id DESC LIMIT `+w.Arg(limit+1), w.Args()...)
	if err != nil {
		return empty, err
	}
	p := easyjob.Page[Dispute]{Items: []Dispute{}}
	for i, d := range rows {
		if i == limit {
			p.NextCursor = store.EncodeCursor(rows[limit-1].ID)
			break
		}
		if a.Role == easyjob.RoleSeeker {
			d.SeekerName = ""
		}
		p.Items = append(p.Items, d.Dispute)
	}
	return p, nil
}

// OpenArrears counts an employer's unresolved wage-arrears reports: the
// flag shown to officers and in its postings' review.
func (s *Service) OpenArrears(ctx context.Context, employerID int64) (n int, err error) {
	err = s.S.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM disputes WHERE employer_id = $1 AND kind = 'arrears'
		AND status IN ('open', 'in_hand')`, employerID).Scan(&n)
	return n, store.Wrap(err, "retention.OpenArrears", "employer", employerID)
}

// EscalateDisputes sends the disputes past their deadline to the city,
// once each.
func (s *Service) EscalateDisputes(ctx context.Context) (n int, err error) {
	today := s.S.Today().String()
	type row struct {
		id, app int64
		status  string
	}
	rows, err := store.Select(ctx, s.S.DB.R, func(r store.Scanner) (row, error) {
		var x row
		return x, r.Scan(&x.id, &x.app, &x.status)
	}, `SELECT id, application_id, status FROM disputes WHERE status IN ('open', 'in_hand') AND deadline < $1 AND escalated_at = 0
		ORDER BY id`, today)
	if err != nil || len(rows) == 0 {
		return 0, err
	}
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		for _, x := range rows {
			res, err := tx.ExecContext(ctx, `UPDATE disputes SET escalated_at = $1 WHERE id = $2 AND escalated_at = 0`, tx.At, x.id)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				continue
			}
			if err := s.reply(ctx, tx, x.id, system, "escalated", DisputeStatus(x.status), ""); err != nil {
				return err
			}
			if err := s.event(ctx, tx, x.app, 0, x.id, "dispute_escalated", system, "city"); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
