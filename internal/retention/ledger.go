package retention

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"strings"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/export"
	"easyjob/internal/store"
)

// Subsidy conditions a rule can name.
const (
	PoorRetained90 = "poor_retained_90" // a registered-poor worker retained 90 days
	CharterRider   = "charter_rider"    // the worker rode a charter and arrived
)

// Payees.
const (
	PayEmployer = "employer"
	PayWorker   = "worker"
)

// Rule is a subsidy rule: data with validity dates.
type Rule struct {
	ID         int64        `json:"id"`
	Code       string       `json:"code"`
	Name       string       `json:"name"`
	Payee      string       `json:"payee"`  // employer or worker
	Amount     int          `json:"amount"` // CNY per placement
	Condition  string       `json:"condition"`
	BudgetLine string       `json:"budget_line"`
	ValidFrom  easyjob.Date `json:"valid_from"`
	ValidTo    easyjob.Date `json:"valid_to"`
	Note       string       `json:"note"` // the source, and which figures are assumptions
}

// ClaimStatus is where a claim stands.
type ClaimStatus string

// Claim statuses: claimed → approved → paid, or rejected.
const (
	Claimed  ClaimStatus = "claimed"
	Approved ClaimStatus = "approved"
	Paid     ClaimStatus = "paid"
	Rejected ClaimStatus = "rejected"
)

// Approvable tells whether an officer may approve the claim.
func (s ClaimStatus) Approvable() bool { return s == Claimed }

// Payable tells whether a payment may be recorded.
func (s ClaimStatus) Payable() bool { return s == Approved }

// Rejectable tells whether the claim may still be rejected.
func (s ClaimStatus) Rejectable() bool { return s == Claimed || s == Approved }

// Claim is one claim of a rule for a placement.
type Claim struct {
	ID            int64       `json:"id"`
	Rule          string      `json:"rule"`
	RuleName      string      `json:"rule_name"`
	ApplicationID int64       `json:"application_id"`
	Amount        int         `json:"amount"`
	Payee         string      `json:"payee"`
	County        string      `json:"county"`
	District      string      `json:"district"`
	Status        ClaimStatus `json:"status"`
	CreatedAt     time.Time   `json:"created_at"`
}

// Entry is one line of the append-only ledger.
type Entry struct {
	ID            int64     `json:"id"`
	ClaimID       int64     `json:"claim_id"`
	Rule          string    `json:"rule"`
	ApplicationID int64     `json:"application_id"`
	Kind          string    `json:"kind"` // claimed, approved, paid, rejected
	Amount        int       `json:"amount"`
	Reference     string    `json:"reference,omitempty"`
	PaidOn        string    `json:"paid_on,omitempty"`
	Reason        string    `json:"reason,omitempty"`
	Reverses      int64     `json:"reverses,omitempty"`
	County        string    `json:"county"`
	District      string    `json:"district"`
	Month         string    `json:"month"`
	ActorID       int64     `json:"actor_id"`
	ActorRole     string    `json:"actor_role"`
	At            time.Time `json:"at"`
}

// AddRule adds a subsidy rule (admins and city officers).
func (s *Service) AddRule(ctx context.Context, a easyjob.Actor, r Rule) (_ Rule, err error) {
	defer func() { err = store.Wrap(err, "retention.AddRule") }()
	if !a.IsCityWide() {
		return Rule{}, store.Forbidden()
	}
	f := easyjob.Fields{}
	if strings.TrimSpace(r.Code) == "" {
		f.Add("code", "field.required")
	}
	if r.Payee != PayEmployer && r.Payee != PayWorker {
		f.Add("payee", "retention.choice")
	}
	if r.Amount <= 0 {
		f.Add("amount", "retention.amount_positive")
	}
	if r.Condition != PoorRetained90 && r.Condition != CharterRider {
		f.Add("condition", "retention.choice")
	}
	if r.ValidFrom.IsZero() || r.ValidTo.IsZero() || r.ValidTo.Before(r.ValidFrom) {
		f.Add("valid_to", "retention.choice")
	}
	if err := f.Err(); err != nil {
		return Rule{}, err
	}
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO subsidy_rules (code, name, payee, amount, condition, budget_line, valid_from,
			valid_to, note, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			r.Code, r.Name, r.Payee, r.Amount, r.Condition, r.BudgetLine, r.ValidFrom, r.ValidTo, r.Note, tx.At).Scan(&r.ID)
	})
	if _, ok := store.UniqueViolation(err); ok {
		return Rule{}, easyjob.Errorf(easyjob.ECONFLICT, "subsidy.rule_exists")
	}
	return r, err
}

