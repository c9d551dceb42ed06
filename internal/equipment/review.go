package equipment

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"sort"
	"strconv"
	"strings"

	"easyjob/internal/easyjob"
	"easyjob/internal/equipment/rules"
	"easyjob/internal/store"
)

// The experts' review: a closed challenge is reviewed in two rounds. The commission opens
// round 1 (every entry), closes it, shortlists entries for round 2, opens and closes round
// 2, then awards one shortlisted team. Experts score only while a round is open, each
// entry at most once per round (a revision replaces the sheet while the round is open), and
// see no one else's sheet; an expert who declared a conflict with a team cannot score it.

// OpenRound opens the next round of a closed challenge (the commission): round 1 after the
// entries closed, round 2 after round 1 closed with at least one entry shortlisted.
func (s *Service) OpenRound(ctx context.Context, a easyjob.Actor, id int64) (Challenge, error) {
	if err := commission(a); err != nil {
		return Challenge{}, err
	}
	err := s.S.Tx(ctx, func(tx *store.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE equipment_challenges SET round = round + 1, round_open = TRUE, updated_at = $1
			WHERE id = $2 AND status = 'closed' AND NOT round_open AND round < 2
			AND (round = 0 OR EXISTS (SELECT 1 FROM equipment_entries WHERE challenge_id = $2 AND shortlisted))
			AND EXISTS (SELECT 1 FROM equipment_entries WHERE challenge_id = $2)`, tx.At, id)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return easyjob.Errorf(easyjob.ECONFLICT, "equipment.cannot_open_round")
		}
		return nil
	})
	if err != nil {
		return Challenge{}, store.Wrap(err, "equipment.OpenRound", "id", id)
	}
	return s.Challenge(ctx, a, id)
}

// CloseRound closes the open round (the commission); scores arriving later are refused.
func (s *Service) CloseRound(ctx context.Context, a easyjob.Actor, id int64) (Challenge, error) {
	if err := commission(a); err != nil {
		return Challenge{}, err
	}
	err := s.S.Tx(ctx, func(tx *store.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE equipment_challenges SET round_open = FALSE, updated_at = $1
			WHERE id = $2 AND status = 'closed' AND round_open`, tx.At, id)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return easyjob.Errorf(easyjob.ECONFLICT, "equipment.no_open_round")
		}
		return nil
	})
	if err != nil {
		return Challenge{}, store.Wrap(err, "equipment.CloseRound", "id", id)
	}
	return s.Challenge(ctx, a, id)
}

// Shortlist chooses the entries of round 2 (the commission), after round 1 closed.
func (s *Service) Shortlist(ctx context.Context, a easyjob.Actor, id int64, entries []int64) (Challenge, error) {
	if err := commission(a); err != nil {
		return Challenge{}, err
	}
	if len(entries) == 0 {
		f := easyjob.Fields{}
		f.Add("entries", "equipment.shortlist_empty")
		return Challenge{}, f.Err()
	}
	err := s.S.Tx(ctx, func(tx *store.Tx) error {
		if err := store.LockRows(ctx, tx, "equipment_challenges", "updated_at", id); err != nil {
			return err
		}
		var ok bool
		if err := tx.QueryRowContext(ctx, `SELECT status = 'closed' AND round = 1 AND NOT round_open FROM equipment_challenges WHERE id = $1`, id).Scan(&ok); err != nil {
			return store.NotFound(err, "challenge")
		}
		if !ok {
			return easyjob.Errorf(easyjob.ECONFLICT, "equipment.cannot_shortlist")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE equipment_entries SET shortlisted = FALSE, updated_at = $1 WHERE challenge_id = $2`, tx.At, id); err != nil {
			return err
		}
		for _, e := range entries {
			r, err := tx.ExecContext(ctx, `UPDATE equipment_entries SET shortlisted = TRUE, updated_at = $1 WHERE id = $2 AND challenge_id = $3`, tx.At, e, id)
			if err != nil {
				return err
			}
			if n, _ := r.RowsAffected(); n == 0 {
				return easyjob.NotFound("entry")
			}
		}
		return nil
	})
	if err != nil {
		return Challenge{}, store.Wrap(err, "equipment.Shortlist", "id", id)
	}
	return s.Challenge(ctx, a, id)
}

func (s *Service) expert(ctx context.Context, a easyjob.Actor) (Person, error) {
	p, err := s.researcher(ctx, a)
	if err == nil && !p.Expert {
		err = easyjob.Errorf(easyjob.EFORBIDDEN, "equipment.not_expert")
	}
	return p, err
}

// DeclareConflict records that the expert has a conflict of interest with an entry's team;
// the expert's sheets of that entry are withdrawn and no later one is accepted. The entry's
// row is locked first, as Score locks it, so a score and a declaration cannot cross.
func (s *Service) DeclareConflict(ctx context.Context, a easyjob.Actor, entryID int64, reason string) error {
	if _, err := s.expert(ctx, a); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	f := easyjob.Fields{}
	checkText(f, "reason", reason, true, 500)
	if err := f.Err(); err != nil {
		return err
	}
	err := s.S.Tx(ctx, func(tx *store.Tx) error {
		if err := store.LockRows(ctx, tx, "equipment_entries", "updated_at", entryID); err != nil {
			return err
		}
		r, err := tx.ExecContext(ctx, `INSERT INTO equipment_conflicts (entry_id, expert_id, reason, declared_at)
			SELECT id, $2, $3, $4 FROM equipment_entries WHERE id = $1 ON CONFLICT (entry_id, expert_id) DO NOTHING`,
			entryID, a.UserID, reason, tx.At)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			var one int
			if err := tx.QueryRowContext(ctx, `SELECT 1 FROM equipment_entries WHERE id = $1`, entryID).Scan(&one); err != nil {
				return store.NotFound(err, "entry")
			}
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM equipment_scores WHERE entry_id = $1 AND expert_id = $2`, entryID, a.UserID)
		return err
	})
	return store.Wrap(err, "equipment.DeclareConflict", "entry", entryID)
}

