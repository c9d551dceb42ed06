package goodwill

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/export"
	"easyjob/internal/ident"
	"easyjob/internal/store"
)

// Recipients (goodwill_recipients) registered in bulk by their unit (goodwill_units), and
// hand-overs (goodwill_handovers): one package per person per campaign, held by the unique
// indexes on the blind indexes of the person's ID number and phone (the numbers themselves
// are sealed and never compared).

// UnitKinds are the kinds of unit that register recipients.
var UnitKinds = []string{"property", "hospital", "street_office", "other"}

// UnitInput names the unit a spreadsheet of recipients comes from.
type UnitInput struct {
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	District string `json:"district"`
}

// ImportColumns are the columns of a spreadsheet of recipients.
var ImportColumns = []export.Column{
	{Name: "name", Labels: []string{"姓名", "Name"}, Required: true},
	{Name: "id_number", Labels: []string{"身份证号", "身份证号码", "ID number"}},
	{Name: "phone", Labels: []string{"手机号", "手机号码", "电话", "Phone"}},
	{Name: "group", Labels: []string{"人群", "类别", "Group"}, Required: true},
}

// groupWords are the words a spreadsheet may use for a group.
var groupWords = map[string]Group{
	"frontline": GroupFrontline, "一线防疫人员": GroupFrontline, "一线防疫工作者": GroupFrontline, "防疫人员": GroupFrontline, "医护人员": GroupFrontline,
	"cleaners": GroupCleaners, "社区保洁员": GroupCleaners, "保洁员": GroupCleaners, "环卫工人": GroupCleaners,
	"patients": GroupPatients, "康复患者": GroupPatients, "患者": GroupPatients,
}

// RowError is what is wrong with one cell of an import: the spreadsheet's row and the
// column as the file names it.
type RowError struct {
	Row    int         `json:"row"`
	Column string      `json:"column"` // the header as written in the file, with its letter: "C 身份证号"
	Msg    easyjob.Msg `json:"-"`
}

// ImportResult is an import written in full.
type ImportResult struct {
	UnitID     int64 `json:"unit_id"`
	Registered int   `json:"registered"`
}

