package goodwill

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/store"
)

// Donations (goodwill_donations) of money or of goods. Goods arrive as lots (goodwill_lots,
// one per item of a donation) through "received" entries of the ledger. A receipt has a
// number and a key (derived from the number with the store's index key, so it is never
// stored and can always be shown again); with both, the donor sees where the gift went.

// DonationKind is money or goods.
type DonationKind string

const (
	Money DonationKind = "money"
	Goods DonationKind = "goods"
)

// Line is one item of a donation of goods.
type Line struct {
	Item string `json:"item"`
	Unit string `json:"unit"`
	Qty  int64  `json:"qty"`
}

// DonationInput is a donation as recorded by the organisation's staff.
type DonationInput struct {
	Kind       DonationKind `json:"kind"`
	Donor      string       `json:"donor"`
	Earmark    Group        `json:"earmark"`     // "" for general use
	CampaignID int64        `json:"campaign_id"` // 0: any campaign the earmark fits
	AmountFen  int64        `json:"amount_fen"`  // money, in fen
	Lines      []Line       `json:"lines"`       // goods
	IdemKey    string       `json:"idempotency_key"`
}

// Donation is a recorded donation with its receipt.
type Donation struct {
	ID         int64        `json:"id"`
	OrgID      int64        `json:"org_id"`
	Kind       DonationKind `json:"kind"`
	Donor      string       `json:"donor"`
	Earmark    Group        `json:"earmark"`
	CampaignID int64        `json:"campaign_id,omitempty"`
	AmountFen  int64        `json:"amount_fen"`
	ReceiptNo  string       `json:"receipt_no"`
	ReceiptKey string       `json:"receipt_key"` // with the number, opens the donor's page
	CreatedAt  time.Time    `json:"created_at"`
}

// ReceiptPath is the donor's page of the donation.
func (d Donation) ReceiptPath() string {
	return "/goodwill/receipts/" + d.ReceiptNo + "?key=" + d.ReceiptKey
}

// maxQty bounds any quantity.
const maxQty = 10_000_000

// checkKey checks an idempotency key: 1 to 80 printable characters.
func checkKey(f easyjob.Fields, key string) {
	if key == "" || len(key) > 80 || easyjob.TextProblem(key) != "" {
		f.Add("idempotency_key", "goodwill.idem_key")
	}
}

// Donate records a donation and, for goods, its lots and ledger entries, all or nothing. The
// same idempotency key returns the donation already recorded.
func (s *Service) Donate(ctx context.Context, a easyjob.Actor, in DonationInput) (_ Donation, err error) {
	defer func() { err = store.Wrap(err, "goodwill.Donate") }()
	org, err := s.staff(ctx, a, true)
	if err != nil {
		return Donation{}, err
	}
	f := easyjob.Fields{}
	trimmed(f, "donor", &in.Donor, 80, true)
	checkKey(f, in.IdemKey)
	if in.Earmark != "" && !in.Earmark.Valid() {
		f.Add("earmark", "goodwill.earmark_unknown")
	}
	switch in.Kind {
	case Money:
		if in.AmountFen <= 0 || in.AmountFen > 100_000_000_000 {
			f.Add("amount_fen", "goodwill.amount_positive")
		}
		if len(in.Lines) > 0 {
			f.Add("lines", "goodwill.money_no_lines")
		}
	case Goods:
		if in.AmountFen != 0 {
			f.Add("amount_fen", "goodwill.goods_no_amount")
		}
		if len(in.Lines) == 0 || len(in.Lines) > 50 {
			f.Add("lines", "goodwill.lines_required")
		}
		for i := range in.Lines {
			l := &in.Lines[i]
			p := "lines[" + strconv.Itoa(i) + "]."
			trimmed(f, p+"item", &l.Item, 40, true)
			trimmed(f, p+"unit", &l.Unit, 10, false)
			if l.Qty <= 0 || l.Qty > maxQty {
				f.Add(p+"qty", "goodwill.qty_positive")
			}
		}
	default:
		f.Add("kind", "goodwill.kind_invalid")
	}
	var camp *Campaign
	if in.CampaignID != 0 {
		c, err := s.campaign(ctx, s.S.DB.R, in.CampaignID)
		switch {
		case easyjob.ErrorCode(err) == easyjob.ENOTFOUND || err == nil && c.OrgID != org:
			f.Add("campaign_id", "goodwill.campaign_unknown")
		case err != nil:
			return Donation{}, err
		case in.Earmark != "" && !c.HasGroup(in.Earmark):
			f.Add("earmark", "goodwill.earmark_mismatch", "campaign", c.Name)
		default:
			camp = &c
		}
	}
	if err := f.Err(); err != nil {
		return Donation{}, err
	}
	var d Donation
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if d, err = s.donationByKey(ctx, tx, org, in.IdemKey); err == nil {
			return nil // recorded before
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		d = Donation{OrgID: org, Kind: in.Kind, Donor: in.Donor, Earmark: in.Earmark, AmountFen: in.AmountFen, CreatedAt: tx.Now,
			ReceiptNo: "JZ" + strings.ReplaceAll(easyjob.DateOf(tx.Now).String(), "-", "") + randomDigits(6)}
		var campID any
		if camp != nil {
			d.CampaignID, campID = camp.ID, camp.ID
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO goodwill_donations (org_id, kind, donor, earmark, campaign_id, amount_fen, receipt_no,
			idem_key, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			org, string(d.Kind), d.Donor, string(d.Earmark), campID, d.AmountFen, d.ReceiptNo, in.IdemKey, a.UserID, tx.At).Scan(&d.ID)
		if err != nil {
			return err
		}
		for i, l := range in.Lines {
			item, err := s.itemID(ctx, tx, org, l.Item, l.Unit)
			if err != nil {
				return err
			}
			var lot int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO goodwill_lots (org_id, item_id, donation_id, earmark, campaign_id, qty)
				VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, org, item, d.ID, string(d.Earmark), campID, l.Qty).Scan(&lot); err != nil {
				return err
			}
			if _, err := s.move(ctx, tx, a, org, move{kind: MoveReceived, lot: lot, qty: l.Qty, key: fmt.Sprintf("%s/%d", in.IdemKey, i)}); err != nil {
				return err
			}
		}
		return nil
	})
	d.ReceiptKey = s.receiptKey(d.ReceiptNo)
	return d, err
}

