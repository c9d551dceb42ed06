package demo_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"easyjob/internal/demo"
	"easyjob/internal/easyjob"
	"easyjob/internal/ident"
	"easyjob/internal/occupation"
	"easyjob/internal/region"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
)

const password = "demo-password-123"

func opts() demo.Options {
	return demo.Options{Seed: 7, Postings: 30, Seekers: 300, Password: password, Now: storetest.Start}
}

func mustLoad(tb testing.TB, s *store.Store, o demo.Options) demo.Summary {
	tb.Helper()
	sum, err := demo.Load(context.Background(), s, o)
	if err != nil {
		tb.Fatal(err)
	}
	return sum
}

func count(tb testing.TB, s *store.Store, q string, args ...any) int {
	tb.Helper()
	var n int
	if err := s.DB.R.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestLoad(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		s, _ := storetest.NewStore(t, k)
		o := opts()
		sum := mustLoad(t, s, o)

		t.Run("counts", func(t *testing.T) {
			for _, c := range []struct {
				table string
				want  int
			}{
				{"postings", o.Postings}, {"seekers", o.Seekers}, {"employers", sum.Employers},
				{"applications", sum.Applications}, {"application_events", sum.Events}, {"reviews", sum.Reviews},
				{"users", 6 + (sum.Employers - 1) + o.Seekers},
			} {
				if got := count(t, s, `SELECT COUNT(*) FROM `+c.table); got != c.want {
					t.Errorf("%s: %d rows, want %d", c.table, got, c.want)
				}
			}
			if sum.Applications < o.Seekers/2 {
				t.Errorf("only %d applications for %d seekers", sum.Applications, o.Seekers)
			}
		})

		t.Run("every state", func(t *testing.T) {
			for _, st := range easyjob.States {
				if n := count(t, s, `SELECT COUNT(*) FROM applications WHERE state = $1`, string(st)); n == 0 || n != sum.States[st] {
					t.Errorf("%s: %d applications (summary %d)", st, n, sum.States[st])
				}
			}
		})

		t.Run("headcount", func(t *testing.T) {
			checkHeadcount(t, s)
		})

		t.Run("references", func(t *testing.T) {
			checkReferences(t, s)
		})

		t.Run("histories follow the pipeline", func(t *testing.T) {
			checkHistories(t, s)
		})

		t.Run("postings", func(t *testing.T) {
			if n := count(t, s, `SELECT COUNT(*) FROM postings WHERE status = 'published'`); n < o.Postings/2 {
				t.Errorf("%d published postings of %d", n, o.Postings)
			}
			rows, err := s.DB.R.QueryContext(ctx, `SELECT p.occupation, p.pay_min, p.pay_max, p.district, p.street,
				p.start_date, p.closing_date, p.status, e.verified FROM postings p JOIN employers e ON e.id = p.employer_id`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			ref := store.Reference{}
			today := easyjob.DateOf(storetest.Start)
			for rows.Next() {
				var occ, district, street, status string
				var payMin, payMax int
				var start, closing easyjob.Date
				var verified bool
				if err := rows.Scan(&occ, &payMin, &payMax, &district, &street, &start, &closing, &status, &verified); err != nil {
					t.Fatal(err)
				}
				if _, ok := occupation.TradeOf(occ); !ok {
					t.Errorf("occupation %s is not a trade", occ)
				}
				if payMin < s.MinWage || payMax < payMin {
					t.Errorf("pay %d–%d", payMin, payMax)
				}
				if !ref.ShenzhenDistrict(district) || !ref.Street(district, street) {
					t.Errorf("district %s street %s", district, street)
				}
				if start.Before(today) || start.After(today.AddDays(30)) || !closing.After(start) {
					t.Errorf("start %s closing %s", start, closing)
				}
				if status == string(easyjob.PostingPublished) && !verified {
					t.Errorf("published posting of an unverified employer")
				}
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			for _, st := range []string{"pending_review", "returned"} {
				if count(t, s, `SELECT COUNT(*) FROM postings WHERE status = $1`, st) == 0 {
					t.Errorf("no %s posting", st)
				}
			}
			if n := count(t, s, `SELECT COUNT(*) FROM postings p WHERE status = 'returned'
				AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.subject = 'posting' AND r.subject_id = p.id AND r.decision = 'return')`); n != 0 {
				t.Errorf("%d returned postings without a review", n)
			}
		})

		t.Run("seekers", func(t *testing.T) {
			checkSeekers(t, s, o)
		})

		t.Run("accounts sign in", func(t *testing.T) {
			want := map[string]easyjob.User{
				demo.AdminUser:    {Role: easyjob.RoleAdmin},
				demo.OfficerUser:  {Role: easyjob.RoleOfficer, Region: easyjob.CityRegion},
				demo.StationUser:  {Role: easyjob.RoleOfficer, Region: "451026"},
				demo.EmployerUser: {Role: easyjob.RoleEmployer, EmployerID: 1},
			}
			for name, w := range want {
				_, u, err := s.Login(ctx, name, password, "web")
				if err != nil {
					t.Errorf("%s: %v", name, err)
					continue
				}
				if u.Role != w.Role || u.Region != w.Region || u.EmployerID != w.EmployerID {
					t.Errorf("%s: %+v", name, u)
				}
			}
			e, err := s.Employer(ctx, 1)
			if err != nil || !e.Verified {
				t.Errorf("demo employer: %+v, %v", e, err)
			}
			if _, _, err := s.Login(ctx, demo.AdminUser, "wrong-password-1", "web"); err == nil {
				t.Error("a wrong password signs in")
			}
		})

		t.Run("demo seeker signs in with a code", func(t *testing.T) {
			if err := s.RequestCode(ctx, demo.DemoSeekerPhone); err != nil {
				t.Fatal(err)
			}
			msgs, err := s.Outbox(ctx, demo.DemoSeekerPhone, 1)
			if err != nil || len(msgs) != 1 {
				t.Fatalf("outbox: %v %v", msgs, err)
			}
			code := digits(msgs[0].Body)
			_, u, err := s.LoginWithCode(ctx, demo.DemoSeekerPhone, code, "web")
			if err != nil {
				t.Fatal(err)
			}
			if u.SeekerID != sum.Seeker.ID || u.SeekerID == 0 {
				t.Fatalf("signed in as %+v, want seeker %d", u, sum.Seeker.ID)
			}
			k, err := s.Seeker(ctx, store.ActorOf(u, "zh-CN"), u.SeekerID, "")
			if err != nil || k.Phone != demo.DemoSeekerPhone || k.HomeCounty != "451026" {
				t.Fatalf("%+v %v", k, err)
			}
			apps, err := s.Applications(ctx, store.ActorOf(u, "zh-CN"), store.ApplicationFilter{})
			if err != nil || len(apps.Items) == 0 {
				t.Fatalf("demo seeker's applications: %v %v", apps.Items, err)
			}
		})

		t.Run("refuses a second load", func(t *testing.T) {
			_, err := demo.Load(ctx, s, o)
			if !errors.Is(err, demo.ErrNotEmpty) || !strings.Contains(err.Error(), "--force") {
				t.Fatalf("second load: %v", err)
			}
		})

		t.Run("force wipes and reloads", func(t *testing.T) {
			before := digest(t, s)
			// Tables of later features that refer to the pipeline's go too.
			if _, err := s.DB.W.ExecContext(ctx, `CREATE TABLE demo_test_refs (id INTEGER PRIMARY KEY,
				seeker_id BIGINT NOT NULL REFERENCES seekers (id))`); err != nil {
				t.Fatal(err)
			}
			if _, err := s.DB.W.ExecContext(ctx, `INSERT INTO demo_test_refs (id, seeker_id) VALUES (1, 1)`); err != nil {
				t.Fatal(err)
			}
			o2 := o
			o2.Force, o2.Postings, o2.Seekers = true, 20, 150
			sum2 := mustLoad(t, s, o2)
			if !sum2.Wiped {
				t.Error("not wiped")
			}
			if n := count(t, s, `SELECT COUNT(*) FROM seekers`); n != 150 {
				t.Errorf("%d seekers after reload", n)
			}
			for _, table := range []string{"sessions", "demo_test_refs", "outbox", "audit_log"} {
				if n := count(t, s, `SELECT COUNT(*) FROM `+table); n != 0 {
					t.Errorf("%d rows of %s survive", n, table)
				}
			}
			if cur, known, err := s.DB.SchemaStatus(ctx); err != nil || cur != known {
				t.Errorf("schema version %d of %d after --force (%v)", cur, known, err)
			}
			checkHeadcount(t, s)
			o.Force = true
			mustLoad(t, s, o)
			if after := digest(t, s); after != before {
				t.Error("reloading with the same seed gives other rows")
			}
			// New rows continue after the loaded ids.
			if _, err := s.CreateUser(ctx, easyjob.Actor{Role: easyjob.RoleAdmin, Scope: easyjob.ScopeAll}, store.NewUser{Username: "another",
				Password: "another-password", Name: "新人", Role: easyjob.RoleAdmin}); err != nil {
				t.Fatal(err)
			}
		})
	})
}

// TestDeterministic: the same seed, "now" and key give the same rows, on
// either database. (The key decides the order of the seekers in the table:
// orderSeekers.)
func TestDeterministic(t *testing.T) {
	k := storetest.Kinds()[0]
	a, _ := storetest.NewStore(t, k)
	b, _ := storetest.NewStore(t, k)
	b.Sealer = a.Sealer
	mustLoad(t, a, opts())
	mustLoad(t, b, opts())
	if da, db := digest(t, a), digest(t, b); da != db {
		t.Fatal("two loads with the same seed differ")
	}
	// And on the other database, when there is one.
	for _, other := range storetest.Kinds()[1:] {
		d, _ := storetest.NewStore(t, other)
		d.Sealer = a.Sealer
		mustLoad(t, d, opts())
		if digest(t, d) != digest(t, a) {
			t.Fatalf("%s and %s rows differ", k.Name, other.Name)
		}
	}
	c, _ := storetest.NewStore(t, k)
	c.Sealer = a.Sealer
	o := opts()
	o.Seed++
	mustLoad(t, c, o)
	if digest(t, a) == digest(t, c) {
		t.Fatal("another seed gives the same rows")
	}
}

// TestSeekersInHashOrder: seekers are written in the order of their ID
// numbers' blind index and get phones in the order of theirs, and the
// applications in the order of their seekers, so that the unique indexes
// grow at their end during the load (the demo seeker, id 1, excepted). A
// different key orders the same seekers differently.
func TestSeekersInHashOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		s, _ := storetest.NewStore(t, k)
		mustLoad(t, s, opts())
		ctx := context.Background()
		var prevID, prevPhone, prevUser string
		rows, err := s.DB.R.QueryContext(ctx, `SELECT k.id_hash, k.phone_hash, u.phone_hash FROM seekers k
			JOIN users u ON u.seeker_id = k.id WHERE k.id > 1 ORDER BY k.id`)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for rows.Next() {
			var id, phone, user string
			if err := rows.Scan(&id, &phone, &user); err != nil {
				t.Fatal(err)
			}
			// Compared by bytes, as SQLite's BINARY collation does.
			if id < prevID || phone < prevPhone || user < prevUser || user != phone {
				t.Fatalf("seeker %d out of hash order", n+2)
			}
			prevID, prevPhone, prevUser = id, phone, user
			n++
		}
		if err := rows.Err(); err != nil || n != opts().Seekers-1 {
			t.Fatalf("%d seekers after the first (%v)", n, err)
		}
		var backwards int
		if err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM applications a JOIN applications b ON b.id = a.id + 1
			WHERE b.seeker_id < a.seeker_id`).Scan(&backwards); err != nil || backwards != 0 {
			t.Fatalf("%d applications with a seeker before the previous one's (%v)", backwards, err)
		}
		other, _ := storetest.NewStore(t, k)
		mustLoad(t, other, opts())
		if digest(t, s) == digest(t, other) {
			t.Error("another key gives seekers the same ids")
		}
	})
}

func TestOptions(t *testing.T) {
	s, _ := storetest.NewStore(t, storetest.Kinds()[0])
	for _, o := range []demo.Options{
		{Postings: 0, Seekers: 1, Password: password},
		{Postings: 1, Seekers: 0, Password: password},
		{Postings: 1, Seekers: 1, Password: "short"},
	} {
		if _, err := demo.Load(context.Background(), s, o); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
	// Cancelling stops the load between statements.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o := opts()
	o.Progress = cancelOn{"postings", cancel}
	if _, err := demo.Load(ctx, s, o); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled load: %v", err)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM seekers`); n == o.Seekers {
		t.Fatal("the load went on after cancelling")
	}
	s, _ = storetest.NewStore(t, storetest.Kinds()[0])
	// The smallest set still loads.
	sum := mustLoad(t, s, demo.Options{Postings: 1, Seekers: 1, Password: password, Now: storetest.Start})
	if sum.Postings != 1 || sum.Seekers != 1 {
		t.Fatalf("%+v", sum)
	}
	checkHeadcount(t, s)
}