// SheetInput is an expert's scores of one entry: criterion id → 0..10, the amount the work
// is worth in CNY (at most the ceiling) and a comment.
type SheetInput struct {
	Scores   map[int64]int `json:"scores"`
	Assessed int64         `json:"assessed"`
	Comment  string        `json:"comment"`
}

// Sheet is one stored sheet, as its expert sees it.
type Sheet struct {
	EntryID  int64         `json:"entry_id"`
	Round    int           `json:"round"`
	Scores   map[int64]int `json:"scores"`
	Total    float64       `json:"total"`
	Assessed int64         `json:"assessed"`
	Comment  string        `json:"comment"`
}

// Score records the expert's sheet of an entry in the open round. It is refused with 422
// for a score outside 0–10 or an assessment above the ceiling, 403 for a conflicted expert,
// and 409 when no round is open (it closed) or the entry is not in this round. The entry's
// row is locked first (see DeclareConflict); the insert is conditional on the round still
// being open and no conflict being declared.
func (s *Service) Score(ctx context.Context, a easyjob.Actor, entryID int64, in SheetInput) (Sheet, error) {
	if _, err := s.expert(ctx, a); err != nil {
		return Sheet{}, err
	}
	e, err := s.entry(ctx, entryID)
	if err != nil {
		return Sheet{}, err
	}
	c, err := s.Challenge(ctx, easyjob.Actor{Role: easyjob.RoleAdmin, Scope: easyjob.ScopeAll}, e.ChallengeID)
	if err != nil {
		return Sheet{}, err
	}
	in.Comment = strings.TrimSpace(in.Comment)
	f := easyjob.Fields{}
	checkText(f, "comment", in.Comment, false, 2000)
	if err := rules.CheckSheet(c.Weights(), rules.Sheet{Scores: in.Scores, Assessed: in.Assessed}, c.Ceiling); err != nil {
		var de *easyjob.Error
		if errors.As(err, &de) {
			for k, m := range de.Fields {
				f[k] = m
			}
		}
	}
	if err := f.Err(); err != nil {
		return Sheet{}, err
	}
	if !c.Scoring() {
		return Sheet{}, easyjob.Errorf(easyjob.ECONFLICT, "equipment.round_closed")
	}
	if c.Round == 2 && !e.Shortlisted {
		return Sheet{}, easyjob.Errorf(easyjob.ECONFLICT, "equipment.not_in_round")
	}
	total := rules.Total(c.Weights(), in.Scores)
	js, _ := json.Marshal(in.Scores)
	round := c.Round
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		if err := store.LockRows(ctx, tx, "equipment_entries", "updated_at", entryID); err != nil {
			return err
		}
		var conflicted bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM equipment_conflicts WHERE entry_id = $1 AND expert_id = $2)`,
			entryID, a.UserID).Scan(&conflicted); err != nil {
			return err
		}
		if conflicted {
			return easyjob.Errorf(easyjob.EFORBIDDEN, "equipment.conflicted")
		}
		r, err := tx.ExecContext(ctx, `INSERT INTO equipment_scores (entry_id, expert_id, round, scores, total, assessed, comment, at)
			SELECT $1, $2, $3, $4, $5, $6, $7, $8 WHERE EXISTS (SELECT 1 FROM equipment_challenges
			WHERE id = $9 AND status = 'closed' AND round = $3 AND round_open)
			ON CONFLICT (entry_id, expert_id, round) DO UPDATE SET scores = excluded.scores, total = excluded.total,
			assessed = excluded.assessed, comment = excluded.comment, at = excluded.at`,
			entryID, a.UserID, round, string(js), total, in.Assessed, in.Comment, tx.At, c.ID)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return easyjob.Errorf(easyjob.ECONFLICT, "equipment.round_closed")
		}
		return nil
	})
	if err != nil {
		return Sheet{}, store.Wrap(err, "equipment.Score", "entry", entryID)
	}
	return Sheet{EntryID: entryID, Round: round, Scores: in.Scores, Total: total, Assessed: in.Assessed, Comment: in.Comment}, nil
}

// ToScore is an entry as an expert sees it during the review: the proposal, the
// expert's own sheet of the open round (if any) and whether they declared a conflict.
type ToScore struct {
	Challenge  Challenge `json:"challenge"`
	Entry      Entry     `json:"entry"`
	Mine       *Sheet    `json:"mine,omitempty"`
	Conflicted bool      `json:"conflicted"`
}

// Assignments lists the entries the expert may score now (every open round), with the
// expert's own sheets only.
func (s *Service) Assignments(ctx context.Context, a easyjob.Actor) ([]ToScore, error) {
	if _, err := s.expert(ctx, a); err != nil {
		return nil, err
	}
	cs, err := store.Select(ctx, s.S.DB.R, scanChallenge, `SELECT `+challengeCols+` FROM equipment_challenges
		WHERE status = 'closed' AND round_open ORDER BY id`)
	if err != nil {
		return nil, store.Wrap(err, "equipment.Assignments")
	}
	root := easyjob.Actor{Role: easyjob.RoleAdmin, Scope: easyjob.ScopeAll}
	var out []ToScore
	for _, c := range cs {
		full, err := s.Challenge(ctx, root, c.ID)
		if err != nil {
			return nil, err
		}
		for _, e := range full.Entries {
			if full.Round == 2 && !e.Shortlisted {
				continue
			}
			t := ToScore{Challenge: full, Entry: e}
			t.Challenge.Entries = nil
			if err := s.S.DB.R.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM equipment_conflicts WHERE entry_id = $1 AND expert_id = $2)`,
				e.ID, a.UserID).Scan(&t.Conflicted); err != nil {
				return nil, store.Wrap(err, "equipment.Assignments")
			}
			var js string
			sh := Sheet{EntryID: e.ID, Round: full.Round}
			err := s.S.DB.R.QueryRowContext(ctx, `SELECT scores, total, assessed, comment FROM equipment_scores
				WHERE entry_id = $1 AND expert_id = $2 AND round = $3`, e.ID, a.UserID, full.Round).Scan(&js, &sh.Total, &sh.Assessed, &sh.Comment)
			switch {
			case err == nil:
				json.Unmarshal([]byte(js), &sh.Scores)
				t.Mine = &sh
			case !errors.Is(err, sql.ErrNoRows):
				return nil, store.Wrap(err, "equipment.Assignments")
			}
			out = append(out, t)
		}
	}
	return out, nil
}