const ruleCols = `id, code, name, payee, amount, condition, budget_line, valid_from, valid_to, note`

func scanRule(r store.Scanner) (Rule, error) {
	var x Rule
	err := r.Scan(&x.ID, &x.Code, &x.Name, &x.Payee, &x.Amount, &x.Condition, &x.BudgetLine, &x.ValidFrom, &x.ValidTo, &x.Note)
	return x, err
}

// Rules lists the subsidy rules.
func (s *Service) Rules(ctx context.Context) ([]Rule, error) {
	xs, err := store.Select(ctx, s.S.DB.R, scanRule, `SELECT `+ruleCols+` FROM subsidy_rules ORDER BY id`)
	return xs, store.Wrap(err, "retention.Rules")
}

// ClaimKey names a claim to be made.
type ClaimKey struct {
	Rule          string
	ApplicationID int64
}

// metCondition is the SQL for "the application meets the rule's
// condition", over applications a and seekers k.
var metCondition = map[string]string{
	PoorRetained90: `k.poor = TRUE AND a.state IN ('retained_90', 'retained_180')`,
	CharterRider: `a.state IN ('arrived', 'onboarded', 'retained_30', 'retained_90', 'retained_180', 'separated', 'left')
		AND EXISTS (SELECT 1 FROM charter_seats cs WHERE cs.application_id = a.id AND cs.status = 'boarded')`,
}

// ClaimsDue lists the placements that meet a rule valid today and have no
// claim of it yet.
func (s *Service) ClaimsDue(ctx context.Context) (_ []ClaimKey, err error) {
	defer func() { err = store.Wrap(err, "retention.ClaimsDue") }()
	rules, err := s.Rules(ctx)
	if err != nil {
		return nil, err
	}
	today := s.S.Today()
	var out []ClaimKey
	for _, r := range rules {
		if today.Before(r.ValidFrom) || today.After(r.ValidTo) {
			continue
		}
		ids, err := store.Select(ctx, s.S.DB.R, func(row store.Scanner) (int64, error) {
			var id int64
			return id, row.Scan(&id)
		}, `SELECT a.id FROM applications a JOIN seekers k ON k.id = a.seeker_id WHERE `+metCondition[r.Condition]+`
			AND NOT EXISTS (SELECT 1 FROM subsidy_claims c WHERE c.rule_id = $1 AND c.application_id = a.id) ORDER BY a.id`, r.ID)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			out = append(out, ClaimKey{r.Code, id})
		}
	}
	return out, nil
}

// Claim makes the claim of rule for a placement on behalf of the queue; a
// claim that exists already is not an error (a retry, another process).
func (s *Service) Claim(ctx context.Context, rule string, appID int64) error {
	_, err := s.CreateClaim(ctx, system, rule, appID)
	if easyjob.ErrorCode(err) == easyjob.ECONFLICT {
		return nil
	}
	return err
}

