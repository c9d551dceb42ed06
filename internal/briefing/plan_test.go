package briefing_test

import (
	"context"
	"strings"
	"testing"

	"easyjob/internal/briefing"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
)

// TestRecomputeReadsOnlyItsEvents: the refresh's recompute of a few
// seekers' facts reads their applications' events by index, on both
// databases, never every event of the database (a grouped subquery joined on
// application_id was aggregated whole: 5 s a recompute at 2.6 million
// events, inside a write transaction that held SQLite's only writer).
// PostgreSQL is asked with sequential scans off, so that a small table's
// cheap full scan does not hide a plan that can only read everything.
func TestRecomputeReadsOnlyItsEvents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		s, _ := storetest.NewStore(t, k)
		q, args := briefing.RecomputeSQL([]int64{3, 5, 8}, 2)
		plan := explain(t, ctx, s, q, args)
		events := ""
		for _, line := range strings.Split(plan, "\n") {
			if strings.Contains(line, "application_events") {
				events += line + "\n"
			}
		}
		switch s.DB.Dialect {
		case store.SQLite:
			if strings.Contains(plan, "MATERIALIZE") || !strings.Contains(events, "SEARCH") ||
				!strings.Contains(events, "application_id=?") {
				t.Fatalf("the events are not searched by application:\n%s", plan)
			}
		default:
			if !strings.Contains(plan, "Index Cond: (application_id = a.id)") &&
				!strings.Contains(plan, "Index Cond: (e.application_id = a.id)") {
				t.Fatalf("the events are not read by application:\n%s", plan)
			}
		}
	})
}

// explain returns the plan of q, one line a step.
func explain(t *testing.T, ctx context.Context, s *store.Store, q string, args []any) string {
	t.Helper()
	conn, err := s.DB.W.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	prefix := "EXPLAIN QUERY PLAN "
	col := 3 // id, parent, notused, detail
	if s.DB.Dialect != store.SQLite {
		if _, err := conn.ExecContext(ctx, `SET enable_seqscan = off`); err != nil {
			t.Fatal(err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `RESET enable_seqscan`)
		prefix, col = "EXPLAIN ", 0
	}
	rows, err := conn.QueryContext(ctx, prefix+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		if v, ok := rowValues(t, rows)[col].(string); ok {
			out = append(out, v)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(out, "\n")
}
