package goodwill

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/store"
)

// The stock ledger (goodwill_moves) and its checked caches (goodwill_lots.qty,
// goodwill_assemblies.on_hand).
//
// Why a ledger plus a cache, and not either alone: the ledger is the record (nothing in it
// is ever changed or deleted; a correction is a reversing entry), but "never negative under
// concurrency" cannot be checked portably on a sum — PostgreSQL at READ COMMITTED lets two
// transactions each read a sum of 10 and each take 10, and SELECT … FOR UPDATE is not
// SQLite. So every entry that takes goods out also runs, in the same transaction,
//
//	UPDATE goodwill_lots SET qty = qty - $n WHERE id = $lot AND qty >= $n
//
// which locks the lot's row on PostgreSQL (the second writer waits and re-checks qty >= n
// against the committed value) and is trivially serial on SQLite's one writer. If it
// changes no row, the transaction rolls back and nothing is written. CHECK (qty >= 0) backs
// it, and Reconcile (and the tests) prove the cache equals the ledger's sums.

// move is one ledger entry to write.
type move struct {
	kind     MoveKind
	lot      int64 // the lot whose balance changes, or 0
	assembly int64 // the assembly (its balance when lot is 0; where the goods went otherwise)
	qty      int64 // signed: + in, − out
	handover int64
	reverses int64
	reason   string
	key      string
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// move inserts a ledger entry; the caller has already changed the balance it counts for.
func (s *Service) move(ctx context.Context, tx *store.Tx, a easyjob.Actor, org int64, m move) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO goodwill_moves (org_id, kind, lot_id, assembly_id, qty, handover_id, reverses, reason,
		idem_key, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		org, string(m.kind), nullID(m.lot), nullID(m.assembly), m.qty, nullID(m.handover), nullID(m.reverses), m.reason, m.key,
		a.UserID, tx.At).Scan(&id)
	if c, ok := store.UniqueViolation(err); ok {
		if contains(c, "reverses") {
			return 0, easyjob.Errorf(easyjob.ECONFLICT, "goodwill.already_reversed")
		}
		return 0, easyjob.Errorf(easyjob.ECONFLICT, "goodwill.idem_key_used")
	}
	return id, err
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// takeLot takes n from a lot's balance, or answers that the stock is short.
func takeLot(ctx context.Context, tx *store.Tx, lot, n int64) error {
	res, err := tx.ExecContext(ctx, `UPDATE goodwill_lots SET qty = qty - $1 WHERE id = $2 AND qty >= $1`, n, lot)
	if err != nil {
		return err
	}
	if k, _ := res.RowsAffected(); k == 0 {
		return easyjob.Errorf(easyjob.ECONFLICT, "goodwill.stock_short_lot")
	}
	return nil
}

// StockItem is an item's quantity on hand, derived from the ledger.
type StockItem struct {
	ItemID int64  `json:"item_id"`
	Name   string `json:"name"`
	Unit   string `json:"unit"`
	OnHand int64  `json:"on_hand"`
	// ByEarmark splits OnHand by the donors' earmarks ("" is general use).
	ByEarmark map[string]int64 `json:"by_earmark"`
}

// PackStock is a campaign's packages on hand, derived from the ledger.
type PackStock struct {
	CampaignID int64  `json:"campaign_id"`
	Campaign   string `json:"campaign"`
	Package    string `json:"package"`
	OnHand     int64  `json:"on_hand"`
}

// Stock is an organisation's stock.
type Stock struct {
	OrgID    int64       `json:"org_id"`
	Items    []StockItem `json:"items"`
	Packages []PackStock `json:"packages"`
}

// Stock derives the organisation's quantities on hand from the ledger (sums of entries),
// not from the caches.
func (s *Service) Stock(ctx context.Context, a easyjob.Actor, org int64) (_ Stock, err error) {
	defer func() { err = store.Wrap(err, "goodwill.Stock", "org", org) }()
	if err := s.mustSee(ctx, a, org); err != nil {
		return Stock{}, err
	}
	q := s.S.DB.R
	type row struct {
		id         int64
		name, unit string
		mark       string
		n          int64
	}
	rows, err := store.Select(ctx, q, func(sc store.Scanner) (row, error) {
		var r row
		err := sc.Scan(&r.id, &r.name, &r.unit, &r.mark, &r.n)
		return r, err
	}, `SELECT i.id, i.name, i.unit, COALESCE(l.earmark, ''), COALESCE(SUM(m.qty), 0) FROM goodwill_items i
		LEFT JOIN goodwill_lots l ON l.item_id = i.id LEFT JOIN goodwill_moves m ON m.lot_id = l.id
		WHERE i.org_id = $1 GROUP BY i.id, i.name, i.unit, COALESCE(l.earmark, '') ORDER BY i.id, 4`, org)
	if err != nil {
		return Stock{}, err
	}
	st := Stock{OrgID: org, Items: []StockItem{}}
	for _, r := range rows {
		if n := len(st.Items); n == 0 || st.Items[n-1].ItemID != r.id {
			st.Items = append(st.Items, StockItem{ItemID: r.id, Name: r.name, Unit: r.unit, ByEarmark: map[string]int64{}})
		}
		it := &st.Items[len(st.Items)-1]
		it.OnHand += r.n
		if r.n != 0 {
			it.ByEarmark[r.mark] += r.n
		}
	}
	st.Packages, err = store.Select(ctx, q, func(sc store.Scanner) (PackStock, error) {
		var p PackStock
		err := sc.Scan(&p.CampaignID, &p.Campaign, &p.Package, &p.OnHand)
		return p, err
	}, `SELECT c.id, c.name, p.name, COALESCE(SUM(m.qty), 0) FROM goodwill_campaigns c JOIN goodwill_packages p ON p.id = c.package_id
		LEFT JOIN goodwill_assemblies x ON x.campaign_id = c.id LEFT JOIN goodwill_moves m ON m.assembly_id = x.id AND m.lot_id IS NULL
		WHERE c.org_id = $1 GROUP BY c.id, c.name, p.name ORDER BY c.id`, org)
	return st, err
}

// Reconcile returns the lots and assemblies whose cached balance differs from the ledger's
// sum (always none; the tests and the stock page check it).
func (s *Service) Reconcile(ctx context.Context, org int64) (_ []string, err error) {
	defer func() { err = store.Wrap(err, "goodwill.Reconcile", "org", org) }()
	out := []string{}
	bad, err := store.Select(ctx, s.S.DB.R, func(sc store.Scanner) (string, error) {
		var id, cache, sum int64
		err := sc.Scan(&id, &cache, &sum)
		return fmt.Sprintf("lot %d: %d cached, %d in the ledger", id, cache, sum), err
	}, `SELECT l.id, l.qty, COALESCE(SUM(m.qty), 0) FROM goodwill_lots l LEFT JOIN goodwill_moves m ON m.lot_id = l.id
		WHERE l.org_id = $1 GROUP BY l.id, l.qty HAVING l.qty <> COALESCE(SUM(m.qty), 0)`, org)
	if err != nil {
		return nil, err
	}
	out = append(out, bad...)
	bad, err = store.Select(ctx, s.S.DB.R, func(sc store.Scanner) (string, error) {
		var id, cache, sum int64
		err := sc.Scan(&id, &cache, &sum)
		return fmt.Sprintf("assembly %d: %d cached, %d in the ledger", id, cache, sum), err
	}, `SELECT x.id, x.on_hand, COALESCE(SUM(m.qty), 0) FROM goodwill_assemblies x
		LEFT JOIN goodwill_moves m ON m.assembly_id = x.id AND m.lot_id IS NULL
		WHERE x.org_id = $1 GROUP BY x.id, x.on_hand HAVING x.on_hand <> COALESCE(SUM(m.qty), 0)`, org)
	return append(out, bad...), err
}

// WriteOffInput writes goods off (damaged, expired) with a reason.
type WriteOffInput struct {
	ItemID  int64  `json:"item_id"`
	Qty     int64  `json:"qty"`
	Reason  string `json:"reason"`
	IdemKey string `json:"idempotency_key"`
}

// WriteOff takes goods of an item out of stock, oldest lots first; more than is on hand is
// a conflict and nothing is written.
func (s *Service) WriteOff(ctx context.Context, a easyjob.Actor, in WriteOffInput) (err error) {
	defer func() { err = store.Wrap(err, "goodwill.WriteOff", "item", in.ItemID) }()
	org, err := s.staff(ctx, a, true)
	if err != nil {
		return err
	}
	f := easyjob.Fields{}
	if in.Qty <= 0 || in.Qty > maxQty {
		f.Add("qty", "goodwill.qty_positive")
	}
	trimmed(f, "reason", &in.Reason, 200, true)
	checkKey(f, in.IdemKey)
	if err := f.Err(); err != nil {
		return err
	}
	return s.S.Tx(ctx, func(tx *store.Tx) error {
		if done, err := keyUsed(ctx, tx, org, in.IdemKey+"/0"); err != nil || done {
			return err
		}
		var name string
		if err := tx.QueryRowContext(ctx, `SELECT name FROM goodwill_items WHERE id = $1 AND org_id = $2`, in.ItemID, org).Scan(&name); err != nil {
			return store.NotFound(err, "item")
		}
		lots, err := lockLots(ctx, tx, `SELECT id FROM goodwill_lots WHERE org_id = $1 AND item_id = $2 AND qty > 0 ORDER BY id`, org, in.ItemID)
		if err != nil {
			return err
		}
		plan, have := allocate(lots, in.Qty)
		if have < in.Qty {
			return easyjob.Errorf(easyjob.ECONFLICT, "goodwill.stock_short", "item", name, "need", in.Qty, "have", have)
		}
		for i, p := range plan {
			if err := takeLot(ctx, tx, p.id, p.qty); err != nil {
				return err
			}
			if _, err := s.move(ctx, tx, a, org, move{kind: MoveWrittenOff, lot: p.id, qty: -p.qty, reason: in.Reason,
				key: fmt.Sprintf("%s/%d", in.IdemKey, i)}); err != nil {
				return err
			}
		}
		return nil
	})
}

// keyUsed tells whether a ledger entry with the key exists (an earlier run of the same request).
func keyUsed(ctx context.Context, tx *store.Tx, org int64, key string) (bool, error) {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM goodwill_moves WHERE org_id = $1 AND idem_key = $2`, org, key).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

type lotQty struct{ id, qty int64 }

// lockLots locks the lots a query selects (in ascending id order, so that two transactions
// that take from the same lots queue instead of deadlocking) and reads their balances,
// which cannot change under the transaction from then on.
func lockLots(ctx context.Context, tx *store.Tx, query string, args ...any) ([]lotQty, error) {
	ids, err := store.Select(ctx, tx, func(sc store.Scanner) (int64, error) {
		var id int64
		return id, sc.Scan(&id)
	}, query, args...)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	if err := store.LockRows(ctx, tx, "goodwill_lots", "qty", ids...); err != nil {
		return nil, err
	}
	out := make([]lotQty, 0, len(ids))
	for _, id := range ids { // in the query's order: the order goods are taken in
		var q int64
		if err := tx.QueryRowContext(ctx, `SELECT qty FROM goodwill_lots WHERE id = $1`, id).Scan(&q); err != nil {
			return nil, err
		}
		out = append(out, lotQty{id, q})
	}
	return out, nil
}

// allocate takes need from lots in order; it returns what to take from each and what there is.
func allocate(lots []lotQty, need int64) ([]lotQty, int64) {
	var plan []lotQty
	var have int64
	for _, l := range lots {
		have += l.qty
		if need > 0 && l.qty > 0 {
			n := min(need, l.qty)
			plan = append(plan, lotQty{l.id, n})
			need -= n
		}
	}
	return plan, have
}

// Move is a ledger entry as the organisation's pages and the API show it.
type Move struct {
	ID        int64     `json:"id"`
	Kind      MoveKind  `json:"kind"`
	Item      string    `json:"item,omitempty"`     // goods
	Campaign  string    `json:"campaign,omitempty"` // packages, or where goods went
	Qty       int64     `json:"qty"`
	Reason    string    `json:"reason,omitempty"`
	Reverses  int64     `json:"reverses,omitempty"`
	Reversed  bool      `json:"reversed"`
	CreatedAt time.Time `json:"created_at"`
}

// Reversible tells whether staff may correct the entry by a reversing entry.
func (m Move) Reversible() bool { return m.Kind.Reversible() && !m.Reversed }

// Moves lists the organisation's latest ledger entries.
func (s *Service) Moves(ctx context.Context, a easyjob.Actor, org int64, limit int) (_ []Move, err error) {
	defer func() { err = store.Wrap(err, "goodwill.Moves", "org", org) }()
	if err := s.mustSee(ctx, a, org); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	return store.Select(ctx, s.S.DB.R, func(sc store.Scanner) (Move, error) {
		var m Move
		var kind string
		var at int64
		err := sc.Scan(&m.ID, &kind, &m.Item, &m.Campaign, &m.Qty, &m.Reason, &m.Reverses, &m.Reversed, &at)
		m.Kind, m.CreatedAt = MoveKind(kind), easyjob.FromMillis(at)
		return m, err
	}, `SELECT m.id, m.kind, COALESCE(i.name, ''), COALESCE(c.name, ''), m.qty, m.reason, COALESCE(m.reverses, 0),
		EXISTS (SELECT 1 FROM goodwill_moves r WHERE r.reverses = m.id), m.created_at
		FROM goodwill_moves m LEFT JOIN goodwill_lots l ON l.id = m.lot_id LEFT JOIN goodwill_items i ON i.id = l.item_id
		LEFT JOIN goodwill_assemblies x ON x.id = m.assembly_id LEFT JOIN goodwill_campaigns c ON c.id = x.campaign_id
		WHERE m.org_id = $1 ORDER BY m.id DESC LIMIT $2`, org, limit)
}

// Reverse corrects a receipt or a write-off by a reversing entry (the entry itself never
// changes). Reversing a receipt takes the goods back out of stock, so goods already used
// cannot be un-received: that is a conflict and nothing is written. An entry is reversed once.
func (s *Service) Reverse(ctx context.Context, a easyjob.Actor, moveID int64, reason, key string) (err error) {
	defer func() { err = store.Wrap(err, "goodwill.Reverse", "move", moveID) }()
	org, err := s.staff(ctx, a, true)
	if err != nil {
		return err
	}
	f := easyjob.Fields{}
	trimmed(f, "reason", &reason, 200, true)
	checkKey(f, key)
	if err := f.Err(); err != nil {
		return err
	}
	return s.S.Tx(ctx, func(tx *store.Tx) error {
		if done, err := keyUsed(ctx, tx, org, key); err != nil || done {
			return err
		}
		var kind string
		var lot sql.NullInt64
		var qty int64
		err := tx.QueryRowContext(ctx, `SELECT kind, lot_id, qty FROM goodwill_moves WHERE id = $1 AND org_id = $2`, moveID, org).Scan(&kind, &lot, &qty)
		if err != nil {
			return store.NotFound(err, "move")
		}
		if !MoveKind(kind).Reversible() || !lot.Valid {
			return easyjob.Errorf(easyjob.ECONFLICT, "goodwill.not_reversible")
		}
		if qty > 0 { // a receipt: take it back out
			if err := takeLot(ctx, tx, lot.Int64, qty); err != nil {
				return easyjob.Errorf(easyjob.ECONFLICT, "goodwill.reverse_used")
			}
		} else if _, err := tx.ExecContext(ctx, `UPDATE goodwill_lots SET qty = qty + $1 WHERE id = $2`, -qty, lot.Int64); err != nil {
			return err
		}
		_, err = s.move(ctx, tx, a, org, move{kind: MoveReversal, lot: lot.Int64, qty: -qty, reverses: moveID, reason: reason, key: key})
		return err
	})
}