// Standing is an entry's result in a round, for the commission.
type Standing struct {
	Entry     Entry        `json:"entry"`
	Round     int          `json:"round"`
	Result    rules.Result `json:"result"`
	Conflicts int          `json:"conflicts"`
}

// Results are the entries' standings in a round (the commission), best score first. The
// commission sees them once the round has closed; while it is open only the count of sheets.
func (s *Service) Results(ctx context.Context, a easyjob.Actor, id int64, round int) ([]Standing, error) {
	if err := commission(a); err != nil {
		return nil, err
	}
	c, err := s.Challenge(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if round < 1 || round > 2 {
		f := easyjob.Fields{}
		f.Add("round", "equipment.round")
		return nil, f.Err()
	}
	hidden := c.Round == round && c.RoundOpen
	var out []Standing
	for _, e := range c.Entries {
		if round == 2 && !e.Shortlisted {
			continue
		}
		st, err := s.standing(ctx, e, round)
		if err != nil {
			return nil, err
		}
		if hidden {
			st.Result = rules.Result{Sheets: st.Result.Sheets}
		}
		out = append(out, st)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Result.Score > out[j].Result.Score })
	return out, nil
}

func (s *Service) standing(ctx context.Context, e Entry, round int) (Standing, error) {
	st := Standing{Entry: e, Round: round}
	type row struct {
		total    float64
		assessed int64
	}
	rows, err := store.Select(ctx, s.S.DB.R, func(r store.Scanner) (row, error) {
		var x row
		return x, r.Scan(&x.total, &x.assessed)
	}, `SELECT total, assessed FROM equipment_scores WHERE entry_id = $1 AND round = $2`, e.ID, round)
	if err != nil {
		return st, store.Wrap(err, "equipment.Standing", "entry", e.ID)
	}
	var totals []float64
	var assessed []int64
	for _, x := range rows {
		totals = append(totals, x.total)
		assessed = append(assessed, x.assessed)
	}
	st.Result = rules.Aggregate(totals, assessed)
	err = s.S.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM equipment_conflicts WHERE entry_id = $1`, e.ID).Scan(&st.Conflicts)
	return st, store.Wrap(err, "equipment.Standing", "entry", e.ID)
}

// PaymentPart is which part of an award a payment is.
type PaymentPart string

// The two parts of an award.
const (
	Upfront   PaymentPart = "upfront"   // on selection
	Milestone PaymentPart = "milestone" // after the milestone review passed
)

// Payment is one entry of the append-only ledger.
type Payment struct {
	ID             int64       `json:"id"`
	ChallengeID    int64       `json:"challenge_id"`
	EntryID        int64       `json:"entry_id"`
	Part           PaymentPart `json:"part"`
	Amount         int64       `json:"amount"`
	IdempotencyKey string      `json:"idempotency_key"`
	At             string      `json:"at"`
	// Replayed is set when the part had already been paid: the earlier payment is returned
	// and nothing is written.
	Replayed bool `json:"replayed,omitempty"`
}

// Award selects a shortlisted entry after round 2 closed (the commission): the award is
// min(ask, assessed) where assessed is the round-2 median, refused above the ceiling; the
// challenge moves closed → awarded and the upfront part is paid in the same transaction.
// One selected entry per challenge is held by a partial unique index, and the status move is
// conditional, so two officers cannot award twice.
func (s *Service) Award(ctx context.Context, a easyjob.Actor, challengeID, entryID int64) (Entry, error) {
	if err := commission(a); err != nil {
		return Entry{}, err
	}
	c, err := s.Challenge(ctx, a, challengeID)
	if err != nil {
		return Entry{}, err
	}
	if !(c.Status.UnderReview() && c.Round == 2 && !c.RoundOpen) {
		return Entry{}, easyjob.Errorf(easyjob.ECONFLICT, "equipment.cannot_award")
	}
	e, err := s.entry(ctx, entryID)
	if err != nil {
		return Entry{}, err
	}
	if e.ChallengeID != challengeID || !e.Shortlisted {
		return Entry{}, easyjob.Errorf(easyjob.ECONFLICT, "equipment.not_in_round")
	}
	st, err := s.standing(ctx, e, 2)
	if err != nil {
		return Entry{}, err
	}
	amount, err := rules.Award(e.Ask, st.Result.Assessed, c.Ceiling)
	if err != nil {
		return Entry{}, err
	}
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE equipment_challenges SET status = 'awarded', updated_at = $1
			WHERE id = $2 AND status = 'closed' AND round = 2 AND NOT round_open`, tx.At, challengeID)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return easyjob.Errorf(easyjob.ECONFLICT, "equipment.status_moved")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE equipment_entries SET selected = TRUE, assessed = $1, award = $2, updated_at = $3
			WHERE id = $4`, st.Result.Assessed, amount, tx.At, entryID); err != nil {
			return err
		}
		_, err = payTx(ctx, tx, a, c, entryID, Upfront, "")
		return err
	})
	if _, dup := store.UniqueViolation(err); dup {
		return Entry{}, easyjob.Errorf(easyjob.ECONFLICT, "equipment.status_moved")
	}
	if err != nil {
		return Entry{}, store.Wrap(err, "equipment.Award", "challenge", challengeID, "entry", entryID)
	}
	return s.entry(ctx, entryID)
}

// ReviewMilestone records the milestone review of the awarded entry (the commission); a
// passed review pays the rest of the award in the same transaction.
func (s *Service) ReviewMilestone(ctx context.Context, a easyjob.Actor, entryID int64, passed bool) (Entry, error) {
	if err := commission(a); err != nil {
		return Entry{}, err
	}
	e, err := s.entry(ctx, entryID)
	if err != nil {
		return Entry{}, err
	}
	if !e.Selected {
		return Entry{}, easyjob.Errorf(easyjob.ECONFLICT, "equipment.not_selected")
	}
	c, err := s.Challenge(ctx, a, e.ChallengeID)
	if err != nil {
		return Entry{}, err
	}
	to := "failed"
	if passed {
		to = "passed"
	}
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE equipment_entries SET milestone = $1, updated_at = $2 WHERE id = $3 AND milestone = 'pending'`,
			to, tx.At, entryID)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return easyjob.Errorf(easyjob.ECONFLICT, "equipment.milestone_done")
		}
		if passed {
			_, err = payTx(ctx, tx, a, c, entryID, Milestone, "")
		}
		return err
	})
	if err != nil {
		return Entry{}, store.Wrap(err, "equipment.ReviewMilestone", "entry", entryID)
	}
	return s.entry(ctx, entryID)
}