// digest hashes the rows that do not depend on the key or on randomness.
func digest(tb testing.TB, s *store.Store) string {
	tb.Helper()
	h := sha256.New()
	for _, q := range []string{
		`SELECT id, name, credit_code, district, street, address, contact_phone, industry, verified, verified_at, created_at FROM employers ORDER BY id`,
		`SELECT id, employer_id, title, occupation, headcount, filled, pending, pay_min, pay_max, dorm, meals, shift,
			start_date, closing_date, description, status, checks, created_at, published_at FROM postings ORDER BY id`,
		`SELECT id, name, gender, birth_date, home_county, trades, expected_pay, poor, health, health_at, group_code,
			consent_method, created_at FROM seekers ORDER BY id`,
		`SELECT id, seeker_id, posting_id, state, COALESCE(offer_start, ''), offer_pay, created_at, updated_at FROM applications ORDER BY id`,
		`SELECT id, application_id, from_state, to_state, actor_id, actor_role, reason, at FROM application_events ORDER BY id`,
		`SELECT id, COALESCE(username, ''), name, role, region, COALESCE(employer_id, 0), COALESCE(seeker_id, 0) FROM users ORDER BY id`,
		`SELECT id, subject, subject_id, decision, comment, at FROM reviews ORDER BY id`,
	} {
		rows, err := s.DB.R.QueryContext(context.Background(), q)
		if err != nil {
			tb.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				tb.Fatal(err)
			}
			for _, v := range vals {
				fmt.Fprintf(h, "%s|", normBool(v.String))
			}
			h.Write([]byte("\n"))
		}
		rows.Close()
	}
	return hex.EncodeToString(h.Sum(nil))
}

