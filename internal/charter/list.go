package charter

import (
	"context"
	"strconv"
	"strings"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/ident"
	"easyjob/internal/store"
)

// Lists of charters and their manifests, and who may see and run a charter.

// CharterView is one charter with its stops and, in a manifest, its riders.
type CharterView struct {
	ID       int64         `json:"id"`
	PlanID   int64         `json:"plan_id"`
	Number   int           `json:"number"`
	Pickup   PickupPoint   `json:"pickup"`
	DepartAt time.Time     `json:"depart_at"`
	Km       float64       `json:"km"`
	Seats    int           `json:"seats"`
	Allowed  int           `json:"allowed"`
	Taken    int           `json:"taken"`
	Status   Status        `json:"status"`
	Stops    []StopView    `json:"stops"`
	Riders   []ManifestRow `json:"riders"`
}

// HasRoom tells whether the charter can take another rider now.
func (c CharterView) HasRoom() bool { return c.Taken < c.Allowed && c.Status.Boardable() }

// StopView is a drop-off.
type StopView struct {
	Seq          int     `json:"seq"`
	EmployerID   int64   `json:"employer_id"`
	PostingID    int64   `json:"posting_id,omitempty"` // a posting's own site; 0 for the employer's
	EmployerName string  `json:"employer_name"`
	District     string  `json:"district"`
	Lat          float64 `json:"lat"`
	Lng          float64 `json:"lng"`
	Riders       int     `json:"riders"`
}

// ManifestRow is one rider on a manifest.
type ManifestRow struct {
	SeatID        int64      `json:"seat_id"`
	SeatNo        int        `json:"seat_no"`
	ApplicationID int64      `json:"application_id"`
	SeekerID      int64      `json:"seeker_id"`
	Name          string     `json:"name"`
	IDNumber      string     `json:"id_number"` // masked
	Phone         string     `json:"phone"`
	Group         string     `json:"group"`
	StopSeq       int        `json:"stop_seq"`
	EmployerName  string     `json:"employer_name"`
	Status        SeatStatus `json:"status"`
	NotifiedAt    time.Time  `json:"notified_at,omitzero"`
	BoardedAt     time.Time  `json:"boarded_at,omitzero"`
	idLast6       string
	token         string
	state         easyjob.ApplicationState
}

// charterRow is a charter's own fields.
type charterRow struct {
	CharterView
	county    string
	districts []string
}

func scanCharter(row store.Scanner) (charterRow, error) {
	var c charterRow
	var at int64
	var status string
	dest := []any{&c.ID, &c.PlanID, &c.Number, &at, &c.Km, &c.Seats, &c.Allowed, &c.Taken, &status}
	p, err := scanPickup(store.ScanFunc(func(v ...any) error { return row.Scan(append(dest, v...)...) }))
	c.Pickup, c.DepartAt, c.county, c.Status = p, easyjob.FromMillis(at), p.County, Status(status)
	c.Stops, c.Riders = []StopView{}, []ManifestRow{}
	return c, err
}

func scanStop(row store.Scanner) (StopView, error) {
	var v StopView
	err := row.Scan(&v.Seq, &v.EmployerID, &v.PostingID, &v.EmployerName, &v.District, &v.Lat, &v.Lng, &v.Riders)
	return v, err
}

// charterRows reads the charters matching w, with their stops, in
// departure order (c.depart_at, c.plan_id, c.number, c.id); at most limit
// of them when limit > 0.
func (s *Service) charterRows(ctx context.Context, w *store.Where, limit int) ([]charterRow, error) {
	q := `SELECT c.id, c.plan_id, c.number, c.depart_at, c.km, c.seats, c.allowed, c.taken, c.status,
		pp.id, pp.county, pp.name, pp.address, pp.lat, pp.lng, pp.retired_at
		FROM charters c JOIN pickup_points pp ON pp.id = c.pickup_point_id` + w.SQL() + ` ORDER BY c.depart_at, c.plan_id, c.number, c.id`
	if limit > 0 {
		q += ` LIMIT ` + w.Arg(limit)
	}
	rows, err := s.S.DB.R.QueryContext(ctx, q, w.Args()...)
	out, err := store.Collect(rows, err, scanCharter)
	if err != nil {
		return nil, err
	}
	for i := range out {
		st, err := s.S.DB.R.QueryContext(ctx, `SELECT cs.seq, cs.employer_id, cs.posting_id, e.name, cs.district, cs.lat, cs.lng,
			(SELECT COUNT(*) FROM charter_seats x WHERE x.charter_id = cs.charter_id AND x.stop_seq = cs.seq AND x.status <> 'cancelled')
			FROM charter_stops cs JOIN employers e ON e.id = cs.employer_id WHERE cs.charter_id = $1 ORDER BY cs.seq`, out[i].ID)
		stops, err := store.Collect(st, err, scanStop)
		if err != nil {
			return nil, err
		}
		out[i].Stops = stops
		for _, v := range stops {
			out[i].districts = append(out[i].districts, v.District)
		}
	}
	return out, nil
}