// colLetter is a spreadsheet column's letters: 0 → A, 26 → AA.
func colLetter(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// ImportRecipients registers the recipients of a spreadsheet (rows as read by export.ReadAll)
// for a unit of the campaign, all or nothing: any bad row (a missing name, an ID number or a
// phone that fails its check, neither of them, a group the campaign does not serve, a person
// twice in the file or already registered) refuses the whole file, naming every bad row and
// column. Each recipient with a phone receives the hand-over code by text message.
func (s *Service) ImportRecipients(ctx context.Context, a easyjob.Actor, campaignID int64, unit UnitInput, rows [][]string) (_ ImportResult, err error) {
	defer func() { err = store.Wrap(err, "goodwill.ImportRecipients", "campaign", campaignID) }()
	org, err := s.staff(ctx, a, true)
	if err != nil {
		return ImportResult{}, err
	}
	c, err := s.campaign(ctx, s.S.DB.R, campaignID)
	if err != nil || c.OrgID != org {
		return ImportResult{}, cmpErr(err, easyjob.NotFound("campaign"))
	}
	f := easyjob.Fields{}
	trimmed(f, "unit_name", &unit.Name, 60, true)
	if !contains(","+strings.Join(UnitKinds, ",")+",", ","+unit.Kind+",") || unit.Kind == "" {
		f.Add("unit_kind", "goodwill.unit_kind_invalid")
	}
	if !s.S.Ref.ShenzhenDistrict(unit.District) {
		f.Add("unit_district", "field.region")
	}
	if err := f.Err(); err != nil {
		return ImportResult{}, err
	}
	t, err := export.Match(rows, ImportColumns)
	if err != nil {
		return ImportResult{}, err
	}
	if len(t.Rows) > 5000 {
		f.Add("file", "import.err.too_many_rows", "max", 5000)
		return ImportResult{}, f.Err()
	}
	// The header as written, by column name, for the messages.
	header := map[string]string{}
	for start := 0; start < len(rows); start++ {
		if !blankRow(rows[start]) {
			for j, name := range t.Columns {
				if name != "" && j < len(rows[start]) {
					header[name] = colLetter(j) + " " + strings.TrimSpace(rows[start][j])
				}
			}
			break
		}
	}
	type person struct {
		line              int
		name, id, phone   string
		group             Group
		idHash, phoneHash string
		nameSeal, idSeal  []byte
		phoneSeal         []byte
	}
	var errs []RowError
	bad := func(line int, col, key string, kv ...any) {
		errs = append(errs, RowError{Row: line, Column: header[col], Msg: easyjob.M(key, kv...)})
	}
	now := s.S.Now()
	seen := map[string]int{}
	var people []person
	for _, r := range t.Rows {
		p := person{line: r.Line, name: r.Values["name"]}
		if p.name == "" || len([]rune(p.name)) > 30 || easyjob.TextProblem(p.name) != "" {
			bad(r.Line, "name", "goodwill.import.name")
		}
		if v := r.Values["id_number"]; v != "" {
			if id, err := ident.ParseResidentIDAt(v, now); err != nil {
				bad(r.Line, "id_number", "goodwill.import.id_number")
			} else {
				p.id = id.Number()
			}
		}
		if v := r.Values["phone"]; v != "" {
			if ph, err := ident.ParsePhone(v); err != nil {
				bad(r.Line, "phone", "goodwill.import.phone")
			} else {
				p.phone = ph
			}
		}
		if r.Values["id_number"] == "" && r.Values["phone"] == "" {
			bad(r.Line, "id_number", "goodwill.import.id_or_phone")
		}
		g, ok := groupWords[strings.ToLower(strings.TrimSpace(r.Values["group"]))]
		switch {
		case !ok:
			bad(r.Line, "group", "goodwill.import.group")
		case !c.HasGroup(g):
			bad(r.Line, "group", "goodwill.import.group_not_served", "campaign", c.Name)
		}
		p.group = g
		for _, k := range []string{"i" + p.id, "p" + p.phone} {
			if len(k) == 1 {
				continue
			}
			if first, dup := seen[k]; dup {
				col := "phone"
				if k[0] == 'i' {
					col = "id_number"
				}
				bad(r.Line, col, "goodwill.import.twice", "line", first)
			} else {
				seen[k] = r.Line
			}
		}
		people = append(people, p)
	}
	// Already registered for the campaign (by either number's blind index).
	for i := range people {
		p := &people[i]
		if p.id != "" {
			p.idHash = s.S.Sealer.BlindIndex(p.id)
		}
		if p.phone != "" {
			p.phoneHash = s.S.Sealer.BlindIndex(p.phone)
		}
		if p.idHash == "" && p.phoneHash == "" {
			continue
		}
		var one int
		err := s.S.DB.R.QueryRowContext(ctx, `SELECT 1 FROM goodwill_recipients WHERE campaign_id = $1 AND (id_hash = $2 OR phone_hash = $3)`,
			c.ID, p.idHash, p.phoneHash).Scan(&one)
		if err == nil {
			col := "id_number"
			if p.idHash == "" {
				col = "phone"
			}
			bad(p.line, col, "goodwill.import.registered")
		} else if !errors.Is(err, sql.ErrNoRows) {
			return ImportResult{}, err
		}
	}
	if len(errs) > 0 {
		return ImportResult{}, importError(errs)
	}
	for i := range people {
		p := &people[i]
		if p.nameSeal, err = s.S.Sealer.Seal([]byte(p.name), []byte("goodwill_recipients.name")); err != nil {
			return ImportResult{}, err
		}
		if p.id != "" {
			if p.idSeal, err = s.S.Sealer.Seal([]byte(p.id), []byte("goodwill_recipients.id_number")); err != nil {
				return ImportResult{}, err
			}
		}
		if p.phone != "" {
			if p.phoneSeal, err = s.S.Sealer.Seal([]byte(p.phone), []byte("goodwill_recipients.phone")); err != nil {
				return ImportResult{}, err
			}
		}
	}
	var res ImportResult
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		res = ImportResult{Registered: len(people)}
		err := tx.QueryRowContext(ctx, `INSERT INTO goodwill_units (campaign_id, name, kind, district) VALUES ($1, $2, $3, $4)
			ON CONFLICT (campaign_id, name) DO UPDATE SET kind = excluded.kind, district = excluded.district RETURNING id`,
			c.ID, unit.Name, unit.Kind, unit.District).Scan(&res.UnitID)
		if err != nil {
			return err
		}
		for _, p := range people {
			code := randomDigits(6)
			_, err := tx.ExecContext(ctx, `INSERT INTO goodwill_recipients (campaign_id, unit_id, grp, name_mask, name_cipher, id_hash, id_cipher,
				phone_hash, phone_cipher, code_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
				c.ID, res.UnitID, string(p.group), ident.MaskName(p.name), p.nameSeal, nullText(p.idHash), nullBytes(p.idSeal),
				nullText(p.phoneHash), nullBytes(p.phoneSeal), s.codeHash(c.ID, code), tx.At)
			if _, ok := store.UniqueViolation(err); ok {
				return easyjob.Errorf(easyjob.ECONFLICT, "goodwill.import.registered_meanwhile")
			}
			if err != nil {
				return err
			}
			if p.phone != "" {
				if err := s.S.Send(ctx, tx, p.phone, "goodwill", "goodwill.sms.code", "campaign", c.Name, "code", code); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return res, err
}

func blankRow(r []string) bool {
	for _, v := range r {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullBytes(b []byte) any {
	if b == nil {
		return nil
	}
	return b
}

// codeHash is the blind index of a recipient's hand-over code, bound to the campaign.
func (s *Service) codeHash(campaign int64, code string) string {
	return s.S.Sealer.BlindIndex(fmt.Sprintf("goodwill.code:%d:%s", campaign, code))
}

// ImportError is a refused import: every bad cell, by row and column.
type ImportError struct{ Rows []RowError }

func (e *ImportError) Error() string { return fmt.Sprintf("goodwill: %d bad cells", len(e.Rows)) }

// importError is the refusal as a domain error (422) whose fields are "row 3 · C 身份证号".
func importError(rows []RowError) error {
	f := easyjob.Fields{}
	for _, r := range rows {
		f.Add(fmt.Sprintf("row %d · %s", r.Row, r.Column), r.Msg.Key, argsOf(r.Msg)...)
	}
	return &easyjob.Error{Code: easyjob.EINVALID, Msg: easyjob.M("goodwill.import.refused", "n", len(rows)),
		Fields: map[string]easyjob.Msg(f), Err: &ImportError{Rows: rows}}
}

func argsOf(m easyjob.Msg) []any {
	var kv []any
	for k, v := range m.Args {
		kv = append(kv, k, v)
	}
	return kv
}

// Recipient is a registered recipient as staff see them: masked, never the numbers.
type Recipient struct {
	ID        int64     `json:"id"`
	Unit      string    `json:"unit"`
	District  string    `json:"district"`
	Group     Group     `json:"group"`
	Name      string    `json:"name"` // masked: 张*
	HandedAt  time.Time `json:"handed_at,omitzero"`
	HandedAtP string    `json:"handed_at_point,omitempty"`
}

// Received tells whether the recipient has had the package.
func (r Recipient) Received() bool { return !r.HandedAt.IsZero() }

// Recipients lists a campaign's recipients (masked), those not yet served first.
func (s *Service) Recipients(ctx context.Context, a easyjob.Actor, campaignID int64, limit int) (_ []Recipient, err error) {
	defer func() { err = store.Wrap(err, "goodwill.Recipients", "campaign", campaignID) }()
	c, err := s.campaign(ctx, s.S.DB.R, campaignID)
	if err != nil {
		return nil, err
	}
	if err := s.mustSee(ctx, a, c.OrgID); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 10_000 {
		limit = 200
	}
	return store.Select(ctx, s.S.DB.R, func(sc store.Scanner) (Recipient, error) {
		var r Recipient
		var g string
		var at int64
		err := sc.Scan(&r.ID, &r.Unit, &r.District, &g, &r.Name, &at, &r.HandedAtP)
		r.Group = Group(g)
		if at > 0 {
			r.HandedAt = easyjob.FromMillis(at)
		}
		return r, err
	}, `SELECT r.id, u.name, u.district, r.grp, r.name_mask, COALESCE(h.created_at, 0), COALESCE(p.name, '')
		FROM goodwill_recipients r JOIN goodwill_units u ON u.id = r.unit_id
		LEFT JOIN goodwill_handovers h ON h.recipient_id = r.id LEFT JOIN goodwill_points p ON p.id = h.point_id
		WHERE r.campaign_id = $1 ORDER BY CASE WHEN h.id IS NULL THEN 0 ELSE 1 END, u.id, r.id LIMIT $2`, campaignID, limit)
}

// HandoverInput confirms a hand-over: by the code the recipient shows, or (no code) by the
// recipient's signature on the printed list.
type HandoverInput struct {
	RecipientID int64  `json:"recipient_id"`
	PointID     int64  `json:"point_id"` // 0: the campaign's first point
	Code        string `json:"code"`
}

// Handover is one package handed to one person.
type Handover struct {
	ID          int64     `json:"id"`
	CampaignID  int64     `json:"campaign_id"`
	RecipientID int64     `json:"recipient_id"`
	PointID     int64     `json:"point_id"`
	Point       string    `json:"point"`
	Method      string    `json:"method"` // code or signature
	CreatedAt   time.Time `json:"created_at"`
}

// Handover hands one package of the campaign to a registered recipient. A second package for
// the same person (by ID number or phone, through their blind indexes) is a conflict naming
// the date and the point of the first hand-over, never the person; no package on hand is a
// conflict too. Either way nothing is written.
func (s *Service) Handover(ctx context.Context, a easyjob.Actor, campaignID int64, in HandoverInput) (_ Handover, err error) {
	defer func() {
		err = store.Wrap(err, "goodwill.Handover", "campaign", campaignID, "recipient", in.RecipientID)
	}()
	org, err := s.staff(ctx, a, true)
	if err != nil {
		return Handover{}, err
	}
	c, err := s.campaign(ctx, s.S.DB.R, campaignID)
	if err != nil || c.OrgID != org {
		return Handover{}, cmpErr(err, easyjob.NotFound("campaign"))
	}
	f := easyjob.Fields{}
	in.Code = strings.TrimSpace(in.Code)
	if in.Code != "" && (len(in.Code) != 6 || strings.Trim(in.Code, "0123456789") != "") {
		f.Add("code", "goodwill.code_wrong")
	}
	if in.RecipientID <= 0 {
		f.Add("recipient_id", "field.required")
	}
	if err := f.Err(); err != nil {
		return Handover{}, err
	}
	var idHash, phoneHash sql.NullString
	var codeHash string
	err = s.S.DB.R.QueryRowContext(ctx, `SELECT id_hash, phone_hash, code_hash FROM goodwill_recipients WHERE id = $1 AND campaign_id = $2`,
		in.RecipientID, c.ID).Scan(&idHash, &phoneHash, &codeHash)
	if err != nil {
		return Handover{}, store.NotFound(err, "recipient")
	}
	h := Handover{CampaignID: c.ID, RecipientID: in.RecipientID, Method: "signature"}
	if in.Code != "" {
		if s.codeHash(c.ID, in.Code) != codeHash {
			f.Add("code", "goodwill.code_wrong")
			return Handover{}, f.Err()
		}
		h.Method = "code"
	}
	if prev, err := s.earlier(ctx, c.ID, idHash, phoneHash); err != nil {
		return Handover{}, err
	} else if prev != nil {
		return Handover{}, prev
	}
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		h.PointID, h.Point, h.CreatedAt = in.PointID, "", tx.Now
		q := `SELECT id, name FROM goodwill_points WHERE campaign_id = $1 ORDER BY id LIMIT 1`
		args := []any{c.ID}
		if in.PointID != 0 {
			q, args = `SELECT id, name FROM goodwill_points WHERE campaign_id = $1 AND id = $2`, []any{c.ID, in.PointID}
		}
		if err := tx.QueryRowContext(ctx, q, args...).Scan(&h.PointID, &h.Point); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				f := easyjob.Fields{}
				f.Add("point_id", "goodwill.point_unknown")
				return f.Err()
			}
			return err
		}
		// One package out of the oldest batch that has one: a conditional update per batch,
		// so two hand-overs racing for the last package cannot both have it.
		batches, err := store.Select(ctx, tx, func(sc store.Scanner) (int64, error) {
			var id int64
			return id, sc.Scan(&id)
		}, `SELECT id FROM goodwill_assemblies WHERE campaign_id = $1 AND on_hand > 0 ORDER BY id`, c.ID)
		if err != nil {
			return err
		}
		var batch int64
		for _, b := range batches {
			res, err := tx.ExecContext(ctx, `UPDATE goodwill_assemblies SET on_hand = on_hand - 1 WHERE id = $1 AND on_hand >= 1`, b)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 1 {
				batch = b
				break
			}
		}
		if batch == 0 {
			return easyjob.Errorf(easyjob.ECONFLICT, "goodwill.no_packages")
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO goodwill_handovers (campaign_id, recipient_id, id_hash, phone_hash, point_id, assembly_id,
			method, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			c.ID, in.RecipientID, idHash, phoneHash, h.PointID, batch, h.Method, a.UserID, tx.At).Scan(&h.ID)
		if _, ok := store.UniqueViolation(err); ok {
			return errTwice
		}
		if err != nil {
			return err
		}
		_, err = s.move(ctx, tx, a, org, move{kind: MoveDistributed, assembly: batch, qty: -1, handover: h.ID,
			key: fmt.Sprintf("handover/%d", h.ID)})
		return err
	})
	if errors.Is(err, errTwice) {
		prev, perr := s.earlier(ctx, c.ID, idHash, phoneHash)
		return Handover{}, cmpErr(perr, cmpErr(prev, easyjob.Errorf(easyjob.ECONFLICT, "goodwill.handover_twice_race")))
	}
	return h, err
}

var errTwice = errors.New("goodwill: a package was handed over to this person meanwhile")

// earlier is the conflict naming an earlier hand-over to the same person in the campaign
// (its date and point), or nil.
func (s *Service) earlier(ctx context.Context, campaign int64, idHash, phoneHash sql.NullString) (error, error) {
	var at int64
	var point string
	err := s.S.DB.R.QueryRowContext(ctx, `SELECT h.created_at, p.name FROM goodwill_handovers h JOIN goodwill_points p ON p.id = h.point_id
		WHERE h.campaign_id = $1 AND (h.id_hash = $2 OR h.phone_hash = $3) ORDER BY h.id LIMIT 1`, campaign, idHash, phoneHash).Scan(&at, &point)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return easyjob.Errorf(easyjob.ECONFLICT, "goodwill.handover_twice", "date", easyjob.DateOf(easyjob.FromMillis(at)).String(), "point", point), nil
}

// ProgressRow is one district's or one unit's figures.
type ProgressRow struct {
	Key        string `json:"key"` // the district's code, or the unit's name
	District   string `json:"district"`
	Registered int    `json:"registered"`
	Delivered  int    `json:"delivered"`
}

// Progress is a campaign against its target.
type Progress struct {
	Target     int           `json:"target"`
	Assembled  int           `json:"assembled"`
	OnHand     int           `json:"on_hand"`
	Delivered  int           `json:"delivered"`
	Registered int           `json:"registered"`
	Percent    int           `json:"percent"`
	Reached    bool          `json:"reached"`
	ByDistrict []ProgressRow `json:"by_district"`
	ByUnit     []ProgressRow `json:"by_unit"`
}

// Progress sums a campaign's hand-overs against its target, by district and by unit.
func (s *Service) Progress(ctx context.Context, a easyjob.Actor, campaignID int64) (_ Progress, err error) {
	defer func() { err = store.Wrap(err, "goodwill.Progress", "campaign", campaignID) }()
	c, err := s.campaign(ctx, s.S.DB.R, campaignID)
	if err != nil {
		return Progress{}, err
	}
	if err := s.mustSee(ctx, a, c.OrgID); err != nil {
		return Progress{}, err
	}
	q := s.S.DB.R
	p := Progress{Target: c.Target}
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(SUM(count), 0), COALESCE(SUM(on_hand), 0) FROM goodwill_assemblies WHERE campaign_id = $1`,
		c.ID).Scan(&p.Assembled, &p.OnHand); err != nil {
		return p, err
	}
	rows, err := store.Select(ctx, q, func(sc store.Scanner) (ProgressRow, error) {
		var r ProgressRow
		return r, sc.Scan(&r.Key, &r.District, &r.Registered, &r.Delivered)
	}, `SELECT u.name, u.district, COUNT(r.id), COUNT(h.id) FROM goodwill_units u
		LEFT JOIN goodwill_recipients r ON r.unit_id = u.id LEFT JOIN goodwill_handovers h ON h.recipient_id = r.id
		WHERE u.campaign_id = $1 GROUP BY u.id, u.name, u.district ORDER BY u.district, u.name`, c.ID)
	if err != nil {
		return p, err
	}
	p.ByUnit, p.ByDistrict = rows, []ProgressRow{}
	for _, r := range rows {
		p.Registered += r.Registered
		p.Delivered += r.Delivered
		if n := len(p.ByDistrict); n == 0 || p.ByDistrict[n-1].Key != r.District {
			p.ByDistrict = append(p.ByDistrict, ProgressRow{Key: r.District, District: r.District})
		}
		d := &p.ByDistrict[len(p.ByDistrict)-1]
		d.Registered += r.Registered
		d.Delivered += r.Delivered
	}
	p.Percent = min(100, p.Delivered*100/max(1, p.Target))
	p.Reached = p.Delivered >= p.Target
	return p, nil
}
