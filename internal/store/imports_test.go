package store_test

import (
	"context"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/ident"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
)

var idSeq atomic.Int64

// seekerRows turns n fixture seekers into spreadsheet rows (line 2 on).
func seekerRows(n int) []store.ImportRow {
	var rows []store.ImportRow
	for i := range n {
		in := storetest.SeekerInput()
		// Adults however many rows the tests ask for.
		n := idSeq.Add(1)
		in.IDNumber = ident.GenerateResidentID("451026", time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(n%9000)), int(n/9000%1000), n%2 == 0)
		rows = append(rows, store.ImportRow{Line: i + 2, Values: map[string]string{
			"name": in.Name, "id_number": in.IDNumber, "phone": in.Phone, "trades": "6-25-04-02、电子设备装接工",
			"experience_years": "3", "expected_pay": "4,500", "wants_dorm": "是", "wants_meals": "no",
			"available_from": "2020/3/9", "education": "junior", "group": "A组", "consent_method": "signed",
		}})
	}
	return rows
}

func seekerCount(t *testing.T, s *store.Store, a easyjob.Actor) int {
	t.Helper()
	n, cursor := 0, ""
	for {
		pg, err := s.Seekers(context.Background(), a, store.SeekerFilter{ListOptions: store.ListOptions{Limit: 100, Cursor: cursor}})
		if err != nil {
			t.Fatal(err)
		}
		n += len(pg.Items)
		if cursor = pg.NextCursor; cursor == "" {
			return n
		}
	}
}

func TestImportSeekers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		s := f.S
		rows := seekerRows(4)
		rows[2].Values["expected_pay"] = "lots" // row 4 is bad

		c, err := s.CheckImport(ctx, f.Station, store.ImportSeekers, rows)
		if err != nil {
			t.Fatal(err)
		}
		if c.Valid != 3 || c.Invalid != 1 || len(c.Bad()) != 1 {
			t.Fatalf("check %+v", c)
		}
		bad := c.Bad()[0]
		if bad.Line != 4 || len(bad.Errors) != 1 || bad.Errors["expected_pay"].Key != "field.number" {
			t.Fatalf("bad row %+v", bad)
		}
		if seekerCount(t, s, f.Station) != 0 {
			t.Fatal("checking wrote")
		}

		token, err := s.SaveImport(ctx, f.Station, store.ImportSeekers, "名单.xlsx", rows)
		if err != nil {
			t.Fatal(err)
		}
		// Another officer cannot see or commit it.
		if _, err := s.CommitImport(ctx, f.City, token, store.ImportValid); code(err) != easyjob.ENOTFOUND {
			t.Fatalf("other officer: %v", err)
		}
		if _, err := s.CommitImport(ctx, f.Boss, token, store.ImportValid); code(err) != easyjob.EFORBIDDEN {
			t.Fatalf("employer: %v", err)
		}
		// All or nothing: nothing.
		res, err := s.CommitImport(ctx, f.Station, token, store.ImportAll)
		if err != nil {
			t.Fatal(err)
		}
		if res.Committed || res.Written != 0 || res.Invalid != 1 || res.Bad()[0].Line != 4 {
			t.Fatalf("all: %+v", res)
		}
		if seekerCount(t, s, f.Station) != 0 {
			t.Fatal("all-or-nothing wrote")
		}
		// The valid rows only.
		res, err = s.CommitImport(ctx, f.Station, token, store.ImportValid)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Committed || res.Written != 3 || res.Invalid != 1 {
			t.Fatalf("valid: %+v", res)
		}
		if n := seekerCount(t, s, f.Station); n != 3 {
			t.Fatalf("%d seekers written", n)
		}
		got, err := s.SeekerByIDNumber(ctx, f.Station, rows[0].Values["id_number"])
		if err != nil {
			t.Fatal(err)
		}
		if got.ExpectedPay != 4500 || !got.WantsDorm || got.WantsMeals || len(got.Trades) != 2 ||
			got.AvailableFrom.String() != "2020-03-09" || got.ConsentMethod != "signed" || got.RegisteredBy != f.Station.UserID {
			t.Fatalf("imported %+v", got)
		}
		// Once only.
		if _, err := s.CommitImport(ctx, f.Station, token, store.ImportValid); code(err) != easyjob.ECONFLICT {
			t.Fatalf("second commit: %v", err)
		}
		if _, err := s.CommitImport(ctx, f.Station, token, store.ImportAll); code(err) != easyjob.ECONFLICT {
			t.Fatalf("second commit: %v", err)
		}
		if _, err := s.CommitImport(ctx, f.Station, "no-such-token", store.ImportAll); code(err) != easyjob.ENOTFOUND {
			t.Fatalf("unknown token: %v", err)
		}

		// The same people again are duplicates of the database; twice in one
		// file is a duplicate too; the fixed row 4 goes in all at once.
		rows[2].Values["expected_pay"] = "4800"
		again := append(rows, store.ImportRow{Line: 6, Values: rows[2].Values})
		c, err = s.CheckImport(ctx, f.Station, store.ImportSeekers, again)
		if err != nil {
			t.Fatal(err)
		}
		if c.Valid != 1 || c.Rows[0].Errors["id_number"].Key != "seeker.duplicate_id" ||
			c.Rows[4].Errors["id_number"].Key != "import.duplicate_in_file" || c.Rows[4].Errors["id_number"].Args["line"] != 4 {
			t.Fatalf("duplicates %+v", c.Rows)
		}
		token, err = s.SaveImport(ctx, f.Station, store.ImportSeekers, "fixed.csv", rows[2:3])
		if err != nil {
			t.Fatal(err)
		}
		if res, err = s.CommitImport(ctx, f.Station, token, store.ImportAll); err != nil || !res.Committed || res.Written != 1 {
			t.Fatalf("all: %+v %v", res, err)
		}
		if n := seekerCount(t, s, f.Station); n != 4 {
			t.Fatalf("%d seekers", n)
		}
	})
}

func TestImportSeekerRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		rows := seekerRows(5)
		rows[0].Values["consent_method"] = ""  // an officer must record consent
		rows[1].Values["id_number"] = "123"    // not an ID number
		rows[2].Values["wants_dorm"] = "maybe" // not yes or no
		rows[3].Values["phone"] = rows[4].Values["phone"]
		c, err := f.S.CheckImport(ctx, f.Station, store.ImportSeekers, rows)
		if err != nil {
			t.Fatal(err)
		}
		want := map[int][2]string{
			0: {"consent_method", "field.consent_required"}, 1: {"id_number", "id.length"},
			2: {"wants_dorm", "field.bool"}, 4: {"phone", "import.duplicate_in_file"},
		}
		for i, r := range c.Rows {
			w, bad := want[i]
			if bad != (len(r.Errors) > 0) || (bad && r.Errors[w[0]].Key != w[1]) {
				t.Errorf("row %d: %v, want %v", r.Line, r.Errors, w)
			}
		}
		// 那坡县 is twinned with 龙岗, not in 福田's region.
		futian, err := f.S.CreateUser(ctx, f.Admin, store.NewUser{Username: "futian", Password: "futian-password", Name: "福田区", Role: easyjob.RoleOfficer, Region: "440304"})
		if err != nil {
			t.Fatal(err)
		}
		c, err = f.S.CheckImport(ctx, store.ActorOf(futian, "zh-CN"), store.ImportSeekers, rows[4:])
		if err != nil || c.Rows[0].Errors["id_number"].Key != "seeker.out_of_region" {
			t.Fatalf("out of region: %+v %v", c, err)
		}
		if _, err := f.S.CheckImport(ctx, f.Station, "trucks", rows); code(err) != easyjob.EINVALID {
			t.Fatalf("kind: %v", err)
		}
		if _, err := f.S.CommitImport(ctx, f.Station, "x", "some"); code(err) != easyjob.EINVALID {
			t.Fatalf("mode: %v", err)
		}
	})
}