// CreateClaim makes the claim of a rule for a placement that meets its
// condition (officers of the placement's county or district; the queue).
// At most one claim per (rule, placement) exists: a second answers
// conflict and writes nothing (the unique key subsidy_claims_once).
func (s *Service) CreateClaim(ctx context.Context, a easyjob.Actor, rule string, appID int64) (_ Claim, err error) {
	defer func() { err = store.Wrap(err, "retention.CreateClaim", "appID", appID) }()
	if !a.IsOfficer() {
		return Claim{}, store.Forbidden()
	}
	r, err := scanRule(s.S.DB.R.QueryRowContext(ctx, `SELECT `+ruleCols+` FROM subsidy_rules WHERE code = $1`, rule))
	if errors.Is(err, sql.ErrNoRows) {
		f := easyjob.Fields{}
		f.Add("rule", "retention.choice")
		return Claim{}, f.Err()
	}
	if err != nil {
		return Claim{}, err
	}
	var county, district string
	var met bool
	err = s.S.DB.R.QueryRowContext(ctx, `SELECT k.home_county, p.district, CASE WHEN `+metCondition[r.Condition]+` THEN 1 ELSE 0 END = 1
		FROM applications a JOIN seekers k ON k.id = a.seeker_id JOIN postings p ON p.id = a.posting_id WHERE a.id = $1`, appID).
		Scan(&county, &district, &met)
	if err != nil {
		return Claim{}, store.NotFound(err, "application")
	}
	if !a.Scope.County(county) && !a.Scope.District(district) {
		return Claim{}, store.Forbidden()
	}
	today := s.S.Today()
	switch {
	case today.Before(r.ValidFrom) || today.After(r.ValidTo):
		return Claim{}, easyjob.Errorf(easyjob.ECONFLICT, "subsidy.rule_not_valid")
	case !met:
		return Claim{}, easyjob.Errorf(easyjob.ECONFLICT, "subsidy.condition_not_met")
	}
	var id int64
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO subsidy_claims (rule_id, application_id, amount, payee, county, district, status,
			created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'claimed', $7, $7) RETURNING id`,
			r.ID, appID, r.Amount, r.Payee, county, district, tx.At).Scan(&id)
		if _, ok := store.UniqueViolation(err); ok {
			return easyjob.Errorf(easyjob.ECONFLICT, "subsidy.claim_exists")
		}
		if err != nil {
			return err
		}
		if err := s.entry(ctx, tx, id, "claimed", r.Amount, a, entryExtra{}); err != nil {
			return err
		}
		return s.event(ctx, tx, appID, 0, 0, "subsidy_claimed", a, r.Code)
	})
	if err != nil {
		return Claim{}, err
	}
	return s.claim(ctx, id)
}

type entryExtra struct {
	reference, paidOn, reason string
	reverses                  int64
}

// entry appends a ledger entry for a claim, copying its rule, placement
// and regions so that every line traces on its own.
func (s *Service) entry(ctx context.Context, tx *store.Tx, claimID int64, kind string, amount int, a easyjob.Actor, x entryExtra) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO ledger_entries (claim_id, rule_id, application_id, kind, amount, reference, paid_on,
		reason, reverses, county, district, month, actor_id, actor_role, at)
		SELECT c.id, c.rule_id, c.application_id, $1, $2, $3, $4, $5, $6, c.county, c.district, $7, $8, $9, $10
		FROM subsidy_claims c WHERE c.id = $11`,
		kind, amount, x.reference, x.paidOn, x.reason, nullID(x.reverses), tx.Today().String()[:7], a.UserID, string(a.Role), tx.At, claimID)
	return err
}

const claimCols = `c.id, r.code, r.name, c.application_id, c.amount, c.payee, c.county, c.district, c.status, c.created_at`

func scanClaim(row store.Scanner) (Claim, error) {
	var c Claim
	var st string
	var at int64
	err := row.Scan(&c.ID, &c.Rule, &c.RuleName, &c.ApplicationID, &c.Amount, &c.Payee, &c.County, &c.District, &st, &at)
	c.Status, c.CreatedAt = ClaimStatus(st), easyjob.FromMillis(at)
	return c, err
}

func (s *Service) claim(ctx context.Context, id int64) (Claim, error) {
	c, err := scanClaim(s.S.DB.R.QueryRowContext(ctx, `SELECT `+claimCols+` FROM subsidy_claims c
		JOIN subsidy_rules r ON r.id = c.rule_id WHERE c.id = $1`, id))
	return c, store.NotFound(err, "claim")
}

// mayDecide: officers whose scope holds the claim's county or district.
func mayDecide(a easyjob.Actor, c Claim) bool {
	return a.IsOfficer() && (a.Scope.County(c.County) || a.Scope.District(c.District))
}

// Claims lists the claims an officer may see, newest first.
func (s *Service) Claims(ctx context.Context, a easyjob.Actor, status ClaimStatus, o store.ListOptions) (_ easyjob.Page[Claim], err error) {
	defer func() { err = store.Wrap(err, "retention.Claims", "user", a.UserID) }()
	var empty easyjob.Page[Claim]
	if !a.IsOfficer() {
		return empty, store.Forbidden()
	}
	before, err := store.DecodeCursor(o.Cursor)
	if err != nil {
		return empty, err
	}
	var w store.Where
	w.Scope(a.Scope, "c.county", "c.district")
	if before > 0 {
		w.Add("c.id < ?", before)
	}
	if status != "" {
		w.Add("c.status = ?", string(status))
	}
	limit := pageSize(o.Limit, 100)
	xs, err := store.Select(ctx, s.S.DB.R, scanClaim, `SELECT `+claimCols+` FROM subsidy_claims c JOIN subsidy_rules r ON r.id = c.rule_id`+
		w.SQL()+` ORDER BY c.id DESC LIMIT `+w.Arg(limit+1), w.Args()...)
	if err != nil {
		return empty, err
	}
	p := easyjob.Page[Claim]{Items: xs}
	if len(xs) > limit {
		p.Items = xs[:limit]
		p.NextCursor = store.EncodeCursor(xs[limit-1].ID)
	}
	return p, nil
}

