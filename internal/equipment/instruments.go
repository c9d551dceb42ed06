package equipment

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/equipment/rules"
	"easyjob/internal/region"
	"easyjob/internal/store"
)

// Instrument is one shared instrument in the registry.
type Instrument struct {
	ID              int64   `json:"id"`
	InstitutionID   int64   `json:"institution_id"`
	Institution     string  `json:"institution"`
	InstitutionKind string  `json:"institution_kind"`
	Code            string  `json:"code"` // the owner's asset number
	Name            string  `json:"name"`
	NameEn          string  `json:"name_en"`
	Category        string  `json:"category"`
	Model           string  `json:"model"`
	District        string  `json:"district"`
	Address         string  `json:"address"`
	Lat             float64 `json:"lat"`
	Lng             float64 `json:"lng"`
	Sharing         Sharing `json:"sharing"`
	OutReason       string  `json:"out_reason,omitempty"`
	Biosafety       int     `json:"biosafety"`             // the BSL a user must hold, 0 none
	Certificate     string  `json:"certificate,omitempty"` // a training certificate a user must hold
	FeePerHour      int     `json:"fee_per_hour"`          // CNY
	Contact         string  `json:"contact"`
	NoticeMinutes   int     `json:"notice_minutes"`
	MinMinutes      int     `json:"min_minutes"`
	MaxMinutes      int     `json:"max_minutes"`
	Approval        bool    `json:"approval"` // the owner approves each booking
	// DistanceKM is the great-circle distance from the search's point, when it had one.
	DistanceKM float64   `json:"distance_km,omitempty"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Window is the instrument's booking window.
func (x Instrument) Window() rules.Window {
	return rules.Window{NoticeMinutes: x.NoticeMinutes, MinMinutes: x.MinMinutes, MaxMinutes: x.MaxMinutes}
}

const instrumentCols = `i.id, i.institution_id, n.name, n.kind, i.code, i.name, i.name_en, i.category, i.model, i.district, i.address,
	i.lat, i.lng, i.sharing, i.out_reason, i.biosafety, i.certificate, i.fee_per_hour, i.contact, i.notice_minutes,
	i.min_minutes, i.max_minutes, i.approval, i.updated_at`

const instrumentFrom = ` FROM equipment_instruments i JOIN equipment_institutions n ON n.id = i.institution_id`

func scanInstrument(r store.Scanner) (Instrument, error) {
	var x Instrument
	var at int64
	err := r.Scan(&x.ID, &x.InstitutionID, &x.Institution, &x.InstitutionKind, &x.Code, &x.Name, &x.NameEn, &x.Category,
		&x.Model, &x.District, &x.Address, &x.Lat, &x.Lng, &x.Sharing, &x.OutReason, &x.Biosafety, &x.Certificate,
		&x.FeePerHour, &x.Contact, &x.NoticeMinutes, &x.MinMinutes, &x.MaxMinutes, &x.Approval, &at)
	x.UpdatedAt = easyjob.FromMillis(at)
	return x, err
}

// Instrument reads one instrument. Internal instruments are seen by their institution's
// people and officers only.
func (s *Service) Instrument(ctx context.Context, a easyjob.Actor, id int64) (Instrument, error) {
	x, err := scanInstrument(s.S.DB.R.QueryRowContext(ctx, `SELECT `+instrumentCols+instrumentFrom+` WHERE i.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return x, easyjob.NotFound("instrument")
	}
	if err != nil {
		return x, store.Wrap(err, "equipment.Instrument", "id", id)
	}
	if x.Sharing == Internal && !a.IsOfficer() {
		if p, err := s.researcher(ctx, a); err != nil || p.InstitutionID != x.InstitutionID {
			return x, easyjob.NotFound("instrument")
		}
	}
	return x, nil
}

// Filter is a search of the registry.
type Filter struct {
	Q         string // words in Chinese or English; every word must match
	Category  string
	District  string
	Biosafety int // -1: any; otherwise instruments requiring exactly this level
	// FreeFrom and FreeTo: only instruments with no holding booking in [FreeFrom, FreeTo).
	FreeFrom, FreeTo time.Time
	// Near and KM: only instruments within KM of Near (a district or street code, or the
	// point Lat, Lng when set), nearest first.
	Near     string
	Lat, Lng float64
	KM       float64
	Limit    int
}

