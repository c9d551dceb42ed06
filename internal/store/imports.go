package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/occupation"
	"easyjob/internal/region"
)

// Import kinds: what an officer's spreadsheet holds.
const (
	ImportSeekers  = "seekers"
	ImportPostings = "postings"
)

// Import modes: what to write once the officer has seen the report.
const (
	ImportAll   = "all"   // every row or none, in one transaction
	ImportValid = "valid" // the valid rows; the others are left out
)

// MaxImportRows is the most rows one import may hold.
const MaxImportRows = 5000

// importTTL is how long a checked file waits for the officer's decision.
const importTTL = 24 * time.Hour

// importRowsLabel binds sealed import rows to their column.
const importRowsLabel = "imports.rows_json"

// ImportColumn is one column of an import file, named as in the JSON API.
type ImportColumn struct {
	Name     string
	Required bool // the column must be in the file
}

var importColumns = map[string][]ImportColumn{
	ImportSeekers: {
		{"name", true}, {"id_number", true}, {"phone", true}, {"trades", true},
		{"experience_years", false}, {"expected_pay", false}, {"wants_dorm", false}, {"wants_meals", false},
		{"available_from", false}, {"education", false}, {"group", false},
		{"consent_method", true}, {"consent_at", false},
	},
	ImportPostings: {
		{"credit_code", true}, {"title", true}, {"occupation", true}, {"headcount", true},
		{"pay_min", true}, {"pay_max", false}, {"piece_rate", false}, {"overtime_rule", false},
		{"pay_day", false}, {"probation_months", false}, {"dorm", false}, {"meals", false},
		{"shift", true}, {"social_insurance", false}, {"start_date", true}, {"closing_date", true},
		{"district", true}, {"street", false}, {"address", true}, {"age_min", false}, {"age_max", false},
		{"description", false},
	},
}

// ImportColumns lists the columns of an import of kind, in template order;
// nil for an unknown kind.
func ImportColumns(kind string) []ImportColumn { return importColumns[kind] }

// ImportRow is one row of an uploaded file: its number as the spreadsheet
// shows it, and its cells by column name.
type ImportRow struct {
	Line   int               `json:"line"`
	Values map[string]string `json:"values"`
}

// RowCheck is what checking one row found.
type RowCheck struct {
	Line   int
	Label  string         // the row's seeker name or posting title, as written
	Errors easyjob.Fields // field → message; empty when the row is valid
}

// ImportCheck is the report on a whole file.
type ImportCheck struct {
	Kind    string
	Rows    []RowCheck // every row, in file order
	Valid   int
	Invalid int
}

// Bad lists the rows with errors.
func (c ImportCheck) Bad() []RowCheck {
	var out []RowCheck
	for _, r := range c.Rows {
		if len(r.Errors) > 0 {
			out = append(out, r)
		}
	}
	return out
}

func (c *ImportCheck) count() {
	c.Valid, c.Invalid = 0, 0
	for _, r := range c.Rows {
		if len(r.Errors) > 0 {
			c.Invalid++
		} else {
			c.Valid++
		}
	}
}

// ImportResult is what committing an import did.
type ImportResult struct {
	ImportCheck
	Mode      string
	Committed bool // false when nothing was written (all-or-nothing with errors, or no valid row)
	Written   int
}

// checked is one row ready to write.
type checked struct {
	seeker     easyjob.SeekerInput
	posting    easyjob.PostingInput
	checks     []easyjob.Check
	employerID int64
}

func canImport(a easyjob.Actor) bool {
	return a.IsOfficer()
}

func badKind() error {
	f := easyjob.Fields{}
	f.Add("kind", "import.kind")
	return f.Err()
}

// CheckImport checks the rows of a file as single registration would, and
// also for duplicates inside the file and against the database and for the
// officer's region. It writes nothing.
func (s *Store) CheckImport(ctx context.Context, a easyjob.Actor, kind string, rows []ImportRow) (_ ImportCheck, err error) {
	defer wrapErr(&err, "store.CheckImport")
	c, _, err := s.checkImport(ctx, a, kind, rows)
	return c, err
}

