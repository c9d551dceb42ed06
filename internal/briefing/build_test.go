package briefing_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"easyjob/internal/briefing"
	"easyjob/internal/easyjob"
	"easyjob/internal/i18n"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
)

// rowValues scans the current row of rows, texts as strings.
func rowValues(t *testing.T, rows *sql.Rows) []any {
	t.Helper()
	cols, _ := rows.Columns()
	vs := make([]any, len(cols))
	ps := make([]any, len(cols))
	for i := range vs {
		ps[i] = &vs[i]
	}
	if err := rows.Scan(ps...); err != nil {
		t.Fatal(err)
	}
	for i, v := range vs {
		if b, ok := v.([]byte); ok {
			vs[i] = string(b)
		}
	}
	return vs
}

// dump lists every row of the rollups (sums that add up to nothing left
// out: the refresh may leave them behind).
func dump(t *testing.T, r *rig) string {
	t.Helper()
	ctx := context.Background()
	steps := strings.Join(briefing.Steps, ", ")
	var sb strings.Builder
	for _, q := range []string{
		`SELECT seeker_id, reg_day, county, poor FROM briefing_seekers ORDER BY seeker_id`,
		`SELECT application_id, seeker_id, reg_day, county, poor, district, employer_id, trade, ` + steps + ` FROM briefing_facts ORDER BY application_id`,
		`SELECT reg_day, county, poor, n FROM briefing_registered WHERE n <> 0 ORDER BY reg_day, county, poor`,
	} {
		rows, err := r.s.DB.R.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for rows.Next() {
			fmt.Fprintln(&sb, rowValues(t, rows)...)
			n++
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		if n == 0 {
			t.Fatalf("no rows: %s", q)
		}
	}
	return sb.String()
}

func ids(t *testing.T, r *rig, q string) []int64 {
	t.Helper()
	xs, err := store.Select(context.Background(), r.s.DB.R, func(sc store.Scanner) (int64, error) {
		var id int64
		return id, sc.Scan(&id)
	}, q)
	if err != nil {
		t.Fatal(err)
	}
	return xs
}

// TestChunkedBuild builds the rollups chunk by chunk with writes between
// the chunks and a restart midway, and checks that the dashboards say so
// meanwhile, and that the result is what the rows show and, row for row,
// what the incremental path alone gives from the final rows.
func TestChunkedBuild(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		r := newRig(t, k)
		ctx := context.Background()
		r.b.BuildChunk, r.b.BuildBudget = 37, 0
		apps := ids(t, r, `SELECT id FROM applications WHERE state = 'accepted' ORDER BY id`)
		if len(apps) < 4 {
			t.Fatalf("%d accepted applications in the demo", len(apps))
		}
		arrive := func(xs []int64) {
			for _, id := range xs {
				if _, err := r.s.Transition(ctx, r.city, id, store.Move{To: easyjob.StateArrived}); err != nil {
					t.Fatal(err)
				}
			}
		}
		togglePoor := func(q string) {
			var id int64
			var poor bool
			if err := r.s.DB.R.QueryRowContext(ctx, q).Scan(&id, &poor); err != nil {
				t.Fatal(err)
			}
			if err := r.s.SetPoor(ctx, r.city, id, !poor); err != nil {
				t.Fatal(err)
			}
		}
		oq := briefing.Query{From: r.from, To: r.today, GroupBy: "origin_county"}
		steps := 0
		for building := true; building; steps++ {
			var err error
			if building, err = r.b.Step(ctx); err != nil {
				t.Fatal(err)
			}
			switch steps {
			case 2: // the start and two chunks done
				_, err := r.b.Outcomes(ctx, r.city, oq)
				if easyjob.ErrorCode(err) != easyjob.EUNAVAILABLE {
					t.Fatalf("a dashboard during the build: %v", err)
				}
				if p, err := r.b.Progress(ctx); err != nil || p <= 0 || p >= 100 {
					t.Errorf("progress during the build: %d %v", p, err)
				}
				// Writes to seekers already built and not yet built.
				arrive(apps[:len(apps)/2])
				togglePoor(`SELECT id, poor FROM seekers ORDER BY id LIMIT 1`)
				togglePoor(`SELECT id, poor FROM seekers ORDER BY id DESC LIMIT 1`)
			case 4: // a restart: another process goes on with other chunks
				r.b = briefing.New(r.s, i18n.MustLoad())
				r.b.BuildChunk, r.b.BuildBudget = 50, 0
			}
		}
		if steps < 6 {
			t.Fatalf("built in %d steps", steps)
		}
		if p, err := r.b.Progress(ctx); err != nil || p != 100 {
			t.Errorf("progress once built: %d %v", p, err)
		}
		// Every fact has the revision of its chunk or later.
		var unstamped int
		if err := r.s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM briefing_facts WHERE rev <= 0 OR rev > (SELECT value FROM briefing_cursors WHERE name = 'rev')`).Scan(&unstamped); err != nil || unstamped != 0 {
			t.Errorf("%d facts without a revision of the build (%v)", unstamped, err)
		}
		arrive(apps[len(apps)/2:])
		togglePoor(`SELECT id, poor FROM seekers ORDER BY id LIMIT 1 OFFSET 100`)
		r.clock.Advance(10e9)
		if _, err := r.b.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		consistent(t, r)
		got := dump(t, r)
		// The incremental path alone, from nothing: every seeker and event
		// read as news, each seeker's facts recomputed.
		for _, q := range []string{`DELETE FROM briefing_cursors`, `DELETE FROM briefing_seekers`, `DELETE FROM briefing_facts`, `DELETE FROM briefing_registered`,
			`INSERT INTO briefing_cursors (name, value) VALUES ('events', 0), ('seekers', 0), ('seekers_at', 0)`} {
			if _, err := r.s.DB.W.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		r.b = briefing.New(r.s, i18n.MustLoad())
		if _, err := r.b.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if want := dump(t, r); got != want {
			t.Errorf("the rollups of a chunked build with writes between the chunks differ from the incremental path's:\n%s", diff(got, want))
		}
		consistent(t, r)
	})
}

func diff(a, b string) string {
	x, y := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for i := 0; i < max(len(x), len(y)) && len(out) < 10; i++ {
		var p, q string
		if i < len(x) {
			p = x[i]
		}
		if i < len(y) {
			q = y[i]
		}
		if p != q {
			out = append(out, fmt.Sprintf("line %d: got %q, want %q", i, p, q))
		}
	}
	return strings.Join(out, "\n")
}