// charterVisible: stations see charters leaving their counties, districts
// those leaving their twinned counties or delivering into the district, the
// city everything.
func charterVisible(a easyjob.Actor, c charterRow) bool {
	if !a.IsOfficer() {
		return false
	}
	if a.Scope.County(c.county) {
		return true
	}
	for _, d := range c.districts {
		if a.Scope.District(d) {
			return true
		}
	}
	return false
}

// mayRunCharter: boarding, seat changes and departure belong to the
// officers of the pickup point's county (its station, its twinned district,
// the city).
func mayRunCharter(a easyjob.Actor, c charterRow) bool {
	return a.IsOfficer() && a.Scope.County(c.county)
}

// charterRow reads a charter the actor may see.
func (s *Service) charterRow(ctx context.Context, a easyjob.Actor, id int64) (charterRow, error) {
	var w store.Where
	w.Add("c.id = ?", id)
	cs, err := s.charterRows(ctx, &w, 0)
	if err != nil {
		return charterRow{}, err
	}
	if len(cs) == 0 || !charterVisible(a, cs[0]) {
		return charterRow{}, easyjob.NotFound("charter")
	}
	return cs[0], nil
}

// CharterFilter narrows a list of charters; ListOptions pages it.
type CharterFilter struct {
	store.ListOptions
	Date   easyjob.Date
	PlanID int64
}

// Charters lists the charters the officer may see, by departure, one page
// at a time.
func (s *Service) Charters(ctx context.Context, a easyjob.Actor, f CharterFilter) (_ easyjob.Page[CharterView], err error) {
	defer func() { err = store.Wrap(err, "charter.Charters", "date", f.Date, "plan", f.PlanID) }()
	if !a.IsOfficer() {
		return easyjob.Page[CharterView]{}, store.Forbidden()
	}
	after, err := store.DecodeCursor(f.Cursor)
	if err != nil {
		return easyjob.Page[CharterView]{}, err
	}
	cs, err := s.charterList(ctx, a, f, after, f.PageSize()+1)
	if err != nil {
		return easyjob.Page[CharterView]{}, err
	}
	return store.PageOf(cs, f.PageSize(), func(c CharterView) int64 { return c.ID }), nil
}

// charterList reads the charters matching f that the officer may see, in
// departure order after the charter with id after (0: from the first), at
// most limit (0: all).
func (s *Service) charterList(ctx context.Context, a easyjob.Actor, f CharterFilter, after int64, limit int) ([]CharterView, error) {
	if !a.IsOfficer() {
		return nil, store.Forbidden()
	}
	var w store.Where
	w.Add("c.status <> ?", string(Cancelled))
	if !f.Date.IsZero() {
		d := f.Date.Time()
		from := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, easyjob.Shanghai)
		w.Add("c.depart_at >= ? AND c.depart_at < ?", easyjob.Millis(from), easyjob.Millis(from.AddDate(0, 0, 1)))
	}
	if f.PlanID > 0 {
		w.Add("c.plan_id = ?", f.PlanID)
	}
	visibleCharters(&w, a.Scope)
	if after > 0 {
		// Row values compare in order on both databases.
		w.Add(`(c.depart_at, c.plan_id, c.number, c.id) >
			(SELECT x.depart_at, x.plan_id, x.number, x.id FROM charters x WHERE x.id = ?)`, after)
	}
	rows, err := s.charterRows(ctx, &w, limit)
	if err != nil {
		return nil, err
	}
	out := []CharterView{}
	for _, c := range rows {
		if charterVisible(a, c) { // the SQL above selects the same; never show more
			out = append(out, c.CharterView)
		}
	}
	return out, nil
}

