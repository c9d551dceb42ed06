package goodwill

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/store"
)

// Goodwill packages (goodwill_packages, goodwill_package_items), campaigns
// (goodwill_campaigns) with their distribution points (goodwill_points), and assemblies
// (goodwill_assemblies): packages put together from stock for a campaign.

// PackageItem is one item of a package.
type PackageItem struct {
	ItemID int64  `json:"item_id"`
	Item   string `json:"item"`
	Unit   string `json:"unit"`
	Qty    int64  `json:"qty"`
}

// Package is a named list of items with a value.
type Package struct {
	ID       int64         `json:"id"`
	Name     string        `json:"name"`
	ValueFen int64         `json:"value_fen"`
	Items    []PackageItem `json:"items"`
}

// PackageInput defines a package; items are named as in the stock (new names are added).
type PackageInput struct {
	Name     string `json:"name"`
	ValueFen int64  `json:"value_fen"`
	Items    []Line `json:"items"`
}

// DefinePackage adds a package to the organisation's list.
func (s *Service) DefinePackage(ctx context.Context, a easyjob.Actor, in PackageInput) (_ Package, err error) {
	defer func() { err = store.Wrap(err, "goodwill.DefinePackage") }()
	org, err := s.staff(ctx, a, true)
	if err != nil {
		return Package{}, err
	}
	f := easyjob.Fields{}
	trimmed(f, "name", &in.Name, 40, true)
	if in.ValueFen < 0 || in.ValueFen > 100_000_000 {
		f.Add("value_fen", "goodwill.amount_positive")
	}
	if len(in.Items) == 0 || len(in.Items) > 20 {
		f.Add("items", "goodwill.lines_required")
	}
	seen := map[string]bool{}
	for i := range in.Items {
		l := &in.Items[i]
		p := "items[" + strconv.Itoa(i) + "]."
		trimmed(f, p+"item", &l.Item, 40, true)
		trimmed(f, p+"unit", &l.Unit, 10, false)
		if l.Qty <= 0 || l.Qty > 1000 {
			f.Add(p+"qty", "goodwill.qty_positive")
		}
		if seen[l.Item] {
			f.Add(p+"item", "goodwill.item_twice")
		}
		seen[l.Item] = true
	}
	if err := f.Err(); err != nil {
		return Package{}, err
	}
	p := Package{Name: in.Name, ValueFen: in.ValueFen}
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		p.Items = nil
		err := tx.QueryRowContext(ctx, `INSERT INTO goodwill_packages (org_id, name, value_fen, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			org, p.Name, p.ValueFen, tx.At).Scan(&p.ID)
		if _, ok := store.UniqueViolation(err); ok {
			f := easyjob.Fields{}
			f.Add("name", "goodwill.name_taken")
			return f.Err()
		}
		if err != nil {
			return err
		}
		for _, l := range in.Items {
			item, err := s.itemID(ctx, tx, org, l.Item, l.Unit)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO goodwill_package_items (package_id, item_id, qty) VALUES ($1, $2, $3)`, p.ID, item, l.Qty); err != nil {
				return err
			}
			p.Items = append(p.Items, PackageItem{ItemID: item, Item: l.Item, Unit: l.Unit, Qty: l.Qty})
		}
		return nil
	})
	return p, err
}

// Packages lists the organisation's packages.
func (s *Service) Packages(ctx context.Context, a easyjob.Actor, org int64) (_ []Package, err error) {
	defer func() { err = store.Wrap(err, "goodwill.Packages", "org", org) }()
	if err := s.mustSee(ctx, a, org); err != nil {
		return nil, err
	}
	ps, err := store.Select(ctx, s.S.DB.R, func(sc store.Scanner) (Package, error) {
		var p Package
		return p, sc.Scan(&p.ID, &p.Name, &p.ValueFen)
	}, `SELECT id, name, value_fen FROM goodwill_packages WHERE org_id = $1 ORDER BY id`, org)
	for i := range ps {
		if err == nil {
			ps[i].Items, err = s.packageItems(ctx, ps[i].ID)
		}
	}
	return ps, err
}