// Result is a page of the search.
type Result struct {
	Items []Instrument `json:"items"`
	Total int          `json:"total"`
}

// SearchLimit is the most instruments one search returns.
const SearchLimit = 200

// Search finds instruments. Keywords match the instrument's and its institution's names in
// both languages, its model and its category's names, case-insensitively; the SQL never sees
// the words but as LIKE values with their wildcards escaped. Distances are great-circle
// (region.DistanceKM) from the instrument's coordinates.
func (s *Service) Search(ctx context.Context, a easyjob.Actor, f Filter) (Result, error) {
	bad := easyjob.Fields{}
	if f.Category != "" {
		if _, ok := CategoryOf(f.Category); !ok {
			bad.Add("category", "equipment.choice")
		}
	}
	if f.District != "" && !s.S.Ref.ShenzhenDistrict(f.District) {
		bad.Add("district", "field.district")
	}
	if f.Biosafety < -1 || f.Biosafety > rules.MaxBiosafety {
		bad.Add("biosafety", "equipment.biosafety_range")
	}
	if f.FreeFrom.IsZero() != f.FreeTo.IsZero() {
		bad.Add("free_to", "equipment.free_both")
	} else if !f.FreeFrom.IsZero() && !f.FreeTo.After(f.FreeFrom) {
		bad.Add("free_to", "equipment.end_before_start")
	}
	var from region.Point
	near := f.Near != "" || f.Lat != 0 || f.Lng != 0
	if f.Near != "" {
		p, _, ok := region.Locate(f.Near)
		if !ok || !region.IsShenzhen(f.Near) {
			bad.Add("near", "field.district")
		}
		from = p
	} else if near {
		if f.Lat < 18 || f.Lat > 54 || f.Lng < 73 || f.Lng > 136 {
			bad.Add("lat", "equipment.point")
		}
		from = region.Point{Lat: f.Lat, Lng: f.Lng}
	}
	if f.KM < 0 || f.KM > 200 || math.IsNaN(f.KM) {
		bad.Add("km", "equipment.km")
	}
	if err := bad.Err(); err != nil {
		return Result{}, err
	}
	limit := f.Limit
	if limit <= 0 || limit > SearchLimit {
		limit = 50
	}

	var w store.Where
	inst := int64(0)
	if a.Role == easyjob.RoleResearcher {
		if p, err := s.Person(ctx, a.UserID); err == nil {
			inst = p.InstitutionID
		}
	}
	if !a.IsOfficer() {
		w.Add("(i.sharing <> 'internal' OR i.institution_id = ?)", inst)
	}
	for _, word := range words(f.Q) {
		w.Add(`i.keywords LIKE ? ESCAPE '\'`, "%"+escapeLike(word)+"%")
	}
	if f.Category != "" {
		w.Add("i.category = ?", f.Category)
	}
	if f.District != "" {
		w.Add("i.district = ?", f.District)
	}
	if f.Biosafety >= 0 {
		w.Add("i.biosafety = ?", f.Biosafety)
	}
	if !f.FreeFrom.IsZero() {
		w.Add("i.sharing <> 'out_of_service'")
		w.Add(`NOT EXISTS (SELECT 1 FROM equipment_bookings b WHERE b.instrument_id = i.id AND b.holds
			AND b.start_at < ? AND b.end_at > ?)`, easyjob.Millis(f.FreeTo), easyjob.Millis(f.FreeFrom))
	}
	xs, err := store.Select(ctx, s.S.DB.R, scanInstrument, `SELECT `+instrumentCols+instrumentFrom+w.SQL()+` ORDER BY i.id`, w.Args()...)
	if err != nil {
		return Result{}, store.Wrap(err, "equipment.Search")
	}
	if near {
		kept := xs[:0]
		for _, x := range xs {
			x.DistanceKM = math.Round(region.DistanceKM(from, region.Point{Lat: x.Lat, Lng: x.Lng})*10) / 10
			if f.KM == 0 || x.DistanceKM <= f.KM {
				kept = append(kept, x)
			}
		}
		xs = kept
		sort.SliceStable(xs, func(i, j int) bool { return xs[i].DistanceKM < xs[j].DistanceKM })
	}
	res := Result{Total: len(xs), Items: xs}
	if len(xs) > limit {
		res.Items = xs[:limit]
	}
	return res, nil
}