// Pay pays one part of an entry's award (the commission), with an idempotency key ("" for
// the part's own key): a part already paid is never paid again — the earlier payment is
// returned with Replayed set — because the ledger's unique keys (entry and part;
// idempotency key) hold it. The milestone part needs a passed milestone review.
func (s *Service) Pay(ctx context.Context, a easyjob.Actor, entryID int64, part PaymentPart, key string) (Payment, error) {
	if err := commission(a); err != nil {
		return Payment{}, err
	}
	e, err := s.entry(ctx, entryID)
	if err != nil {
		return Payment{}, err
	}
	c, err := s.Challenge(ctx, a, e.ChallengeID)
	if err != nil {
		return Payment{}, err
	}
	var p Payment
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		var err error
		p, err = payTx(ctx, tx, a, c, entryID, part, key)
		return err
	})
	return p, store.Wrap(err, "equipment.Pay", "entry", entryID)
}

// payTx writes one payment, or returns the one already written for the part or the key.
func payTx(ctx context.Context, tx *store.Tx, a easyjob.Actor, c Challenge, entryID int64, part PaymentPart, key string) (Payment, error) {
	f := easyjob.Fields{}
	if part != Upfront && part != Milestone {
		f.Add("part", "equipment.choice")
	}
	key = strings.TrimSpace(key)
	if key == "" {
		key = "entry-" + strconv.FormatInt(entryID, 10) + "-" + string(part)
	}
	checkText(f, "idempotency_key", key, true, 100)
	if err := f.Err(); err != nil {
		return Payment{}, err
	}
	var award int64
	var selected bool
	var milestone string
	if err := tx.QueryRowContext(ctx, `SELECT award, selected, milestone FROM equipment_entries WHERE id = $1`, entryID).
		Scan(&award, &selected, &milestone); err != nil {
		return Payment{}, store.NotFound(err, "entry")
	}
	switch {
	case !selected:
		return Payment{}, easyjob.Errorf(easyjob.ECONFLICT, "equipment.not_selected")
	case part == Milestone && milestone != "passed":
		return Payment{}, easyjob.Errorf(easyjob.ECONFLICT, "equipment.milestone_not_passed")
	}
	up, rest := rules.Split(award, c.UpfrontPct, c.UpfrontCap)
	amount := up
	if part == Milestone {
		amount = rest
	}
	p := Payment{ChallengeID: c.ID, EntryID: entryID, Part: part, Amount: amount, IdempotencyKey: key}
	var at int64
	err := tx.QueryRowContext(ctx, `INSERT INTO equipment_payments (challenge_id, entry_id, part, amount, idempotency_key, paid_by, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING id, at`,
		c.ID, entryID, string(part), amount, key, a.UserID, tx.At).Scan(&p.ID, &at)
	if err == nil {
		p.At = Clock(easyjob.FromMillis(at))
		return p, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return p, err
	}
	// Paid already: under this key, or this part under another key.
	var gotEntry int64
	var gotPart string
	err = tx.QueryRowContext(ctx, `SELECT id, entry_id, part, amount, idempotency_key, at FROM equipment_payments
		WHERE idempotency_key = $1 OR (entry_id = $2 AND part = $3) ORDER BY id LIMIT 1`, key, entryID, string(part)).
		Scan(&p.ID, &gotEntry, &gotPart, &p.Amount, &p.IdempotencyKey, &at)
	if err != nil {
		return p, err
	}
	if gotEntry != entryID || gotPart != string(part) {
		return Payment{}, easyjob.Errorf(easyjob.ECONFLICT, "equipment.key_used")
	}
	p.At, p.Replayed = Clock(easyjob.FromMillis(at)), true
	return p, nil
}