func (s *Service) packageItems(ctx context.Context, id int64) ([]PackageItem, error) {
	return store.Select(ctx, s.S.DB.R, func(sc store.Scanner) (PackageItem, error) {
		var p PackageItem
		return p, sc.Scan(&p.ItemID, &p.Item, &p.Unit, &p.Qty)
	}, `SELECT i.id, i.name, i.unit, x.qty FROM goodwill_package_items x JOIN goodwill_items i ON i.id = x.item_id
		WHERE x.package_id = $1 ORDER BY i.id`, id)
}

// Campaign is a distribution of packages to groups of recipients, with a target.
type Campaign struct {
	ID        int64     `json:"id"`
	OrgID     int64     `json:"org_id"`
	Name      string    `json:"name"`
	Target    int       `json:"target"`
	Groups    []Group   `json:"groups"`
	PackageID int64     `json:"package_id"`
	Package   string    `json:"package"`
	Points    []Point   `json:"points"`
	CreatedAt time.Time `json:"created_at"`
}

// HasGroup tells whether the campaign serves the group.
func (c Campaign) HasGroup(g Group) bool { return slices.Contains(c.Groups, g) }

// Point is a distribution point.
type Point struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	District string `json:"district"`
	Address  string `json:"address"`
}

// CampaignInput creates a campaign with its first distribution points.
type CampaignInput struct {
	Name      string  `json:"name"`
	Target    int     `json:"target"`
	Groups    []Group `json:"groups"`
	PackageID int64   `json:"package_id"`
	Points    []Point `json:"points"`
}