func postingRows(f *storetest.Fixture, n int) []store.ImportRow {
	in := f.PostingInput()
	var rows []store.ImportRow
	for i := range n {
		rows = append(rows, store.ImportRow{Line: i + 2, Values: map[string]string{
			"credit_code": f.Employer.CreditCode, "title": in.Title + strconv.Itoa(i), "occupation": in.Occupation,
			"headcount": "10", "pay_min": "5000", "pay_max": "6500", "pay_day": "15", "dorm": "包", "meals": "是",
			"shift": "two_shifts", "social_insurance": "yes", "start_date": in.StartDate.String(),
			"closing_date": in.ClosingDate.String(), "district": "龙岗区", "street": "440307018", "address": in.Address,
		}})
	}
	return rows
}

func TestImportPostings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		s := f.S
		rows := postingRows(f, 3)
		rows[1].Values["pay_min"] = "1800" // below the minimum wage
		rows[1].Values["pay_max"] = ""
		c, err := s.CheckImport(ctx, f.Longgang, store.ImportPostings, rows)
		if err != nil {
			t.Fatal(err)
		}
		if c.Invalid != 1 || c.Bad()[0].Line != 3 || c.Bad()[0].Errors["pay_min"].Key != "check.min_wage" {
			t.Fatalf("check %+v", c.Rows)
		}
		// The station cannot post for a 龙岗 employer; an unknown code is reported.
		other := postingRows(f, 1)
		c, err = s.CheckImport(ctx, f.Station, store.ImportPostings, other)
		if err != nil || c.Rows[0].Errors["credit_code"].Key != "import.employer_out_of_region" {
			t.Fatalf("station: %+v %v", c.Rows, err)
		}
		other[0].Values["credit_code"] = storetest.EmployerInput().CreditCode[:17] + "0"
		c, _ = s.CheckImport(ctx, f.Longgang, store.ImportPostings, other)
		if len(c.Rows[0].Errors["credit_code"].Key) == 0 {
			t.Fatalf("bad code %+v", c.Rows)
		}

		token, err := s.SaveImport(ctx, f.Longgang, store.ImportPostings, "岗位.xlsx", rows)
		if err != nil {
			t.Fatal(err)
		}
		list := func() int {
			pg, err := s.Postings(ctx, f.Longgang, store.PostingFilter{ListOptions: store.ListOptions{Limit: 100}})
			if err != nil {
				t.Fatal(err)
			}
			return len(pg.Items)
		}
		if res, err := s.CommitImport(ctx, f.Longgang, token, store.ImportAll); err != nil || res.Committed || list() != 0 {
			t.Fatalf("all: %+v %v", res, err)
		}
		res, err := s.CommitImport(ctx, f.Longgang, token, store.ImportValid)
		if err != nil || res.Written != 2 || list() != 2 {
			t.Fatalf("valid: %+v %v", res, err)
		}
		pg, _ := s.Postings(ctx, f.Longgang, store.PostingFilter{ListOptions: store.ListOptions{Limit: 1}})
		p := pg.Items[0]
		if p.Status != easyjob.PostingPending || p.EmployerID != f.Employer.ID || p.District != "440307" || !p.Dorm || p.Headcount != 10 {
			t.Fatalf("imported %+v", p)
		}
	})
}

// Two officers commit the same people all-or-nothing at once: one import
// writes every row, the other nothing (caught by the check or, in the race,
// by the unique index inside its transaction).
func TestImportAllOrNothingRace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		rows := seekerRows(20)
		var tokens [2]string
		actors := [2]easyjob.Actor{f.Station, f.City}
		for i, a := range actors {
			tok, err := f.S.SaveImport(ctx, a, store.ImportSeekers, "", rows)
			if err != nil {
				t.Fatal(err)
			}
			tokens[i] = tok
		}
		type out struct {
			res store.ImportResult
			err error
		}
		done := make(chan out, 2)
		for i, a := range actors {
			go func() {
				res, err := f.S.CommitImport(ctx, a, tokens[i], store.ImportAll)
				done <- out{res, err}
			}()
		}
		committed := 0
		for range 2 {
			o := <-done
			if o.err != nil {
				t.Fatal(o.err)
			}
			if o.res.Committed {
				committed++
				if o.res.Written != 20 {
					t.Fatalf("wrote %d", o.res.Written)
				}
			} else if o.res.Invalid == 0 {
				t.Fatalf("nothing written but no row reported: %+v", o.res)
			}
		}
		if committed != 1 {
			t.Fatalf("%d imports committed", committed)
		}
		if n := seekerCount(t, f.S, f.City); n != 20 {
			t.Fatalf("%d seekers", n)
		}
	})
}