// visibleCharters is charterVisible in SQL, so that a page's LIMIT counts
// only charters the officer may see: leaving a county of the scope, or
// with a stop in a district of it (prefixes, as Where.Scope matches).
func visibleCharters(w *store.Where, sc easyjob.Scope) {
	if sc.All {
		return
	}
	var ors, stops []string
	for _, c := range sc.Counties {
		if c != "" { // as Scope.County: an empty prefix matches nothing
			ors = append(ors, "pp.county LIKE "+w.Arg(c+"%"))
		}
	}
	for _, d := range sc.Districts {
		if d != "" {
			stops = append(stops, "st.district LIKE "+w.Arg(d+"%"))
		}
	}
	if len(stops) > 0 {
		ors = append(ors, "EXISTS (SELECT 1 FROM charter_stops st WHERE st.charter_id = c.id AND ("+strings.Join(stops, " OR ")+"))")
	}
	if len(ors) == 0 {
		w.Add("1 = 0")
		return
	}
	w.Add("(" + strings.Join(ors, " OR ") + ")")
}

// Manifest returns a charter with its riders: names, masked ID numbers and
// phones, for the officers who may see the charter (each view audited).
func (s *Service) Manifest(ctx context.Context, a easyjob.Actor, id int64) (_ CharterView, err error) {
	defer func() { err = store.Wrap(err, "charter.Manifest", "charter", id) }()
	c, err := s.charterRow(ctx, a, id)
	if err != nil {
		return CharterView{}, err
	}
	rows, err := s.manifestRows(ctx, id)
	if err != nil {
		return CharterView{}, err
	}
	for _, r := range rows {
		if r.Status.Cancelled() {
			continue
		}
		if err := s.S.Audit(ctx, a, r.SeekerID, "view_contact", "charter_manifest: "+strconv.FormatInt(id, 10)); err != nil {
			return CharterView{}, err
		}
		c.Riders = append(c.Riders, r)
	}
	return c.CharterView, nil
}

// manifestRows reads every seat of a charter, cancelled ones included,
// with its rider decrypted (callers mask or audit what they show).
func (s *Service) manifestRows(ctx context.Context, cid int64) ([]ManifestRow, error) {
	rows, err := s.S.DB.R.QueryContext(ctx, `SELECT cs.id, cs.seat_no, cs.application_id, cs.stop_seq, cs.status, cs.boarding_token,
		cs.notified_at, cs.boarded_at, a.state, COALESCE(e.name, ''), `+store.SeekerColumns+`
		FROM charter_seats cs JOIN seekers s ON s.id = cs.seeker_id JOIN applications a ON a.id = cs.application_id
		LEFT JOIN charter_stops st ON st.charter_id = cs.charter_id AND st.seq = cs.stop_seq
		LEFT JOIN employers e ON e.id = st.employer_id
		WHERE cs.charter_id = $1 ORDER BY cs.seat_no, cs.id`, cid)
	return store.Collect(rows, err, func(row store.Scanner) (ManifestRow, error) {
		var m ManifestRow
		var nat, bat int64
		var status, state string
		dest := []any{&m.SeatID, &m.SeatNo, &m.ApplicationID, &m.StopSeq, &status, &m.token, &nat, &bat, &state, &m.EmployerName}
		k, err := s.S.ScanSeeker(store.ScanFunc(func(v ...any) error { return row.Scan(append(dest, v...)...) }))
		if err != nil {
			return m, err
		}
		m.Status = SeatStatus(status)
		m.NotifiedAt, m.BoardedAt, m.state = easyjob.FromMillis(nat), easyjob.FromMillis(bat), easyjob.ApplicationState(state)
		m.SeekerID, m.Name, m.Phone, m.Group = k.ID, k.Name, k.Phone, k.Group
		m.IDNumber = ident.MaskID(k.IDNumber)
		if n := len(k.IDNumber); n >= 6 {
			m.idLast6 = strings.ToUpper(k.IDNumber[n-6:])
		}
		return m, nil
	})
}