// normBool makes booleans read the same from both databases.
func normBool(s string) string {
	switch s {
	case "true":
		return "1"
	case "false":
		return "0"
	}
	return s
}

// checkHeadcount: filled and pending agree with the applications, and no
// posting is over its headcount.
func checkHeadcount(tb testing.TB, s *store.Store) {
	tb.Helper()
	var holding, pending []string
	for _, st := range easyjob.States {
		if st.TakesHeadcount() {
			holding = append(holding, "'"+string(st)+"'")
		}
		if st.Pending() {
			pending = append(pending, "'"+string(st)+"'")
		}
	}
	q := `SELECT COUNT(*) FROM postings p WHERE p.filled <> (SELECT COUNT(*) FROM applications a WHERE a.posting_id = p.id AND a.state IN (` +
		strings.Join(holding, ", ") + `)) OR p.pending <> (SELECT COUNT(*) FROM applications a WHERE a.posting_id = p.id AND a.state IN (` +
		strings.Join(pending, ", ") + `)) OR p.filled > p.headcount`
	if n := count(tb, s, q); n != 0 {
		tb.Errorf("%d postings whose filled or pending disagree with their applications", n)
	}
	// A person holds at most one place.
	q = `SELECT COUNT(*) FROM (SELECT seeker_id FROM applications WHERE state IN (` + strings.Join(holding, ", ") +
		`) GROUP BY seeker_id HAVING COUNT(*) > 1) x`
	if n := count(tb, s, q); n != 0 {
		tb.Errorf("%d seekers hold two places", n)
	}
}