// Pending rows are sealed at rest, emptied once written, and expire.
func TestImportRowsAtRest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		rows := seekerRows(2)
		token, err := f.S.SaveImport(ctx, f.Station, store.ImportSeekers, "a.xlsx", rows)
		if err != nil {
			t.Fatal(err)
		}
		var raw []byte
		if err := f.S.DB.R.QueryRowContext(ctx, `SELECT rows_json FROM imports WHERE token = $1`, token).Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if len(raw) == 0 || strings.Contains(string(raw), rows[0].Values["id_number"][:10]) || strings.Contains(string(raw), rows[0].Values["phone"]) {
			t.Fatal("import rows are not sealed")
		}
		p, err := f.S.Import(ctx, f.Station, token)
		if err != nil || len(p.Rows) != 2 || p.Rows[1].Values["id_number"] != rows[1].Values["id_number"] || p.FileName != "a.xlsx" {
			t.Fatalf("import %+v %v", p, err)
		}
		if _, err := f.S.CommitImport(ctx, f.Station, token, store.ImportAll); err != nil {
			t.Fatal(err)
		}
		f.S.DB.R.QueryRowContext(ctx, `SELECT rows_json FROM imports WHERE token = $1`, token).Scan(&raw)
		if len(raw) != 0 {
			t.Fatal("written import keeps its rows")
		}
		if p, err := f.S.Import(ctx, f.Station, token); err != nil || !p.Committed {
			t.Fatalf("committed import %+v %v", p, err)
		}

		// A day later a pending import has expired, and goes with the next upload.
		old, err := f.S.SaveImport(ctx, f.Station, store.ImportSeekers, "b.xlsx", seekerRows(1))
		if err != nil {
			t.Fatal(err)
		}
		f.Clock.Advance(25 * time.Hour)
		if _, err := f.S.CommitImport(ctx, f.Station, old, store.ImportValid); code(err) != easyjob.ECONFLICT {
			t.Fatalf("expired: %v", err)
		}
		if _, err := f.S.SaveImport(ctx, f.Station, store.ImportSeekers, "c.xlsx", seekerRows(1)); err != nil {
			t.Fatal(err)
		}
		if _, err := f.S.Import(ctx, f.Station, old); code(err) != easyjob.ENOTFOUND {
			t.Fatalf("expired import kept: %v", err)
		}
	})
}

// A full file: 5,000 seekers checked and written all-or-nothing in one
// transaction (not in -short).
func TestImportFullFile(t *testing.T) {
	if testing.Short() {
		t.Skip("5,000 rows")
	}
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		rows := seekerRows(store.MaxImportRows)
		t0 := time.Now()
		c, err := f.S.CheckImport(ctx, f.Station, store.ImportSeekers, rows)
		if err != nil || c.Valid != store.MaxImportRows {
			t.Fatalf("check: %d valid, %v", c.Valid, err)
		}
		t1 := time.Now()
		token, err := f.S.SaveImport(ctx, f.Station, store.ImportSeekers, "big.xlsx", rows)
		if err != nil {
			t.Fatal(err)
		}
		res, err := f.S.CommitImport(ctx, f.Station, token, store.ImportAll)
		if err != nil || res.Written != store.MaxImportRows {
			t.Fatalf("commit: %d written, %v", res.Written, err)
		}
		t.Logf("%s: check %v, save and commit (check again + write) %v", k.Name, t1.Sub(t0).Round(time.Millisecond), time.Since(t1).Round(time.Millisecond))
	})
}