// words splits a query into at most 8 lower-case words of letters and digits.
func words(q string) []string {
	q = strings.ToLower(q)
	if len([]rune(q)) > 100 {
		q = string([]rune(q)[:100])
	}
	ws := strings.FieldsFunc(q, func(r rune) bool {
		return r == ' ' || r == '\t' || r == ',' || r == '，' || r == '、' || r == '　'
	})
	if len(ws) > 8 {
		ws = ws[:8]
	}
	return ws
}

func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// keywords is what keyword search matches: names in both languages, model, category names,
// institution and address, lower case.
func keywords(x Instrument, institution Institution) string {
	c, _ := CategoryOf(x.Category)
	return strings.ToLower(strings.Join([]string{x.Name, x.NameEn, x.Model, x.Code, c.Zh, c.En, institution.Name,
		institution.NameEn, region.Name(x.District), x.Address}, " "))
}

// InstrumentInput is an instrument as its owner registers it (a row of the .xlsx list).
type InstrumentInput struct {
	Code          string  `json:"code"`
	Name          string  `json:"name"`
	NameEn        string  `json:"name_en"`
	Category      string  `json:"category"`
	Model         string  `json:"model"`
	District      string  `json:"district"`
	Address       string  `json:"address"`
	Lat           float64 `json:"lat"` // 0: the district's point
	Lng           float64 `json:"lng"`
	Sharing       Sharing `json:"sharing"`
	OutReason     string  `json:"out_reason"`
	Biosafety     int     `json:"biosafety"`
	Certificate   string  `json:"certificate"`
	FeePerHour    int     `json:"fee_per_hour"`
	Contact       string  `json:"contact"`
	NoticeMinutes int     `json:"notice_minutes"`
	MinMinutes    int     `json:"min_minutes"`
	MaxMinutes    int     `json:"max_minutes"`
	Approval      bool    `json:"approval"`
}

// check validates an input, filling defaults, and names each wrong field.
func (s *Service) check(in *InstrumentInput) easyjob.Fields {
	f := easyjob.Fields{}
	in.Code, in.Name, in.NameEn = strings.TrimSpace(in.Code), strings.TrimSpace(in.Name), strings.TrimSpace(in.NameEn)
	in.Address, in.Contact, in.Model = strings.TrimSpace(in.Address), strings.TrimSpace(in.Contact), strings.TrimSpace(in.Model)
	in.OutReason, in.Certificate = strings.TrimSpace(in.OutReason), strings.TrimSpace(in.Certificate)
	text := func(field, v string, required bool, max int) {
		switch {
		case v == "" && required:
			f.Add(field, "field.required")
		case len([]rune(v)) > max:
			f.Add(field, "field.too_long", "max", max)
		case easyjob.TextProblem(v) != "":
			f.Add(field, easyjob.TextProblem(v))
		}
	}
	text("code", in.Code, true, 40)
	text("name", in.Name, true, 100)
	text("name_en", in.NameEn, false, 100)
	text("model", in.Model, false, 100)
	text("address", in.Address, false, 200)
	text("contact", in.Contact, false, 100)
	text("certificate", in.Certificate, false, 60)
	text("out_reason", in.OutReason, false, 200)
	if _, ok := CategoryOf(in.Category); !ok {
		f.Add("category", "equipment.choice")
	}
	if !s.S.Ref.ShenzhenDistrict(in.District) {
		f.Add("district", "field.district")
	}
	if in.Sharing == "" {
		in.Sharing = Open
	}
	if !in.Sharing.Valid() {
		f.Add("sharing", "equipment.choice")
	} else if in.Sharing == OutOfService && in.OutReason == "" {
		f.Add("out_reason", "equipment.out_reason_required")
	}
	if in.Biosafety < 0 || in.Biosafety > rules.MaxBiosafety {
		f.Add("biosafety", "equipment.biosafety_range")
	}
	if in.FeePerHour < 0 || in.FeePerHour > 100_000 {
		f.Add("fee_per_hour", "equipment.fee")
	}
	if in.MinMinutes == 0 {
		in.MinMinutes = 30
	}
	if in.MaxMinutes == 0 {
		in.MaxMinutes = 480
	}
	if in.NoticeMinutes < 0 || in.NoticeMinutes > 14*24*60 {
		f.Add("notice_minutes", "equipment.minutes")
	}
	if in.MinMinutes < 15 || in.MinMinutes > 24*60 {
		f.Add("min_minutes", "equipment.minutes")
	}
	if in.MaxMinutes < in.MinMinutes || in.MaxMinutes > 7*24*60 {
		f.Add("max_minutes", "equipment.max_minutes")
	}
	if in.Lat == 0 && in.Lng == 0 && f["district"].Key == "" {
		p, _, _ := region.Locate(in.District)
		in.Lat, in.Lng = p.Lat, p.Lng
	} else if in.Lat < 22.3 || in.Lat > 22.9 || in.Lng < 113.7 || in.Lng > 114.7 {
		f.Add("lat", "equipment.point")
	}
	return f
}