// CreateCampaign starts a campaign.
func (s *Service) CreateCampaign(ctx context.Context, a easyjob.Actor, in CampaignInput) (_ Campaign, err error) {
	defer func() { err = store.Wrap(err, "goodwill.CreateCampaign") }()
	org, err := s.staff(ctx, a, true)
	if err != nil {
		return Campaign{}, err
	}
	f := easyjob.Fields{}
	trimmed(f, "name", &in.Name, 60, true)
	if in.Target <= 0 || in.Target > 1_000_000 {
		f.Add("target", "goodwill.target_positive")
	}
	if len(in.Groups) == 0 {
		f.Add("groups", "goodwill.groups_required")
	}
	for _, g := range in.Groups {
		if !g.Valid() {
			f.Add("groups", "goodwill.earmark_unknown")
		}
	}
	slices.Sort(in.Groups)
	in.Groups = slices.Compact(in.Groups)
	var pname string
	if err := s.S.DB.R.QueryRowContext(ctx, `SELECT name FROM goodwill_packages WHERE id = $1 AND org_id = $2`, in.PackageID, org).Scan(&pname); err != nil {
		if easyjob.ErrorCode(store.NotFound(err, "package")) != easyjob.ENOTFOUND {
			return Campaign{}, err
		}
		f.Add("package_id", "goodwill.package_unknown")
	}
	if len(in.Points) == 0 || len(in.Points) > 50 {
		f.Add("points", "goodwill.points_required")
	}
	for i := range in.Points {
		p := &in.Points[i]
		k := "points[" + strconv.Itoa(i) + "]."
		trimmed(f, k+"name", &p.Name, 60, true)
		trimmed(f, k+"address", &p.Address, 120, false)
		if !s.S.Ref.ShenzhenDistrict(p.District) {
			f.Add(k+"district", "field.region")
		}
	}
	if err := f.Err(); err != nil {
		return Campaign{}, err
	}
	c := Campaign{OrgID: org, Name: in.Name, Target: in.Target, Groups: in.Groups, PackageID: in.PackageID, Package: pname}
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		c.CreatedAt, c.Points = tx.Now, nil
		if err := tx.QueryRowContext(ctx, `INSERT INTO goodwill_campaigns (org_id, name, target, recipient_groups, package_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, org, c.Name, c.Target, joinGroups(c.Groups), c.PackageID, tx.At).Scan(&c.ID); err != nil {
			return err
		}
		for _, p := range in.Points {
			if err := tx.QueryRowContext(ctx, `INSERT INTO goodwill_points (campaign_id, name, district, address) VALUES ($1, $2, $3, $4) RETURNING id`,
				c.ID, p.Name, p.District, p.Address).Scan(&p.ID); err != nil {
				return err
			}
			c.Points = append(c.Points, p)
		}
		return nil
	})
	return c, err
}

func (s *Service) campaign(ctx context.Context, q rower, id int64) (Campaign, error) {
	var c Campaign
	var groups string
	var at int64
	err := q.QueryRowContext(ctx, `SELECT c.id, c.org_id, c.name, c.target, c.recipient_groups, c.package_id, p.name, c.created_at
		FROM goodwill_campaigns c JOIN goodwill_packages p ON p.id = c.package_id WHERE c.id = $1`, id).
		Scan(&c.ID, &c.OrgID, &c.Name, &c.Target, &groups, &c.PackageID, &c.Package, &at)
	c.Groups, c.CreatedAt = splitGroups(groups), easyjob.FromMillis(at)
	return c, store.NotFound(err, "campaign")
}

// Campaign returns a campaign with its points.
func (s *Service) Campaign(ctx context.Context, a easyjob.Actor, id int64) (_ Campaign, err error) {
	defer func() { err = store.Wrap(err, "goodwill.Campaign", "campaign", id) }()
	c, err := s.campaign(ctx, s.S.DB.R, id)
	if err != nil {
		return c, err
	}
	if err := s.mustSee(ctx, a, c.OrgID); err != nil {
		return Campaign{}, err
	}
	c.Points, err = store.Select(ctx, s.S.DB.R, func(sc store.Scanner) (Point, error) {
		var p Point
		return p, sc.Scan(&p.ID, &p.Name, &p.District, &p.Address)
	}, `SELECT id, name, district, address FROM goodwill_points WHERE campaign_id = $1 ORDER BY id`, id)
	return c, err
}

// Campaigns lists the organisation's campaigns.
func (s *Service) Campaigns(ctx context.Context, a easyjob.Actor, org int64) (_ []Campaign, err error) {
	defer func() { err = store.Wrap(err, "goodwill.Campaigns", "org", org) }()
	if err := s.mustSee(ctx, a, org); err != nil {
		return nil, err
	}
	ids, err := store.Select(ctx, s.S.DB.R, func(sc store.Scanner) (int64, error) {
		var id int64
		return id, sc.Scan(&id)
	}, `SELECT id FROM goodwill_campaigns WHERE org_id = $1 ORDER BY id DESC`, org)
	out := make([]Campaign, 0, len(ids))
	for _, id := range ids {
		if err != nil {
			break
		}
		var c Campaign
		c, err = s.campaign(ctx, s.S.DB.R, id)
		out = append(out, c)
	}
	return out, err
}

// Assembly is a batch of packages put together for a campaign.
type Assembly struct {
	ID         int64     `json:"id"`
	CampaignID int64     `json:"campaign_id"`
	Count      int       `json:"count"`
	OnHand     int       `json:"on_hand"`
	CreatedAt  time.Time `json:"created_at"`
}

// Assemble puts count packages together for a campaign, taking their items from stock: lots
// given for the campaign first, then lots earmarked for one of its groups, then general
// lots, oldest first. Goods earmarked for other groups or other campaigns are never used.
// Too little stock of any item is a conflict naming it, and nothing is written. The same
// idempotency key returns the batch already assembled.
func (s *Service) Assemble(ctx context.Context, a easyjob.Actor, campaignID int64, count int, key string) (_ Assembly, err error) {
	defer func() { err = store.Wrap(err, "goodwill.Assemble", "campaign", campaignID) }()
	org, err := s.staff(ctx, a, true)
	if err != nil {
		return Assembly{}, err
	}
	c, err := s.campaign(ctx, s.S.DB.R, campaignID)
	if err != nil || c.OrgID != org {
		return Assembly{}, cmpErr(err, easyjob.NotFound("campaign"))
	}
	f := easyjob.Fields{}
	if count <= 0 || count > 100_000 {
		f.Add("count", "goodwill.qty_positive")
	}
	checkKey(f, key)
	if err := f.Err(); err != nil {
		return Assembly{}, err
	}
	items, err := s.packageItems(ctx, c.PackageID)
	if err != nil {
		return Assembly{}, err
	}
	marks := []any{org, c.ID}
	ph := []string{}
	for _, g := range c.Groups {
		marks = append(marks, string(g))
		ph = append(ph, "$"+strconv.Itoa(len(marks)+1))
	}
	var x Assembly
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT id, campaign_id, count, on_hand, created_at FROM goodwill_assemblies WHERE org_id = $1 AND idem_key = $2`,
			org, key).Scan(&x.ID, &x.CampaignID, &x.Count, &x.OnHand, new(int64))
		if err == nil {
			return nil // assembled before
		}
		if easyjob.ErrorCode(store.NotFound(err, "assembly")) != easyjob.ENOTFOUND {
			return err
		}
		type take struct {
			item int64
			plan []lotQty
		}
		var takes []take
		for _, it := range items {
			need := it.Qty * int64(count)
			args := append([]any{it.ItemID}, marks...)
			lots, err := lockLots(ctx, tx, `SELECT id FROM goodwill_lots WHERE item_id = $1 AND org_id = $2 AND qty > 0
				AND (campaign_id = $3 OR (campaign_id IS NULL AND (earmark = ''`+orEarmarks(ph)+`)))
				ORDER BY CASE WHEN campaign_id IS NOT NULL THEN 0 WHEN earmark <> '' THEN 1 ELSE 2 END, id`, args...)
			if err != nil {
				return err
			}
			plan, have := allocate(lots, need)
			if have < need {
				return easyjob.Errorf(easyjob.ECONFLICT, "goodwill.stock_short", "item", it.Item, "need", need, "have", have)
			}
			takes = append(takes, take{it.ItemID, plan})
		}
		x = Assembly{CampaignID: c.ID, Count: count, OnHand: count, CreatedAt: tx.Now}
		if err := tx.QueryRowContext(ctx, `INSERT INTO goodwill_assemblies (org_id, campaign_id, package_id, count, on_hand, idem_key, created_by, created_at)
			VALUES ($1, $2, $3, $4, $4, $5, $6, $7) RETURNING id`, org, c.ID, c.PackageID, count, key, a.UserID, tx.At).Scan(&x.ID); err != nil {
			return err
		}
		n := 0
		for _, t := range takes {
			for _, p := range t.plan {
				if err := takeLot(ctx, tx, p.id, p.qty); err != nil {
					return err
				}
				if _, err := s.move(ctx, tx, a, org, move{kind: MoveAssembled, lot: p.id, assembly: x.ID, qty: -p.qty, key: fmt.Sprintf("%s/%d", key, n)}); err != nil {
					return err
				}
				n++
			}
		}
		_, err = s.move(ctx, tx, a, org, move{kind: MoveAssembled, assembly: x.ID, qty: int64(count), key: key + "/packages"})
		return err
	})
	x.CreatedAt = easyjob.FromMillis(easyjob.Millis(x.CreatedAt))
	return x, err
}

func orEarmarks(ph []string) string {
	if len(ph) == 0 {
		return ""
	}
	return " OR earmark IN (" + strings.Join(ph, ", ") + ")"
}