func (s *Store) checkImport(ctx context.Context, a easyjob.Actor, kind string, rows []ImportRow) (ImportCheck, []checked, error) {
	if !canImport(a) {
		return ImportCheck{}, nil, Forbidden()
	}
	if len(rows) > MaxImportRows {
		return ImportCheck{}, nil, easyjob.Errorf(easyjob.EINVALID, "import.too_many_rows", "max", MaxImportRows)
	}
	var c ImportCheck
	var out []checked
	var err error
	switch kind {
	case ImportSeekers:
		c, out, err = s.checkSeekerRows(ctx, a, rows)
	case ImportPostings:
		c, out, err = s.checkPostingRows(ctx, a, rows)
	default:
		return ImportCheck{}, nil, badKind()
	}
	c.Kind = kind
	c.count()
	return c, out, err
}

// addFields copies the field messages of a validation error into f (keeping
// messages already there); it returns other errors.
func addFields(f easyjob.Fields, err error) error {
	if err == nil {
		return nil
	}
	var e *easyjob.Error
	if !errors.As(err, &e) || e.Code != easyjob.EINVALID {
		return err
	}
	for k, m := range e.Fields {
		if _, ok := f[k]; !ok {
			f[k] = m
		}
	}
	if len(e.Fields) == 0 {
		f.Add("row", e.Msg.Key, flatten(e.Msg.Args)...)
	}
	return nil
}

func (s *Store) checkSeekerRows(ctx context.Context, a easyjob.Actor, rows []ImportRow) (ImportCheck, []checked, error) {
	c := ImportCheck{Rows: make([]RowCheck, len(rows))}
	out := make([]checked, len(rows))
	now := s.Clock.Now()
	firstID, firstPhone := map[string]int{}, map[string]int{}
	for i, r := range rows {
		v := r.Values
		f := easyjob.Fields{}
		if IsExample(v["name"]) {
			f.Add("name", "import.example_row")
		}
		in := easyjob.SeekerInput{Name: v["name"], IDNumber: v["id_number"], Phone: v["phone"],
			Trades: cellTrades(v["trades"]), Education: strings.TrimSpace(v["education"]), Group: v["group"],
			ConsentMethod: strings.TrimSpace(v["consent_method"])}
		in.Experience = cellInt(f, v, "experience_years")
		in.ExpectedPay = cellInt(f, v, "expected_pay")
		in.WantsDorm = cellBool(f, v, "wants_dorm")
		in.WantsMeals = cellBool(f, v, "wants_meals")
		in.AvailableFrom = cellDate(f, v, "available_from")
		if t, ok := cellTime(f, v, "consent_at"); ok {
			in.ConsentAt = t
		}
		if err := addFields(f, in.Validate(s.Ref, now, true)); err != nil {
			return c, nil, err
		}
		if _, bad := f["id_number"]; !bad {
			if !a.Scope.County(in.County) {
				f.Add("id_number", "seeker.out_of_region")
			} else if line, dup := firstID[in.IDNumber]; dup {
				f.Add("id_number", "import.duplicate_in_file", "line", line)
			} else {
				firstID[in.IDNumber] = r.Line
			}
		}
		if _, bad := f["phone"]; !bad {
			if line, dup := firstPhone[in.Phone]; dup {
				f.Add("phone", "import.duplicate_in_file", "line", line)
			} else {
				firstPhone[in.Phone] = r.Line
			}
		}
		c.Rows[i] = RowCheck{Line: r.Line, Label: strings.TrimSpace(v["name"]), Errors: f}
		out[i] = checked{seeker: in}
	}
	// Against the database, through the blind indexes, in batches.
	idHashes, phoneHashes := map[string][]int{}, map[string][]int{}
	for i := range rows {
		if len(c.Rows[i].Errors) == 0 {
			idHashes[s.Sealer.BlindIndex(out[i].seeker.IDNumber)] = append(idHashes[s.Sealer.BlindIndex(out[i].seeker.IDNumber)], i)
			phoneHashes[s.Sealer.BlindIndex(out[i].seeker.Phone)] = append(phoneHashes[s.Sealer.BlindIndex(out[i].seeker.Phone)], i)
		}
	}
	for col, hashes := range map[string]map[string][]int{"id_hash": idHashes, "phone_hash": phoneHashes} {
		found, err := s.existing(ctx, "seekers", col, hashes)
		if err != nil {
			return c, nil, err
		}
		for _, h := range found {
			for _, i := range hashes[h] {
				if col == "id_hash" {
					c.Rows[i].Errors.Add("id_number", "seeker.duplicate_id")
				} else {
					c.Rows[i].Errors.Add("phone", "seeker.duplicate_phone")
				}
			}
		}
	}
	return c, out, nil
}