// TestImportResumes interrupts a "valid rows only" import after some rows
// (the request cancelled, as when the process is killed) and resumes it: the
// rows written so far are recorded, the rest wait with the file, "all" is
// refused, and committing the same token again — twice at once here —
// writes each remaining row exactly once. Postings have no unique key, so a
// row written twice would show as two postings.
func TestImportResumes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		f := storetest.NewFixture(t, k)
		s := f.S
		for _, kind := range []string{store.ImportSeekers, store.ImportPostings} {
			t.Run(kind, func(t *testing.T) {
				const n, stopAfter = 60, 23
				a, rows := f.Station, seekerRows(n)
				if kind == store.ImportPostings {
					a, rows = f.Longgang, postingRows(f, n)
				}
				rows[7].Values["name"], rows[7].Values["title"] = "", "" // one bad row
				token, err := s.SaveImport(context.Background(), a, kind, "big.xlsx", rows)
				if err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithCancel(context.Background())
				store.SetAfterImportRow(s, func(written int) {
					if written == stopAfter {
						cancel()
					}
				})
				if _, err := s.CommitImport(ctx, a, token, store.ImportValid); err == nil {
					t.Fatal("the interrupted import says it finished")
				}
				store.SetAfterImportRow(s, nil)
				ctx = context.Background()
				var written, progress int
				s.DB.R.QueryRow(`SELECT written FROM imports WHERE token = $1`, token).Scan(&written)
				s.DB.R.QueryRow(`SELECT COUNT(*) FROM import_progress`).Scan(&progress)
				if written != stopAfter || progress != stopAfter || records(t, s, kind) != stopAfter {
					t.Fatalf("after the interruption: written %d, progress %d, records %d; want %d", written, progress, records(t, s, kind), stopAfter)
				}
				p, err := s.Import(ctx, a, token)
				if err != nil || p.Committed || !p.Started || len(p.Rows) != n {
					t.Fatalf("interrupted import %+v %v", p, err)
				}
				if _, err := s.CommitImport(ctx, a, token, store.ImportAll); code(err) != easyjob.ECONFLICT {
					t.Fatalf("all after a partial write: %v", err)
				}
				type out struct {
					res store.ImportResult
					err error
				}
				outs := make(chan out, 2)
				for range 2 {
					go func() {
						res, err := s.CommitImport(ctx, a, token, store.ImportValid)
						outs <- out{res, err}
					}()
				}
				finished := 0
				for range 2 {
					o := <-outs
					switch {
					case o.err == nil:
						finished++
						if !o.res.Committed || o.res.Written != n-1 || o.res.Invalid != 1 || o.res.Bad()[0].Line != 9 {
							t.Errorf("resumed: written %d, invalid %d, bad %+v", o.res.Written, o.res.Invalid, o.res.Bad())
						}
					case code(o.err) == easyjob.ECONFLICT: // the other finished first
					default:
						t.Errorf("resume: %v", o.err)
					}
				}
				if finished == 0 {
					t.Fatal("no resume finished")
				}
				var distinct int
				s.DB.R.QueryRow(`SELECT COUNT(DISTINCT record_id) FROM import_progress`).Scan(&distinct)
				if got := records(t, s, kind); got != n-1 || distinct != n-1 {
					t.Fatalf("%d records, %d distinct in progress; want %d, each once", got, distinct, n-1)
				}
				if p, err := s.Import(ctx, a, token); err != nil || !p.Committed || p.Started || len(p.Rows) != 0 {
					t.Fatalf("finished import %+v %v", p, err)
				}
				s.DB.W.Exec(`DELETE FROM import_progress`)
			})
		}
	})
}

func records(t *testing.T, s *store.Store, kind string) int {
	t.Helper()
	var n int
	if err := s.DB.R.QueryRow(`SELECT COUNT(*) FROM ` + kind).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