// saveTx inserts or updates (by the institution's code) one instrument.
func saveTx(ctx context.Context, tx *store.Tx, inst Institution, in InstrumentInput) (id int64, created bool, err error) {
	x := Instrument{Name: in.Name, NameEn: in.NameEn, Model: in.Model, Code: in.Code, Category: in.Category,
		District: in.District, Address: in.Address}
	var old int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM equipment_instruments WHERE institution_id = $1 AND code = $2`, inst.ID, in.Code).Scan(&old)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, false, err
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO equipment_instruments (institution_id, code, name, name_en, category, model,
		district, address, lat, lng, sharing, out_reason, biosafety, certificate, fee_per_hour, contact, notice_minutes,
		min_minutes, max_minutes, approval, keywords, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $22)
		ON CONFLICT (institution_id, code) DO UPDATE SET name = excluded.name, name_en = excluded.name_en,
		category = excluded.category, model = excluded.model, district = excluded.district, address = excluded.address,
		lat = excluded.lat, lng = excluded.lng, sharing = excluded.sharing, out_reason = excluded.out_reason,
		biosafety = excluded.biosafety, certificate = excluded.certificate, fee_per_hour = excluded.fee_per_hour,
		contact = excluded.contact, notice_minutes = excluded.notice_minutes, min_minutes = excluded.min_minutes,
		max_minutes = excluded.max_minutes, approval = excluded.approval, keywords = excluded.keywords,
		updated_at = excluded.updated_at
		RETURNING id`, inst.ID, in.Code, in.Name, in.NameEn, in.Category, in.Model, in.District, in.Address,
		in.Lat, in.Lng, string(in.Sharing), in.OutReason, in.Biosafety, in.Certificate, in.FeePerHour, in.Contact,
		in.NoticeMinutes, in.MinMinutes, in.MaxMinutes, in.Approval, keywords(x, inst), tx.At).Scan(&id)
	return id, old == 0, err
}

// SaveInstrument registers or updates one instrument of the manager's institution (by its
// code).
func (s *Service) SaveInstrument(ctx context.Context, a easyjob.Actor, in InstrumentInput) (Instrument, error) {
	p, err := s.manager(ctx, a)
	if err != nil {
		return Instrument{}, err
	}
	if f := s.check(&in); len(f) > 0 {
		return Instrument{}, f.Err()
	}
	inst, err := s.institution(ctx, p.InstitutionID)
	if err != nil {
		return Instrument{}, err
	}
	var id int64
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		id, _, err = saveTx(ctx, tx, inst, in)
		return err
	})
	if err != nil {
		return Instrument{}, store.Wrap(err, "equipment.SaveInstrument")
	}
	return s.Instrument(ctx, a, id)
}