// existing returns which of the values of column col are in table.
func (s *Store) existing(ctx context.Context, table, col string, values map[string][]int) ([]string, error) {
	all := make([]string, 0, len(values))
	for v := range values {
		all = append(all, v)
	}
	var found []string
	for len(all) > 0 {
		n := min(len(all), 500)
		batch := make([]any, n)
		for i, v := range all[:n] {
			batch[i] = v
		}
		all = all[n:]
		rows, err := s.DB.R.QueryContext(ctx, `SELECT `+col+` FROM `+table+` WHERE `+col+` IN (`+placeholders(1, n)+`)`, batch...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return nil, err
			}
			found = append(found, v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return found, nil
}

func (s *Store) checkPostingRows(ctx context.Context, a easyjob.Actor, rows []ImportRow) (ImportCheck, []checked, error) {
	c := ImportCheck{Rows: make([]RowCheck, len(rows))}
	out := make([]checked, len(rows))
	today := s.today()
	type emp struct {
		id       int64
		district string
		ok       bool
	}
	employers := map[string]emp{}
	for i, r := range rows {
		v := r.Values
		f := easyjob.Fields{}
		if IsExample(v["title"]) {
			f.Add("title", "import.example_row")
		}
		var employerID int64
		if code, reason := s.Ref.CreditCode(v["credit_code"]); reason != "" {
			f.Add("credit_code", reason)
		} else {
			e, seen := employers[code]
			if !seen {
				err := s.DB.R.QueryRowContext(ctx, `SELECT id, district FROM employers WHERE credit_code = $1`, code).Scan(&e.id, &e.district)
				switch {
				case err == nil:
					e.ok = true
				case !errors.Is(err, sql.ErrNoRows):
					return c, nil, err
				}
				employers[code] = e
			}
			switch {
			case !e.ok:
				f.Add("credit_code", "import.employer_unknown")
			case !a.Scope.District(e.district):
				f.Add("credit_code", "import.employer_out_of_region")
			default:
				employerID = e.id
			}
		}
		in := easyjob.PostingInput{Title: v["title"], Occupation: cellOccupation(v["occupation"]),
			PieceRate: v["piece_rate"], OvertimeRule: v["overtime_rule"], Shift: strings.TrimSpace(v["shift"]),
			Address: v["address"], Description: v["description"]}
		in.Headcount = cellInt(f, v, "headcount")
		in.PayMin = cellInt(f, v, "pay_min")
		in.PayMax = cellInt(f, v, "pay_max")
		in.PayDay = cellInt(f, v, "pay_day")
		in.ProbationMonths = cellInt(f, v, "probation_months")
		in.AgeMin = cellInt(f, v, "age_min")
		in.AgeMax = cellInt(f, v, "age_max")
		in.Dorm = cellBool(f, v, "dorm")
		in.Meals = cellBool(f, v, "meals")
		in.SocialInsurance = cellBool(f, v, "social_insurance")
		in.StartDate = cellDate(f, v, "start_date")
		in.ClosingDate = cellDate(f, v, "closing_date")
		in.District = cellDistrict(v["district"])
		in.Street = cellStreet(in.District, v["street"])
		if err := addFields(f, in.Validate(s.Ref, today)); err != nil {
			return c, nil, err
		}
		checks := easyjob.CheckPosting(in, s.MinWage)
		if easyjob.Refused(checks) {
			if err := addFields(f, refusedError(checks)); err != nil {
				return c, nil, err
			}
		}
		c.Rows[i] = RowCheck{Line: r.Line, Label: strings.TrimSpace(v["title"]), Errors: f}
		out[i] = checked{posting: in, checks: checks, employerID: employerID}
	}
	return c, out, nil
}

// SaveImport keeps checked rows until the officer decides, and returns the
// token that names them.
func (s *Store) SaveImport(ctx context.Context, a easyjob.Actor, kind, fileName string, rows []ImportRow) (_ string, err error) {
	defer wrapErr(&err, "store.SaveImport")
	if !canImport(a) {
		return "", Forbidden()
	}
	if importColumns[kind] == nil {
		return "", badKind()
	}
	if len(rows) > MaxImportRows {
		return "", easyjob.Errorf(easyjob.EINVALID, "import.too_many_rows", "max", MaxImportRows)
	}
	b, err := json.Marshal(rows)
	if err != nil {
		return "", err
	}
	sealed, err := s.Sealer.Seal(b, []byte(importRowsLabel))
	if err != nil {
		return "", err
	}
	// Expired imports go, with the personal data they hold.
	if _, err := s.DB.W.ExecContext(ctx, `DELETE FROM imports WHERE committed_at = 0 AND created_at < $1`,
		easyjob.Millis(s.Clock.Now().Add(-importTTL))); err != nil {
		return "", err
	}
	var raw [18]byte
	rand.Read(raw[:])
	token := base64.RawURLEncoding.EncodeToString(raw[:])
	if r := []rune(strings.TrimSpace(fileName)); len(r) > 200 {
		fileName = string(r[:200])
	}
	_, err = s.DB.W.ExecContext(ctx, `INSERT INTO imports (token, officer_id, kind, file_name, rows_json, row_count, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, token, a.UserID, kind, fileName, sealed, len(rows), s.now())
	if err != nil {
		return "", err
	}
	return token, nil
}

// PendingImport is a saved import as its officer sees it.
type PendingImport struct {
	Token     string
	Kind      string
	FileName  string
	Rows      []ImportRow
	CreatedAt time.Time
	Committed bool
	// Started: writing the valid rows began and has not finished (an
	// interrupted import); CommitImport with "valid" continues it.
	Started bool
}

// Import returns one of the actor's saved imports; another officer's is not
// found.
func (s *Store) Import(ctx context.Context, a easyjob.Actor, token string) (_ PendingImport, err error) {
	defer wrapErr(&err, "store.Import")
	p, _, err := s.loadImport(ctx, a, token)
	return p, err
}

func (s *Store) loadImport(ctx context.Context, a easyjob.Actor, token string) (PendingImport, int64, error) {
	if !canImport(a) {
		return PendingImport{}, 0, Forbidden()
	}
	var p PendingImport
	var id, officer, created, committed int64
	var sealed []byte
	var mode string
	err := s.DB.R.QueryRowContext(ctx, `SELECT id, officer_id, kind, file_name, rows_json, created_at, committed_at, mode
		FROM imports WHERE token = $1`, token).Scan(&id, &officer, &p.Kind, &p.FileName, &sealed, &created, &committed, &mode)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && officer != a.UserID) {
		return p, 0, easyjob.NotFound("import")
	}
	if err != nil {
		return p, 0, err
	}
	if committed == 0 {
		b, err := s.Sealer.Open(sealed, []byte(importRowsLabel))
		if err != nil {
			return p, 0, err
		}
		if err := json.Unmarshal(b, &p.Rows); err != nil {
			return p, 0, err
		}
	}
	p.Token, p.CreatedAt, p.Committed = token, easyjob.FromMillis(created), committed != 0
	p.Started = committed == 0 && mode == ImportValid
	return p, id, nil
}

// errRowFailed stops an all-or-nothing transaction when a row fails to write.
var errRowFailed = errors.New("an import row failed")

// CommitImport writes a saved import. Every row is checked again first.
// With mode "all", nothing is written if any row is invalid, and the rows are
// written in one transaction; with "valid", the valid rows are written and
// the others reported. A token is committed once, and only by its officer;
// after an all-or-nothing attempt that wrote nothing it may be committed
// again (for instance with "valid").
//
// "valid" writes each row in its own transaction, which also records the
// row in import_progress (its primary key refuses a second writer), and
// keeps the file's rows until every row is done. An import interrupted
// half-way (the process killed, the request cancelled) is therefore
// resumed by committing the same token with "valid" again: the rows already
// written are skipped, never written twice, and Written counts them all. An
// import that has begun this way cannot be switched to "all"
// ("import.started").
func (s *Store) CommitImport(ctx context.Context, a easyjob.Actor, token, mode string) (_ ImportResult, err error) {
	defer wrapErr(&err, "store.CommitImport")
	if mode != ImportAll && mode != ImportValid {
		f := easyjob.Fields{}
		f.Add("mode", "import.mode")
		return ImportResult{}, f.Err()
	}
	p, id, err := s.loadImport(ctx, a, token)
	if err != nil {
		return ImportResult{}, err
	}
	if p.Committed {
		return ImportResult{}, easyjob.Errorf(easyjob.ECONFLICT, "import.committed")
	}
	if s.Clock.Now().Sub(p.CreatedAt) > importTTL {
		return ImportResult{}, easyjob.Errorf(easyjob.ECONFLICT, "import.expired")
	}
	done, err := s.importProgress(ctx, id)
	if err != nil {
		return ImportResult{}, err
	}
	if (p.Started || len(done) > 0) && mode != ImportValid {
		return ImportResult{}, easyjob.Errorf(easyjob.ECONFLICT, "import.started")
	}
	if mode == ImportValid {
		return s.commitValid(ctx, a, id, p, done)
	}
	c, rows, err := s.checkImport(ctx, a, p.Kind, p.Rows)
	if err != nil {
		return ImportResult{}, err
	}
	res := ImportResult{ImportCheck: c, Mode: mode}
	if c.Invalid > 0 || c.Valid == 0 {
		return res, nil
	}
	var written []int64
	err = s.Tx(ctx, func(tx *Tx) error {
		written = written[:0]
		r, err := tx.ExecContext(ctx, `UPDATE imports SET committed_at = $1, mode = $2, rows_json = $3 WHERE id = $4 AND committed_at = 0`,
			tx.At, mode, []byte{}, id)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return easyjob.Errorf(easyjob.ECONFLICT, "import.committed")
		}
		for i := range rows {
			nid, err := s.insertImported(ctx, tx, a, p.Kind, rows[i])
			if err != nil {
				if addFields(res.Rows[i].Errors, err) == nil {
					return errRowFailed
				}
				return err
			}
			written = append(written, nid)
		}
		_, err = tx.ExecContext(ctx, `UPDATE imports SET written = $1 WHERE id = $2`, len(written), id)
		return err
	})
	if errors.Is(err, errRowFailed) {
		res.count()
		return res, nil
	}
	if err != nil {
		return ImportResult{}, err
	}
	res.Committed, res.Written = true, len(written)
	s.importChanged(p.Kind, written)
	return res, nil
}

// commitValid writes the valid rows of an import not written yet, one
// transaction each, recording each row's progress in that transaction.
func (s *Store) commitValid(ctx context.Context, a easyjob.Actor, id int64, p PendingImport, done map[int]int64) (ImportResult, error) {
	// The rows already written are done: check the others only (those
	// written are in the database now and would look like duplicates).
	var todo []int
	var rest []ImportRow
	for i, r := range p.Rows {
		if _, ok := done[i]; !ok {
			todo = append(todo, i)
			rest = append(rest, r)
		}
	}
	c, rows, err := s.checkImport(ctx, a, p.Kind, rest)
	if err != nil {
		return ImportResult{}, err
	}
	full := ImportCheck{Kind: p.Kind, Rows: make([]RowCheck, len(p.Rows))}
	for i, r := range p.Rows {
		if _, ok := done[i]; ok {
			full.Rows[i] = RowCheck{Line: r.Line, Label: importLabel(p.Kind, r), Errors: easyjob.Fields{}}
		}
	}
	for j, i := range todo {
		full.Rows[i] = c.Rows[j]
	}
	full.count()
	res := ImportResult{ImportCheck: full, Mode: ImportValid}
	if full.Valid == 0 {
		return res, nil
	}
	r, err := s.DB.W.ExecContext(ctx, `UPDATE imports SET mode = $1 WHERE id = $2 AND committed_at = 0`, ImportValid, id)
	if err != nil {
		return ImportResult{}, err
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return ImportResult{}, easyjob.Errorf(easyjob.ECONFLICT, "import.committed")
	}
	var written []int64
	defer func() { s.importChanged(p.Kind, written) }()
	for j, i := range todo {
		if len(full.Rows[i].Errors) > 0 {
			continue
		}
		var nid int64
		err := s.Tx(ctx, func(tx *Tx) error {
			nid = 0
			// The progress row first: a second writer of this row (another
			// request resuming the same import) waits here and then fails.
			_, err := tx.ExecContext(ctx, `INSERT INTO import_progress (import_id, row_index, record_id, at) VALUES ($1, $2, 0, $3)`,
				id, i, tx.At)
			if isUnique(err) {
				return errRowDone
			}
			if err != nil {
				return err
			}
			if nid, err = s.insertImported(ctx, tx, a, p.Kind, rows[j]); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE import_progress SET record_id = $1 WHERE import_id = $2 AND row_index = $3`,
				nid, id, i); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `UPDATE imports SET written = written + 1 WHERE id = $1`, id)
			return err
		})
		switch {
		case errors.Is(err, errRowDone):
			continue // written by a concurrent resume
		case err != nil:
			if addFields(full.Rows[i].Errors, err) == nil {
				continue // written meanwhile by someone else: reported on the row
			}
			return ImportResult{}, err
		}
		written = append(written, nid)
		if s.afterImportRow != nil {
			s.afterImportRow(len(written))
		}
	}
	// Every row is done: the file's rows go, with the personal data they hold.
	if _, err := s.DB.W.ExecContext(ctx, `UPDATE imports SET committed_at = $1, rows_json = $2,
		written = (SELECT COUNT(*) FROM import_progress WHERE import_id = $3) WHERE id = $3 AND committed_at = 0`,
		s.now(), []byte{}, id); err != nil {
		return ImportResult{}, err
	}
	if err := s.DB.R.QueryRowContext(ctx, `SELECT written FROM imports WHERE id = $1`, id).Scan(&res.Written); err != nil {
		return ImportResult{}, err
	}
	// A concurrent resume may have written rows this one checked as
	// duplicates: the rows in import_progress are written, whoever wrote them.
	if done, err = s.importProgress(ctx, id); err != nil {
		return ImportResult{}, err
	}
	for i := range done {
		res.Rows[i].Errors = easyjob.Fields{}
	}
	res.count()
	res.Committed = true
	return res, nil
}