func pageSize(n, most int) int {
	if n <= 0 {
		return 20
	}
	return min(n, most)
}

// decide moves a claim from one status to another with a ledger entry, as
// one conditional update: a concurrent decision loses with a conflict.
func (s *Service) decide(ctx context.Context, a easyjob.Actor, id int64, from []ClaimStatus, to ClaimStatus, x entryExtra) (Claim, error) {
	c, err := s.claim(ctx, id)
	if err != nil {
		return Claim{}, err
	}
	if !mayDecide(a, c) {
		return Claim{}, store.Forbidden()
	}
	ok := false
	for _, f := range from {
		ok = ok || c.Status == f
	}
	if !ok {
		return Claim{}, easyjob.Errorf(easyjob.ECONFLICT, "subsidy.claim_"+string(c.Status))
	}
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE subsidy_claims SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4`,
			string(to), tx.At, id, string(c.Status))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return easyjob.Errorf(easyjob.ECONFLICT, "subsidy.claim_changed")
		}
		if err := s.entry(ctx, tx, id, string(to), c.Amount, a, x); err != nil {
			return err
		}
		return s.event(ctx, tx, c.ApplicationID, 0, 0, "subsidy_"+string(to), a, c.Rule)
	})
	if err != nil {
		return Claim{}, err
	}
	return s.claim(ctx, id)
}

// Approve approves a claim.
func (s *Service) Approve(ctx context.Context, a easyjob.Actor, id int64) (_ Claim, err error) {
	c, err := s.decide(ctx, a, id, []ClaimStatus{Claimed}, Approved, entryExtra{})
	return c, store.Wrap(err, "retention.Approve", "id", id)
}

// ApproveAll approves every listed claim still claimed, and tells how many.
func (s *Service) ApproveAll(ctx context.Context, a easyjob.Actor, ids []int64) (n int, err error) {
	for _, id := range ids {
		_, err := s.Approve(ctx, a, id)
		switch easyjob.ErrorCode(err) {
		case "":
			n++
		case easyjob.ECONFLICT:
		default:
			return n, err
		}
	}
	return n, nil
}

// PayInput records a payment.
type PayInput struct {
	Reference string       `json:"reference"`
	PaidOn    easyjob.Date `json:"paid_on"`
}

// Pay records the payment of an approved claim; a rejected claim is never
// paid (conflict).
func (s *Service) Pay(ctx context.Context, a easyjob.Actor, id int64, in PayInput) (_ Claim, err error) {
	in.Reference = strings.TrimSpace(in.Reference)
	if err := s.checkPay(in); err != nil {
		return Claim{}, err
	}
	c, err := s.decide(ctx, a, id, []ClaimStatus{Approved}, Paid, entryExtra{reference: in.Reference, paidOn: in.PaidOn.String()})
	return c, store.Wrap(err, "retention.Pay", "id", id)
}

// checkPay names what is missing from a payment.
func (s *Service) checkPay(in PayInput) error {
	f := easyjob.Fields{}
	if in.Reference == "" {
		f.Add("reference", "field.required")
	}
	if in.PaidOn.IsZero() {
		f.Add("paid_on", "field.required")
	} else if in.PaidOn.After(s.S.Today()) {
		f.Add("paid_on", "field.date_future")
	}
	return f.Err()
}

// Reject rejects a claim not yet paid, with a reason.
func (s *Service) Reject(ctx context.Context, a easyjob.Actor, id int64, reason string) (_ Claim, err error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		f := easyjob.Fields{}
		f.Add("reason", "field.required")
		return Claim{}, f.Err()
	}
	c, err := s.decide(ctx, a, id, []ClaimStatus{Claimed, Approved}, Rejected, entryExtra{reason: reason})
	return c, store.Wrap(err, "retention.Reject", "id", id)
}

// Reverse corrects a decision entry (approved, paid, rejected) with a
// reversing entry — the amount negated, reverses set — and puts the claim
// back where it was. Nothing is edited or deleted; an entry is reversed once.
func (s *Service) Reverse(ctx context.Context, a easyjob.Actor, entryID int64, reason string) (_ Entry, err error) {
	defer func() { err = store.Wrap(err, "retention.Reverse", "entry", entryID) }()
	reason = strings.TrimSpace(reason)
	if reason == "" {
		f := easyjob.Fields{}
		f.Add("reason", "field.required")
		return Entry{}, f.Err()
	}
	e, err := scanEntry(s.S.DB.R.QueryRowContext(ctx, `SELECT `+entryCols+entryFrom+` WHERE l.id = $1`, entryID))
	if err != nil {
		return Entry{}, store.NotFound(err, "entry")
	}
	c, err := s.claim(ctx, e.ClaimID)
	if err != nil {
		return Entry{}, err
	}
	if !mayDecide(a, c) {
		return Entry{}, store.Forbidden()
	}
	back := map[string]ClaimStatus{"approved": Claimed, "paid": Approved}[e.Kind]
	if e.Reverses != 0 || e.Kind == "claimed" || string(c.Status) != e.Kind {
		return Entry{}, easyjob.Errorf(easyjob.ECONFLICT, "subsidy.not_reversible")
	}
	if e.Kind == "rejected" {
		back = Claimed
		var approved int
		if err := s.S.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM ledger_entries WHERE claim_id = $1 AND kind = 'approved'
			AND reverses IS NULL AND id NOT IN (SELECT reverses FROM ledger_entries WHERE reverses IS NOT NULL)`, c.ID).Scan(&approved); err != nil {
			return Entry{}, err
		}
		if approved > 0 {
			back = Approved
		}
	}
	var id int64
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE subsidy_claims SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4`,
			string(back), tx.At, c.ID, e.Kind)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return easyjob.Errorf(easyjob.ECONFLICT, "subsidy.claim_changed")
		}
		if err := s.entry(ctx, tx, c.ID, e.Kind, -e.Amount, a, entryExtra{reason: reason, reverses: e.ID}); err != nil {
			if _, ok := store.UniqueViolation(err); ok {
				return easyjob.Errorf(easyjob.ECONFLICT, "subsidy.not_reversible")
			}
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT id FROM ledger_entries WHERE reverses = $1`, e.ID).Scan(&id); err != nil {
			return err
		}
		return s.event(ctx, tx, c.ApplicationID, 0, 0, "subsidy_reversed", a, e.Kind)
	})
	if err != nil {
		return Entry{}, err
	}
	return scanEntry(s.S.DB.R.QueryRowContext(ctx, `SELECT `+entryCols+entryFrom+` WHERE l.id = $1`, id))
}

