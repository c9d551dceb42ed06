package retention

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"easyjob/internal/easyjob"
	"easyjob/internal/store"
)

// The pages' bulk actions write all or nothing: every item is checked
// first, field messages name the item (a field "left_on-12" is check-in
// 12's date), and one transaction writes them all or, when one of them
// cannot be written, none.

// maxBulk is how many items one bulk action takes.
const maxBulk = 500

// BulkAnswer is one check-in's answer in a bulk answer.
type BulkAnswer struct {
	ID int64
	AnswerInput
}

// noneChosen is the error of a bulk action with nothing chosen.
func noneChosen() error {
	f := easyjob.Fields{}
	f.Add("ids", "retention.none_chosen")
	return f.Err()
}

// AnswerAll records one party's answers to several check-ins (an
// employer's list) in one transaction. A check-in that is not the actor's
// is forbidden and a bad answer is named by its field and id; then nothing
// is written.
func (s *Service) AnswerAll(ctx context.Context, a easyjob.Actor, xs []BulkAnswer) (n int, err error) {
	defer func() { err = store.Wrap(err, "retention.AnswerAll", "user", a.UserID) }()
	if len(xs) == 0 {
		return 0, noneChosen()
	}
	if len(xs) > maxBulk {
		f := easyjob.Fields{}
		f.Add("ids", "retention.too_many", "max", maxBulk)
		return 0, f.Err()
	}
	type item struct {
		c  CheckIn
		p  Party
		in AnswerInput
	}
	items := make([]item, 0, len(xs))
	bad := easyjob.Fields{}
	for _, x := range xs {
		c, err := scanCheckIn(s.S.DB.R.QueryRowContext(ctx, `SELECT `+checkinCols+checkinFrom+` WHERE c.id = $1`, x.ID))
		if err != nil {
			return 0, store.NotFound(err, "checkin")
		}
		p, err := party(a, c)
		if err != nil {
			return 0, err
		}
		in := x.AnswerInput
		in.Reason = strings.TrimSpace(in.Reason)
		if err := s.validate(in, c); err != nil {
			if e := (*easyjob.Error)(nil); errors.As(err, &e) {
				for name, m := range e.Fields {
					bad[name+"-"+strconv.FormatInt(c.ID, 10)] = m
				}
			}
			continue
		}
		if in.Answer == Stays {
			in.LeftOn, in.Reason = easyjob.Date{}, ""
		}
		items = append(items, item{c, p, in})
	}
	if err := bad.Err(); err != nil {
		return 0, err
	}
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		for _, it := range items {
			if err := s.answer(ctx, tx, a, it.p, it.c, it.in); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(items), nil
}

// DecideAll approves, pays (in: reference and date) or rejects (reason)
// every listed claim in one transaction. A claim the officer may not
// decide is forbidden, one that cannot move (already decided, rejected) a
// conflict; then nothing is written.
func (s *Service) DecideAll(ctx context.Context, a easyjob.Actor, ids []int64, to ClaimStatus, in PayInput, reason string) (n int, err error) {
	defer func() { err = store.Wrap(err, "retention.DecideAll", "user", a.UserID) }()
	if !a.IsOfficer() {
		return 0, store.Forbidden()
	}
	var from []ClaimStatus
	var x entryExtra
	switch to {
	case Approved:
		from = []ClaimStatus{Claimed}
	case Paid:
		in.Reference = strings.TrimSpace(in.Reference)
		if err := s.checkPay(in); err != nil {
			return 0, err
		}
		from, x = []ClaimStatus{Approved}, entryExtra{reference: in.Reference, paidOn: in.PaidOn.String()}
	case Rejected:
		reason = strings.TrimSpace(reason)
		if reason == "" {
			f := easyjob.Fields{}
			f.Add("reason", "field.required")
			return 0, f.Err()
		}
		from, x = []ClaimStatus{Claimed, Approved}, entryExtra{reason: reason}
	default:
		f := easyjob.Fields{}
		f.Add("action", "retention.choice")
		return 0, f.Err()
	}
	if len(ids) == 0 {
		return 0, noneChosen()
	}
	if len(ids) > maxBulk {
		f := easyjob.Fields{}
		f.Add("ids", "retention.too_many", "max", maxBulk)
		return 0, f.Err()
	}
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		for _, id := range ids {
			c, err := scanClaim(tx.QueryRowContext(ctx, `SELECT `+claimCols+` FROM subsidy_claims c
				JOIN subsidy_rules r ON r.id = c.rule_id WHERE c.id = $1`, id))
			if err != nil {
				return store.NotFound(err, "claim")
			}
			if !mayDecide(a, c) {
				return store.Forbidden()
			}
			ok := false
			for _, f := range from {
				ok = ok || c.Status == f
			}
			if !ok {
				return easyjob.Errorf(easyjob.ECONFLICT, "subsidy.claim_"+string(c.Status))
			}
			res, err := tx.ExecContext(ctx, `UPDATE subsidy_claims SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4`,
				string(to), tx.At, id, string(c.Status))
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				return easyjob.Errorf(easyjob.ECONFLICT, "subsidy.claim_changed")
			}
			if err := s.entry(ctx, tx, id, string(to), c.Amount, a, x); err != nil {
				return err
			}
			if err := s.event(ctx, tx, c.ApplicationID, 0, 0, "subsidy_"+string(to), a, c.Rule); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(ids), nil
}

// OpenArrearsOf counts the unresolved wage-arrears reports of each listed
// employer (the officers' employer list), in one query; employers without
// any are absent.
func (s *Service) OpenArrearsOf(ctx context.Context, employerIDs []int64) (_ map[int64]int, err error) {
	defer func() { err = store.Wrap(err, "retention.OpenArrearsOf") }()
	out := map[int64]int{}
	if len(employerIDs) == 0 {
		return out, nil
	}
	var w store.Where
	ph := make([]string, len(employerIDs))
	for i, id := range employerIDs {
		ph[i] = w.Arg(id)
	}
	w.Add("kind = 'arrears' AND status IN ('open', 'in_hand') AND employer_id IN (" + strings.Join(ph, ", ") + ")")
	type row struct {
		id int64
		n  int
	}
	rows, err := store.Select(ctx, s.S.DB.R, func(r store.Scanner) (row, error) {
		var x row
		return x, r.Scan(&x.id, &x.n)
	}, `SELECT employer_id, COUNT(*) FROM disputes`+w.SQL()+` GROUP BY employer_id`, w.Args()...)
	for _, x := range rows {
		out[x.id] = x.n
	}
	return out, err
}