// SetSharing changes whether an instrument of the manager's institution is open, internal or
// out of service (with a reason).
func (s *Service) SetSharing(ctx context.Context, a easyjob.Actor, id int64, sh Sharing, reason string) error {
	p, err := s.manager(ctx, a)
	if err != nil {
		return err
	}
	f := easyjob.Fields{}
	reason = strings.TrimSpace(reason)
	if !sh.Valid() {
		f.Add("sharing", "equipment.choice")
	} else if sh == OutOfService && reason == "" {
		f.Add("out_reason", "equipment.out_reason_required")
	}
	if len([]rune(reason)) > 200 {
		f.Add("out_reason", "field.too_long", "max", 200)
	}
	if err := f.Err(); err != nil {
		return err
	}
	if sh != OutOfService {
		reason = ""
	}
	return s.S.Tx(ctx, func(tx *store.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE equipment_instruments SET sharing = $1, out_reason = $2, updated_at = $3
			WHERE id = $4 AND institution_id = $5`, string(sh), reason, tx.At, id, p.InstitutionID)
		if err != nil {
			return store.Wrap(err, "equipment.SetSharing", "id", id)
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return easyjob.NotFound("instrument")
		}
		return nil
	})
}

// Owned lists the instruments of the manager's institution.
func (s *Service) Owned(ctx context.Context, a easyjob.Actor) ([]Instrument, error) {
	p, err := s.manager(ctx, a)
	if err != nil {
		return nil, err
	}
	xs, err := store.Select(ctx, s.S.DB.R, scanInstrument, `SELECT `+instrumentCols+instrumentFrom+
		` WHERE i.institution_id = $1 ORDER BY i.code`, p.InstitutionID)
	return xs, store.Wrap(err, "equipment.Owned")
}

func (s *Service) institution(ctx context.Context, id int64) (Institution, error) {
	var x Institution
	err := s.S.DB.R.QueryRowContext(ctx, `SELECT id, name, name_en, kind, district FROM equipment_institutions WHERE id = $1`, id).
		Scan(&x.ID, &x.Name, &x.NameEn, &x.Kind, &x.District)
	return x, store.NotFound(err, "institution")
}

// ParseFilter reads a search from query parameters (q, category, district, biosafety,
// free_from, free_to, near, lat, lng, km, limit), naming each one that does not parse.
func ParseFilter(q url.Values) (Filter, error) {
	f := Filter{Q: q.Get("q"), Category: q.Get("category"), District: q.Get("district"), Near: q.Get("near"), Biosafety: -1}
	bad := easyjob.Fields{}
	var ok bool
	if f.FreeFrom, ok = ParseTime(q.Get("free_from")); !ok {
		bad.Add("free_from", "field.time_invalid")
	}
	if f.FreeTo, ok = ParseTime(q.Get("free_to")); !ok {
		bad.Add("free_to", "field.time_invalid")
	}
	num := func(name string, to *float64) {
		if s := q.Get(name); s != "" {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				bad.Add(name, "field.number")
			}
			*to = v
		}
	}
	num("lat", &f.Lat)
	num("lng", &f.Lng)
	num("km", &f.KM)
	if s := q.Get("biosafety"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			bad.Add("biosafety", "field.number")
		}
		f.Biosafety = n
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > SearchLimit {
			bad.Add("limit", "field.number")
		}
		f.Limit = n
	}
	return f, bad.Err()
}

// Load registers instruments of an institution in one transaction (the demo and bulk
// loaders; city-wide officers and admins), by asset number as Import does. Every input is
// checked; the first wrong one refuses the whole load.
func (s *Service) Load(ctx context.Context, a easyjob.Actor, institutionID int64, ins []InstrumentInput) error {
	if !a.IsCityWide() {
		return store.Forbidden()
	}
	inst, err := s.institution(ctx, institutionID)
	if err != nil {
		return err
	}
	for i := range ins {
		if f := s.check(&ins[i]); len(f) > 0 {
			return f.Err()
		}
	}
	return s.S.Tx(ctx, func(tx *store.Tx) error {
		for _, in := range ins {
			if _, _, err := saveTx(ctx, tx, inst, in); err != nil {
				return store.Wrap(err, "equipment.Load", "institution", institutionID)
			}
		}
		return nil
	})
}