const entryCols = `l.id, l.claim_id, r.code, l.application_id, l.kind, l.amount, l.reference, l.paid_on, l.reason,
	COALESCE(l.reverses, 0), l.county, l.district, l.month, l.actor_id, l.actor_role, l.at`

const entryFrom = ` FROM ledger_entries l JOIN subsidy_rules r ON r.id = l.rule_id`

func scanEntry(row store.Scanner) (Entry, error) {
	var e Entry
	var at int64
	err := row.Scan(&e.ID, &e.ClaimID, &e.Rule, &e.ApplicationID, &e.Kind, &e.Amount, &e.Reference, &e.PaidOn, &e.Reason,
		&e.Reverses, &e.County, &e.District, &e.Month, &e.ActorID, &e.ActorRole, &at)
	e.At = easyjob.FromMillis(at)
	return e, err
}

// LedgerFilter narrows the ledger.
type LedgerFilter struct {
	store.ListOptions
	Rule  string
	Month string // YYYY-MM
}

func (s *Service) ledgerWhere(a easyjob.Actor, f LedgerFilter) (store.Where, error) {
	var w store.Where
	if !a.IsOfficer() {
		return w, store.Forbidden()
	}
	w.Scope(a.Scope, "l.county", "l.district")
	if f.Rule != "" {
		w.Add("r.code = ?", f.Rule)
	}
	if f.Month != "" {
		w.Add("l.month = ?", f.Month)
	}
	return w, nil
}