// checkReferences: SQLite loads without checking foreign keys, so check
// them all now (PostgreSQL checked them on insert).
func checkReferences(tb testing.TB, s *store.Store) {
	tb.Helper()
	if s.DB.Dialect != store.SQLite {
		return
	}
	rows, err := s.DB.R.QueryContext(context.Background(), `PRAGMA foreign_key_check`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var table, parent string
		var rowid, fk sql.NullInt64
		if err := rows.Scan(&table, &rowid, &parent, &fk); err != nil {
			tb.Fatal(err)
		}
		tb.Errorf("%s row %d refers to a missing %s", table, rowid.Int64, parent)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	var on int
	if err := s.DB.W.QueryRowContext(context.Background(), `PRAGMA foreign_keys`).Scan(&on); err != nil || on != 1 {
		tb.Errorf("foreign keys left off after the load (%d, %v)", on, err)
	}
}

// checkHistories: every application's events start with applied, follow
// easyjob.Transitions with an allowed role, rise in time and end in the
// application's state.
func checkHistories(tb testing.TB, s *store.Store) {
	tb.Helper()
	rows, err := s.DB.R.QueryContext(context.Background(), `SELECT a.id, a.state, a.created_at, a.updated_at,
		e.from_state, e.to_state, e.actor_role, e.at FROM applications a JOIN application_events e ON e.application_id = a.id
		ORDER BY a.id, e.id`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var cur int64
	var state, last easyjob.ApplicationState
	var created, updated, lastAt int64
	n := 0
	end := func() {
		if cur != 0 && (last != state || lastAt != updated) {
			tb.Errorf("application %d in %s ends its history in %s at %d (updated %d)", cur, state, last, lastAt, updated)
		}
	}
	for rows.Next() {
		var id, c, u, at int64
		var st, from, to, role string
		if err := rows.Scan(&id, &st, &c, &u, &from, &to, &role, &at); err != nil {
			tb.Fatal(err)
		}
		if id != cur {
			end()
			cur, state, created, updated, n = id, easyjob.ApplicationState(st), c, u, 0
			if from != "" || to != string(easyjob.StateApplied) || at != created {
				tb.Errorf("application %d starts with %q→%q at %d (created %d)", id, from, to, at, created)
			}
		} else {
			if easyjob.ApplicationState(from) != last {
				tb.Errorf("application %d: event from %s after %s", id, from, last)
			}
			if !easyjob.CanTransition(easyjob.ApplicationState(from), easyjob.ApplicationState(to), easyjob.Role(role)) {
				tb.Errorf("application %d: %s may not move %s→%s", id, role, from, to)
			}
			if at <= lastAt {
				tb.Errorf("application %d: time goes back", id)
			}
		}
		if at > easyjob.Millis(storetest.Start) {
			tb.Errorf("application %d: event in the future", id)
		}
		last, lastAt = easyjob.ApplicationState(to), at
		n++
	}
	end()
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
}

func checkSeekers(tb testing.TB, s *store.Store, o demo.Options) {
	tb.Helper()
	ctx := context.Background()
	city := easyjob.Actor{Role: easyjob.RoleAdmin, Scope: easyjob.ScopeAll, UserID: 1}
	today := easyjob.DateOf(storetest.Start)
	twinned, poor, green, groups := 0, 0, 0, map[string][]string{}
	phones := map[string]bool{}
	for id := int64(1); id <= int64(o.Seekers); id++ {
		k, err := s.Seeker(ctx, city, id, "test")
		if err != nil {
			tb.Fatalf("seeker %d: %v", id, err)
		}
		rid, err := ident.ParseResidentIDAt(k.IDNumber, storetest.Start)
		if err != nil {
			tb.Fatalf("seeker %d: ID number: %v", id, err)
		}
		if rid.CountyCode() != k.HomeCounty || region.Canonical(k.HomeCounty) != k.HomeCounty {
			tb.Errorf("seeker %d: ID county %s, home %s", id, rid.CountyCode(), k.HomeCounty)
		}
		if age := easyjob.AgeOn(k.BirthDate, today); age < 18 || age > 55 {
			tb.Errorf("seeker %d: age %d", id, age)
		}
		if p, err := ident.ParsePhone(k.Phone); err != nil || phones[p] {
			tb.Errorf("seeker %d: phone %q (%v, dup %v)", id, k.Phone, err, phones[p])
		}
		phones[k.Phone] = true
		if n := len([]rune(k.Name)); n < 2 || n > 4 {
			tb.Errorf("seeker %d: name %q", id, k.Name)
		}
		if len(k.Trades) < 1 || len(k.Trades) > 3 {
			tb.Errorf("seeker %d: trades %v", id, k.Trades)
		}
		for _, tr := range k.Trades {
			if !occupation.IsLeaf(tr) {
				tb.Errorf("seeker %d: trade %s", id, tr)
			}
		}
		if k.Twinned {
			twinned++
		}
		if k.Poor {
			poor++
			if !k.Twinned {
				tb.Errorf("seeker %d: registered poor outside the twinned counties", id)
			}
		}
		if k.Health == easyjob.HealthGreen {
			green++
		}
		if storetest.Start.Sub(k.HealthAt) > 73*time.Hour {
			tb.Errorf("seeker %d: health reported %s", id, k.HealthAt)
		}
		if k.Group != "" {
			groups[k.Group] = append(groups[k.Group], k.HomeCounty)
		}
	}
	if twinned < o.Seekers/2 || twinned == o.Seekers {
		tb.Errorf("%d of %d seekers from twinned counties", twinned, o.Seekers)
	}
	if poor == 0 || green < o.Seekers*8/10 {
		tb.Errorf("%d registered poor, %d green", poor, green)
	}
	if len(groups) == 0 {
		tb.Error("no fellow-villager groups")
	}
	for code, counties := range groups {
		if len(counties) < 2 || len(counties) > 6 {
			tb.Errorf("group %s has %d members", code, len(counties))
		}
		for _, c := range counties {
			if c != counties[0] {
				tb.Errorf("group %s spans counties %v", code, counties)
			}
		}
	}
	if n := count(tb, s, `SELECT COUNT(DISTINCT id_hash) FROM seekers`); n != o.Seekers {
		tb.Errorf("%d distinct ID numbers", n)
	}
}

// cancelOn cancels when the progress report mentions a phase.
type cancelOn struct {
	phase  string
	cancel func()
}

func (c cancelOn) Write(p []byte) (int, error) {
	if strings.Contains(string(p), c.phase) {
		c.cancel()
	}
	return len(p), nil
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
			if b.Len() == 6 {
				break
			}
		} else {
			b.Reset()
		}
	}
	return b.String()
}
