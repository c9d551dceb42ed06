package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"easyjob/internal/easyjob"
	"easyjob/internal/region"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
)

// TestScope is the one table of who sees which counties and districts:
// the city, a district, a station of a twinned county and of an untwinned
// one, an employer and a seeker.
func TestScope(t *testing.T) {
	const (
		longgang = "440307" // twinned with Napo 451026, Jingxi 451081, Haifeng 441521
		nanshan  = "440305" // twinned with Debao 451024
		napo     = "451026"
		jingxi   = "451081"
		debao    = "451024"
		yizhou   = "451203" // Yizhou, Hechi: not twinned
		bantian  = "440307003"
	)
	if region.IsTwinned(yizhou) {
		t.Fatalf("%s should be untwinned for this test", yizhou)
	}
	actors := map[string]easyjob.Actor{
		"city":              {Role: easyjob.RoleOfficer, Region: easyjob.CityRegion},
		"admin":             {Role: easyjob.RoleAdmin},
		"district":          {Role: easyjob.RoleOfficer, Region: longgang},
		"twinned station":   {Role: easyjob.RoleOfficer, Region: napo},
		"untwinned station": {Role: easyjob.RoleOfficer, Region: yizhou},
		"employer":          {Role: easyjob.RoleEmployer, EmployerID: 1},
		"seeker":            {Role: easyjob.RoleSeeker, SeekerID: 1},
	}
	type want struct{ counties, districts []string }
	wants := map[string]want{
		"city":              {[]string{napo, jingxi, debao, yizhou}, []string{longgang, nanshan, bantian}},
		"admin":             {[]string{napo, jingxi, debao, yizhou}, []string{longgang, nanshan, bantian}},
		"district":          {[]string{napo, jingxi}, []string{longgang, bantian}},
		"twinned station":   {[]string{napo}, nil},
		"untwinned station": {[]string{yizhou}, nil},
		"employer":          {nil, nil},
		"seeker":            {nil, nil},
	}
	counties := []string{napo, jingxi, debao, yizhou}
	districts := []string{longgang, nanshan, bantian}
	for name, a := range actors {
		s := store.ScopeOf(a.Role, a.Region)
		w := wants[name]
		for _, c := range counties {
			if got, exp := s.County(c), contains(w.counties, c); got != exp {
				t.Errorf("%s sees county %s: %v, want %v", name, c, got, exp)
			}
		}
		for _, d := range districts {
			if got, exp := s.District(d), contains(w.districts, d); got != exp {
				t.Errorf("%s sees district %s: %v, want %v", name, d, got, exp)
			}
		}
	}
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// TestKernel runs the kernel's helpers on both databases: Where.Scope
// selects exactly the rows Scope's Go methods accept, UniqueViolation reads
// each driver's error, Collect checks errors, and a transaction's
// after-commit functions run only on commit.
func TestKernel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		s, _ := storetest.NewStore(t, k)
		ctx := context.Background()
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := s.DB.W.ExecContext(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		exec(`CREATE TABLE kernel_probe (id INTEGER PRIMARY KEY, county TEXT NOT NULL, district TEXT NOT NULL, code TEXT NOT NULL,
			CONSTRAINT kernel_probe_code UNIQUE (code))`)
		rows := [][2]string{{"451026", ""}, {"451081", ""}, {"451203", ""}, {"", "440307"}, {"", "440307003"}, {"", "440305"}}
		for i, r := range rows {
			exec(`INSERT INTO kernel_probe (id, county, district, code) VALUES ($1, $2, $3, $4)`, i+1, r[0], r[1], fmt.Sprint("c", i))
		}
		for _, region := range []string{easyjob.CityRegion, "440307", "451026", "451203"} {
			sc := store.ScopeOf(easyjob.RoleOfficer, region)
			var w store.Where
			w.Add("id > ?", 0)
			w.Scope(sc, "county", "district")
			got, err := store.Select(ctx, s.DB.R, func(r store.Scanner) (int, error) { var id int; err := r.Scan(&id); return id, err },
				`SELECT id FROM kernel_probe`+w.SQL()+` ORDER BY id`, w.Args()...)
			if err != nil {
				t.Fatal(err)
			}
			var want []int
			for i, r := range rows {
				if (r[0] != "" && sc.County(r[0])) || (r[1] != "" && sc.District(r[1])) {
					want = append(want, i+1)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(append([]int{}, want...)) {
				t.Errorf("scope of %s: rows %v, want %v", region, got, want)
			}
		}

		_, err := s.DB.W.ExecContext(ctx, `INSERT INTO kernel_probe (id, county, district, code) VALUES (99, '', '', 'c0')`)
		name, ok := store.UniqueViolation(err)
		if !ok || name == "" {
			t.Fatalf("UniqueViolation(%v) = %q, %v", err, name, ok)
		}
		if _, ok := store.UniqueViolation(errors.New("UNIQUE constraint failed: x.y")); ok {
			t.Error("a plain error's text is not a driver's unique violation")
		}

		ran := 0
		err = s.Tx(ctx, func(tx *store.Tx) error {
			tx.AfterCommit(func() { ran++ })
			_, err := tx.ExecContext(ctx, `INSERT INTO kernel_probe (id, county, district, code) VALUES (100, '', '', 'x1')`)
			return err
		})
		if err != nil || ran != 1 {
			t.Fatalf("commit: err %v, after-commit ran %d times", err, ran)
		}
		err = s.Tx(ctx, func(tx *store.Tx) error {
			tx.AfterCommit(func() { ran++ })
			return errors.New("roll back")
		})
		if err == nil || ran != 1 {
			t.Fatalf("rollback: err %v, after-commit ran %d times", err, ran)
		}

		_, err = store.Select(ctx, s.DB.R, func(r store.Scanner) (int, error) { return 0, nil }, `SELECT no_such_column FROM kernel_probe`)
		if err == nil {
			t.Error("Collect hid a query error")
		}
		if err := store.Wrap(sql.ErrConnDone, "store.Probe", "id", 7); err == nil || err.Error() != "store.Probe(id=7): "+sql.ErrConnDone.Error() ||
			!errors.Is(err, sql.ErrConnDone) {
			t.Errorf("Wrap: %v", err)
		}
		if de := easyjob.NotFound("probe"); store.Wrap(de, "store.Probe") != error(de) {
			t.Error("Wrap changed a domain error")
		}
	})
}

// TestTxRetriesDeadlock makes two transactions lock two rows in opposite
// orders: PostgreSQL aborts one as a deadlock victim (40P01) and Store.Tx
// runs it again, so both succeed. SQLite has one writer: nothing to retry.
func TestTxRetriesDeadlock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		if k.Name != "postgres" {
			t.Skip("one writer: no deadlock")
		}
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		a, b := f.Published(t, 1).ID, f.Published(t, 1).ID
		var both sync.WaitGroup
		both.Add(2)
		var runs atomic.Int32
		lock := func(tx *store.Tx, id int64) error {
			_, err := tx.ExecContext(ctx, `UPDATE postings SET updated_at = updated_at WHERE id = $1`, id)
			return err
		}
		swap := func(first, second int64) error {
			attempt := 0
			return f.S.Tx(ctx, func(tx *store.Tx) error {
				attempt++
				runs.Add(1)
				if err := lock(tx, first); err != nil {
					return err
				}
				if attempt == 1 {
					both.Done()
					both.Wait() // both hold their first row
				}
				return lock(tx, second)
			})
		}
		errs := make(chan error, 2)
		go func() { errs <- swap(a, b) }()
		go func() { errs <- swap(b, a) }()
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatalf("not retried: %v", err)
			}
		}
		if n := runs.Load(); n != 3 {
			t.Fatalf("%d runs, want 3 (one retried)", n)
		}
		if err := f.S.Tx(ctx, func(tx *store.Tx) error { return store.LockRows(ctx, tx, "postings", "updated_at", b, a, b) }); err != nil {
			t.Fatal(err)
		}
	})
}