// receiptKey is the secret half of a receipt: derived from its number, never stored.
func (s *Service) receiptKey(no string) string {
	return s.S.Sealer.BlindIndex("goodwill.receipt:" + no)[:16]
}

const donationCols = `id, org_id, kind, donor, earmark, COALESCE(campaign_id, 0), amount_fen, receipt_no, created_at`

func scanDonation(row store.Scanner) (Donation, error) {
	var d Donation
	var kind, mark string
	var at int64
	err := row.Scan(&d.ID, &d.OrgID, &kind, &d.Donor, &mark, &d.CampaignID, &d.AmountFen, &d.ReceiptNo, &at)
	d.Kind, d.Earmark, d.CreatedAt = DonationKind(kind), Group(mark), easyjob.FromMillis(at)
	return d, err
}

func (s *Service) donationByKey(ctx context.Context, q rower, org int64, key string) (Donation, error) {
	return scanDonation(q.QueryRowContext(ctx, `SELECT `+donationCols+` FROM goodwill_donations WHERE org_id = $1 AND idem_key = $2`, org, key))
}

// itemID finds or adds an item of the organisation's catalogue.
func (s *Service) itemID(ctx context.Context, tx *store.Tx, org int64, name, unit string) (int64, error) {
	if _, err := tx.ExecContext(ctx, `INSERT INTO goodwill_items (org_id, name, unit) VALUES ($1, $2, $3)
		ON CONFLICT (org_id, name) DO NOTHING`, org, name, unit); err != nil {
		return 0, err
	}
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM goodwill_items WHERE org_id = $1 AND name = $2`, org, name).Scan(&id)
	return id, err
}

// Donations lists an organisation's donations, newest first, with their receipt keys.
func (s *Service) Donations(ctx context.Context, a easyjob.Actor, org int64) (_ []Donation, err error) {
	defer func() { err = store.Wrap(err, "goodwill.Donations", "org", org) }()
	if err := s.mustSee(ctx, a, org); err != nil {
		return nil, err
	}
	ds, err := store.Select(ctx, s.S.DB.R, scanDonation, `SELECT `+donationCols+` FROM goodwill_donations WHERE org_id = $1 ORDER BY id DESC LIMIT 200`, org)
	for i := range ds {
		ds[i].ReceiptKey = s.receiptKey(ds[i].ReceiptNo)
	}
	return ds, err
}

// Trace is what a donor sees: the receipt, and for each item where it went, down to the
// campaign and the count of packages holding it that were handed over.
type Trace struct {
	Donation
	OrgName      string      `json:"org_name"`
	CampaignName string      `json:"campaign_name,omitempty"`
	Lines        []TraceLine `json:"lines"`
}

// TraceLine is one item of the donation.
type TraceLine struct {
	Item       string        `json:"item"`
	Unit       string        `json:"unit"`
	Received   int64         `json:"received"` // after corrections
	OnHand     int64         `json:"on_hand"`
	WrittenOff int64         `json:"written_off"`
	Campaigns  []TraceTarget `json:"campaigns"`
}

// TraceTarget is how much of an item went into one campaign's packages.
type TraceTarget struct {
	CampaignID int64  `json:"campaign_id"`
	Campaign   string `json:"campaign"`
	Target     int    `json:"target"`
	Qty        int64  `json:"qty"`       // of the item, in packages
	Packages   int64  `json:"packages"`  // packages assembled with it
	Delivered  int64  `json:"delivered"` // of those packages, handed over
}

// Trace answers a donor who holds the receipt's number and key (no account needed).
func (s *Service) Trace(ctx context.Context, no, key string) (_ Trace, err error) {
	defer func() { err = store.Wrap(err, "goodwill.Trace") }()
	if no == "" || len(no) > 40 || key != s.receiptKey(no) {
		return Trace{}, easyjob.NotFound("receipt")
	}
	q := s.S.DB.R
	d, err := scanDonation(q.QueryRowContext(ctx, `SELECT `+donationCols+` FROM goodwill_donations WHERE receipt_no = $1`, no))
	if err != nil {
		return Trace{}, store.NotFound(err, "receipt")
	}
	d.ReceiptKey = key
	t := Trace{Donation: d, Lines: []TraceLine{}}
	if err := q.QueryRowContext(ctx, `SELECT name FROM goodwill_orgs WHERE id = $1`, d.OrgID).Scan(&t.OrgName); err != nil {
		return Trace{}, err
	}
	if d.CampaignID != 0 {
		if err := q.QueryRowContext(ctx, `SELECT name FROM goodwill_campaigns WHERE id = $1`, d.CampaignID).Scan(&t.CampaignName); err != nil {
			return Trace{}, err
		}
	}
	type lotRow struct {
		id          int64
		item, unit  string
		qty         int64
		rec, wo, in int64
	}
	lots, err := store.Select(ctx, q, func(row store.Scanner) (lotRow, error) {
		var l lotRow
		err := row.Scan(&l.id, &l.item, &l.unit, &l.qty, &l.rec, &l.wo)
		return l, err
	}, `SELECT l.id, i.name, i.unit, l.qty,
		COALESCE(SUM(CASE WHEN m.kind = 'received' OR (m.kind = 'reversal' AND r.kind = 'received') THEN m.qty ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN m.kind = 'written_off' OR (m.kind = 'reversal' AND r.kind = 'written_off') THEN -m.qty ELSE 0 END), 0)
		FROM goodwill_lots l JOIN goodwill_items i ON i.id = l.item_id
		LEFT JOIN goodwill_moves m ON m.lot_id = l.id LEFT JOIN goodwill_moves r ON r.id = m.reverses
		WHERE l.donation_id = $1 GROUP BY l.id, i.name, i.unit, l.qty ORDER BY l.id`, d.ID)
	if err != nil {
		return Trace{}, err
	}
	for _, l := range lots {
		tl := TraceLine{Item: l.item, Unit: l.unit, Received: l.rec, OnHand: l.qty, WrittenOff: l.wo, Campaigns: []TraceTarget{}}
		tl.Campaigns, err = store.Select(ctx, q, func(row store.Scanner) (TraceTarget, error) {
			var x TraceTarget
			err := row.Scan(&x.CampaignID, &x.Campaign, &x.Target, &x.Qty, &x.Packages, &x.Delivered)
			return x, err
		}, `SELECT c.id, c.name, c.target, SUM(x.qty), SUM(x.count), SUM(x.delivered) FROM (
				SELECT m.assembly_id AS id, -SUM(m.qty) AS qty, MIN(a.count) AS count, MIN(a.campaign_id) AS campaign_id,
					(SELECT COALESCE(-SUM(d.qty), 0) FROM goodwill_moves d WHERE d.assembly_id = m.assembly_id AND d.kind = 'distributed') AS delivered
				FROM goodwill_moves m JOIN goodwill_assemblies a ON a.id = m.assembly_id
				WHERE m.kind = 'assembled' AND m.lot_id = $1 GROUP BY m.assembly_id) x
			JOIN goodwill_campaigns c ON c.id = x.campaign_id GROUP BY c.id, c.name, c.target ORDER BY c.id`, l.id)
		if err != nil {
			return Trace{}, err
		}
		t.Lines = append(t.Lines, tl)
	}
	return t, nil
}