// Payments lists the ledger (the commission), oldest first.
func (s *Service) Payments(ctx context.Context, a easyjob.Actor, challengeID int64) ([]Payment, error) {
	if err := commission(a); err != nil {
		return nil, err
	}
	xs, err := store.Select(ctx, s.S.DB.R, func(r store.Scanner) (Payment, error) {
		var p Payment
		var at int64
		err := r.Scan(&p.ID, &p.ChallengeID, &p.EntryID, &p.Part, &p.Amount, &p.IdempotencyKey, &at)
		p.At = Clock(easyjob.FromMillis(at))
		return p, err
	}, `SELECT id, challenge_id, entry_id, part, amount, idempotency_key, at FROM equipment_payments
		WHERE challenge_id = $1 OR $1 = 0 ORDER BY id`, challengeID)
	return xs, store.Wrap(err, "equipment.Payments")
}

// BudgetLine is one challenge's share of the budget.
type BudgetLine struct {
	ChallengeID int64           `json:"challenge_id"`
	Title       string          `json:"title"`
	Status      ChallengeStatus `json:"status"`
	Ceiling     int64           `json:"ceiling"`
	Committed   int64           `json:"committed"` // awards made
	Paid        int64           `json:"paid"`      // the ledger's sum
}

// BudgetView is the commission's view of the 250-million budget.
type BudgetView struct {
	Budget    int64        `json:"budget"`
	Committed int64        `json:"committed"`
	Paid      int64        `json:"paid"`
	Left      int64        `json:"left"` // budget − committed
	Lines     []BudgetLine `json:"lines"`
}

// Budget is the budget committed and paid by challenge (the commission).
func (s *Service) Budget(ctx context.Context, a easyjob.Actor) (BudgetView, error) {
	if err := commission(a); err != nil {
		return BudgetView{}, err
	}
	lines, err := store.Select(ctx, s.S.DB.R, func(r store.Scanner) (BudgetLine, error) {
		var l BudgetLine
		return l, r.Scan(&l.ChallengeID, &l.Title, &l.Status, &l.Ceiling, &l.Committed, &l.Paid)
	}, `SELECT c.id, c.title, c.status, c.ceiling,
		COALESCE((SELECT SUM(e.award) FROM equipment_entries e WHERE e.challenge_id = c.id AND e.selected), 0),
		COALESCE((SELECT SUM(p.amount) FROM equipment_payments p WHERE p.challenge_id = c.id), 0)
		FROM equipment_challenges c ORDER BY c.id`)
	if err != nil {
		return BudgetView{}, store.Wrap(err, "equipment.Budget")
	}
	v := BudgetView{Budget: Budget, Lines: lines}
	for _, l := range lines {
		v.Committed += l.Committed
		v.Paid += l.Paid
	}
	v.Left = v.Budget - v.Committed
	return v, nil
}