// Ledger lists entries in order, for officers of the entries' regions,
// with {items, next_cursor}.
func (s *Service) Ledger(ctx context.Context, a easyjob.Actor, f LedgerFilter) (_ easyjob.Page[Entry], err error) {
	defer func() { err = store.Wrap(err, "retention.Ledger", "user", a.UserID) }()
	var empty easyjob.Page[Entry]
	after, err := store.DecodeCursor(f.Cursor)
	if err != nil {
		return empty, err
	}
	w, err := s.ledgerWhere(a, f)
	if err != nil {
		return empty, err
	}
	w.Add("l.id > ?", after)
	limit := pageSize(f.Limit, 500)
	xs, err := store.Select(ctx, s.S.DB.R, scanEntry, `SELECT `+entryCols+entryFrom+w.SQL()+` ORDER BY l.id LIMIT `+w.Arg(limit+1), w.Args()...)
	if err != nil {
		return empty, err
	}
	p := easyjob.Page[Entry]{Items: xs}
	if len(xs) > limit {
		p.Items = xs[:limit]
		p.NextCursor = store.EncodeCursor(xs[limit-1].ID)
	}
	return p, nil
}

// Total is the ledger summed for one key (a rule, county, district or
// month): the amount claimed, approved, paid and rejected, net of
// reversals, and the number of claims.
type Total struct {
	Key      string `json:"key"`
	Claims   int    `json:"claims"`
	Claimed  int    `json:"claimed"`
	Approved int    `json:"approved"`
	Paid     int    `json:"paid"`
	Rejected int    `json:"rejected"`
}

// Totals sums the officer's ledger by "rule", "county", "district" or "month".
func (s *Service) Totals(ctx context.Context, a easyjob.Actor, by string) (_ []Total, err error) {
	defer func() { err = store.Wrap(err, "retention.Totals", "by", by) }()
	col := map[string]string{"rule": "r.code", "county": "l.county", "district": "l.district", "month": "l.month"}[by]
	if col == "" {
		f := easyjob.Fields{}
		f.Add("by", "retention.choice")
		return nil, f.Err()
	}
	w, err := s.ledgerWhere(a, LedgerFilter{})
	if err != nil {
		return nil, err
	}
	return store.Select(ctx, s.S.DB.R, func(r store.Scanner) (Total, error) {
		var t Total
		return t, r.Scan(&t.Key, &t.Claims, &t.Claimed, &t.Approved, &t.Paid, &t.Rejected)
	}, `SELECT `+col+`, COUNT(DISTINCT CASE WHEN l.kind = 'claimed' THEN l.claim_id END),
		COALESCE(SUM(CASE WHEN l.kind = 'claimed' THEN l.amount ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN l.kind = 'approved' THEN l.amount ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN l.kind = 'paid' THEN l.amount ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN l.kind = 'rejected' THEN l.amount ELSE 0 END), 0)`+entryFrom+w.SQL()+
		` GROUP BY `+col+` ORDER BY `+col, w.Args()...)
}

// LedgerHeader names the export's columns.
var LedgerHeader = []string{"entry", "claim", "rule", "application", "kind", "amount", "reference", "paid_on", "reason",
	"reverses", "county", "district", "month", "actor", "actor_role", "at"}

// ExportLedger streams the officer's ledger as .xlsx, reading rows as it
// writes them: nothing holds the whole ledger in memory.
func (s *Service) ExportLedger(ctx context.Context, a easyjob.Actor, f LedgerFilter, w io.Writer) (err error) {
	defer func() { err = store.Wrap(err, "retention.ExportLedger", "user", a.UserID) }()
	wh, err := s.ledgerWhere(a, f)
	if err != nil {
		return err
	}
	return export.StreamXLSX(w, "ledger", LedgerHeader, func(emit func([]any) error) error {
		rows, err := s.S.DB.R.QueryContext(ctx, `SELECT `+entryCols+entryFrom+wh.SQL()+` ORDER BY l.id`, wh.Args()...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			e, err := scanEntry(rows)
			if err != nil {
				return err
			}
			if err := emit([]any{e.ID, e.ClaimID, e.Rule, e.ApplicationID, e.Kind, e.Amount, e.Reference, e.PaidOn, e.Reason,
				e.Reverses, e.County, e.District, e.Month, e.ActorID, e.ActorRole, e.At.In(easyjob.Shanghai).Format(time.DateTime)}); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}