// errRowDone skips a row another request has written.
var errRowDone = errors.New("import row already written")

// importProgress returns the rows of an import already written (by row
// index) and what they became.
func (s *Store) importProgress(ctx context.Context, id int64) (map[int]int64, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT row_index, record_id FROM import_progress WHERE import_id = $1`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int]int64{}
	for rows.Next() {
		var i int
		var rec int64
		if err := rows.Scan(&i, &rec); err != nil {
			return nil, err
		}
		out[i] = rec
	}
	return out, rows.Err()
}

// importLabel is a row's seeker name or posting title, as written.
func importLabel(kind string, r ImportRow) string {
	if kind == ImportSeekers {
		return strings.TrimSpace(r.Values["name"])
	}
	return strings.TrimSpace(r.Values["title"])
}

// importChanged tells the in-memory indexes about written seekers.
func (s *Store) importChanged(kind string, written []int64) {
	if kind == ImportSeekers {
		for _, nid := range written {
			s.changed("seeker", nid)
		}
	}
}

func (s *Store) insertImported(ctx context.Context, tx *Tx, a easyjob.Actor, kind string, c checked) (int64, error) {
	if kind == ImportSeekers {
		return s.insertSeekerTx(ctx, tx, a, c.seeker, 0)
	}
	return insertPosting(ctx, tx, c.employerID, c.posting, c.checks, tx.At)
}

// Cells: numbers, yes/no, dates and codes as people write them in a sheet.

func cellInt(f easyjob.Fields, v map[string]string, name string) int {
	s := strings.TrimSpace(v[name])
	s = strings.NewReplacer(",", "", "，", "", "元", "", "¥", "", "￥", "", " ", "").Replace(s)
	if s == "" {
		return 0
	}
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	// Spreadsheets write whole numbers as 4500.0 at times.
	if x, err := strconv.ParseFloat(s, 64); err == nil && x == math.Trunc(x) && math.Abs(x) < 1e9 {
		return int(x)
	}
	f.Add(name, "field.number")
	return 0
}

func cellBool(f easyjob.Fields, v map[string]string, name string) bool {
	switch strings.ToLower(strings.TrimSpace(v[name])) {
	case "", "0", "否", "不", "不需要", "无", "没有", "n", "no", "false", "f", "×", "x":
		return false
	case "1", "是", "需要", "有", "包", "y", "yes", "true", "t", "√", "✓", "✔":
		return true
	}
	f.Add(name, "field.bool")
	return false
}

// excelEpoch is day 0 of Excel's date serial numbers (1900 system).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

func parseCellDate(s string) (easyjob.Date, bool) {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil && n > 20000 && n < 80000 {
		return easyjob.DateOf(excelEpoch.AddDate(0, 0, n).Add(12 * time.Hour)), true
	}
	s = strings.NewReplacer("年", "-", "月", "-", "日", "", "/", "-", ".", "-").Replace(s)
	if i := strings.IndexAny(s, " T"); i > 0 {
		s = s[:i]
	}
	for _, layout := range []string{"2006-1-2", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return easyjob.NewDate(t.Date()), true
		}
	}
	return easyjob.Date{}, false
}

func cellDate(f easyjob.Fields, v map[string]string, name string) easyjob.Date {
	s := strings.TrimSpace(v[name])
	if s == "" {
		return easyjob.Date{}
	}
	d, ok := parseCellDate(s)
	if !ok {
		f.Add(name, "field.date")
	}
	return d
}

// cellTime reads a time of day in Shanghai ("2020-03-01 09:30"), or a date
// (taken as its noon).
func cellTime(f easyjob.Fields, v map[string]string, name string) (time.Time, bool) {
	s := strings.TrimSpace(v[name])
	if s == "" {
		return time.Time{}, false
	}
	norm := strings.NewReplacer("/", "-", "T", " ").Replace(s)
	for _, layout := range []string{"2006-1-2 15:04:05", "2006-1-2 15:04"} {
		if t, err := time.ParseInLocation(layout, norm, easyjob.Shanghai); err == nil {
			return t.UTC(), true
		}
	}
	if d, ok := parseCellDate(s); ok {
		y, m, dd := d.Time().Date()
		return time.Date(y, m, dd, 12, 0, 0, 0, easyjob.Shanghai).UTC(), true
	}
	f.Add(name, "field.date")
	return time.Time{}, false
}

var splitList = strings.NewReplacer("，", ",", "、", ",", ";", ",", "；", ",", "/", ",", "\n", ",", " ", ",")

// occupationNames maps the names of occupations to their codes, so a sheet
// may say 电子设备装接工 instead of 6-25-04-07.
var occupationNames = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for _, o := range occupation.All() {
		if _, dup := m[o.Name]; !dup && occupation.IsLeaf(o.Code) {
			m[o.Name] = o.Code
		}
	}
	return m
})

func cellOccupation(s string) string {
	s = strings.TrimSpace(s)
	if code, ok := occupationNames()[s]; ok {
		return code
	}
	return s
}

func cellTrades(s string) []string {
	var out []string
	for _, t := range strings.Split(splitList.Replace(s), ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, cellOccupation(t))
		}
	}
	return out
}

// cellDistrict takes a district code or name (龙岗区, 龙岗).
func cellDistrict(s string) string {
	s = strings.TrimSpace(s)
	for _, d := range region.ShenzhenDistricts() {
		if s == d.Name || s+"区" == d.Name || s == "深圳市"+d.Name {
			return d.Code
		}
	}
	return s
}

// cellStreet takes a street code or name within a district.
func cellStreet(district, s string) string {
	s = strings.TrimSpace(s)
	for _, st := range region.Streets(district) {
		if s == st.Name || s+"街道" == st.Name {
			return st.Code
		}
	}
	return s
}

// ExampleMark starts the name (seekers) or title (postings) of a template's
// example row, in each language: the importer refuses such a row ("delete
// the example row"), so a template filled in without deleting it never
// imports a fake person or posting.
var ExampleMark = map[string]string{"zh-CN": "（示例）", "en": "(example) "}

// IsExample tells whether a name or title is marked as a template's example.
func IsExample(s string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, m := range []string{"（示例）", "(示例)", "(example)", "（example）"} {
		if strings.HasPrefix(s, m) {
			return true
		}
	}
	return false
}
