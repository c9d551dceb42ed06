package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"easyjob/internal/app"
	"easyjob/internal/config"
	"easyjob/internal/easyjob"
	"easyjob/internal/match"
	"easyjob/internal/store"
)

// TestMatchingFigures measures matching and search on a demo database:
//
//	easyjob demo --postings 100000 --seekers 1000000 --db sqlite:/tmp/big/easyjob.db
//	EASYJOB_BENCH_DB=sqlite:/tmp/big/easyjob.db go test -run TestMatchingFigures -v -timeout 1h ./internal/app/
//
// (for PostgreSQL also set EASYJOB_KEY to the key the demo was loaded
// with). It prints a Markdown table for docs/PERFORMANCE.md.
func TestMatchingFigures(t *testing.T) {
	dbURL := os.Getenv("EASYJOB_BENCH_DB")
	if dbURL == "" {
		t.Skip("EASYJOB_BENCH_DB names a demo database to measure")
	}
	ctx := context.Background()
	cfg := config.Defaults()
	cfg.DB = dbURL
	cfg.Key = os.Getenv("EASYJOB_KEY")
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	s := a.Store
	m := s.Matching
	m.MeasureMemory = true
	rss0 := rss()
	t0 := time.Now()
	if err := m.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	build := time.Since(t0)
	runtime.GC()
	out := &strings.Builder{}
	row := func(what string, v ...any) {
		fmt.Fprintf(out, "| %s | %s |\n", what, fmt.Sprint(v...))
	}
	fmt.Fprintf(out, "\nDatabase %s, %d open postings and %d seekers in the index; %s, %d cores, %s.\n\n",
		a.DB.Dialect, m.Postings, m.Seekers, cpuModel(), runtime.NumCPU(), time.Now().UTC().Format("2006-01-02"))
	fmt.Fprintf(out, "| measure | value |\n|---|---|\n")
	row("index build at start (read, score tables, segment)", build.Round(time.Millisecond))
	row("heap per open posting (match + search index)", m.HeapPostings/uint64(max(m.Postings, 1)), " B")
	row("heap per seeker", m.HeapSeekers/uint64(max(m.Seekers, 1)), " B")
	row("process RSS after build", (rss() >> 20), " MiB (before build ", rss0>>20, " MiB)")

	// Samples.
	var maxSeeker int64
	a.DB.R.QueryRowContext(ctx, `SELECT MAX(id) FROM seekers`).Scan(&maxSeeker)
	var postings []int64
	rows, err := a.DB.R.QueryContext(ctx, `SELECT id FROM postings WHERE status = 'published' AND filled < headcount`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		postings = append(postings, id)
	}
	rows.Close()
	r := rand.New(rand.NewPCG(1, 2))
	seekers := make([]int64, 3000)
	for i := range seekers {
		seekers[i] = 1 + r.Int64N(maxSeeker)
	}
	pick := make([]int64, 1000)
	for i := range pick {
		pick[i] = postings[r.IntN(len(postings))]
	}
	admin := easyjob.Actor{Role: easyjob.RoleAdmin, Scope: easyjob.ScopeAll, UserID: 1}
	today := match.Date(easyjob.DateOf(time.Now()).Days())
	ix := m.Index()

	lat := func(name string, n int, f func(i int) error) []time.Duration {
		for i := range min(n, 50) { // warm up
			if err := f(i); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		ds := make([]time.Duration, n)
		for i := range n {
			t0 := time.Now()
			if err := f(i); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			ds[i] = time.Since(t0)
		}
		slices.Sort(ds)
		row(name, fmt.Sprintf("p50 %s, p99 %s, max %s (n=%d)", q(ds, 0.5), q(ds, 0.99), ds[n-1].Round(time.Microsecond), n))
		return ds
	}
	lat("recommendations, index only (match.Index)", len(seekers), func(i int) error {
		_, err := ix.RecommendByID(seekers[i], today, 20)
		return err
	})
	inproc := lat("recommendations, in process, as the seeker (store: access rule, index, postings from memory)", len(seekers), func(i int) error {
		_, err := s.Recommendations(ctx, easyjob.Actor{Role: easyjob.RoleSeeker, SeekerID: seekers[i]}, seekers[i], 20)
		return err
	})
	lat("recommendations, in process, as an officer (adds one read of the seeker's county)", len(seekers), func(i int) error {
		_, err := s.Recommendations(ctx, admin, seekers[i], 20)
		return err
	})
	lat("candidates over all seekers, index only", len(pick), func(i int) error {
		_, err := ix.Candidates(pick[i], today, 20)
		return err
	})
	lat("candidates, in process (store: index + 20 seekers read, decrypted, masked)", len(pick), func(i int) error {
		_, err := s.Candidates(ctx, admin, pick[i], 20)
		return err
	})
	words := []string{"普工", "保安", "司机", "电子厂", "包吃住", "叉车", "厨师", "快递员", "保洁", "长期工", "急招", "仓库", "焊工", "电工"}
	modifiers := []string{"包吃住", "长期工", "急招", "两班倒", "深圳市", "有限公司"}
	districts := []string{"", "", "440307", "440306", "440309", "440303"}
	searches := make([]store.SearchQuery, 1000)
	for i := range searches {
		q := store.SearchQuery{Q: words[r.IntN(len(words))], District: districts[r.IntN(len(districts))]}
		if r.IntN(2) == 0 {
			q.Q += " " + modifiers[r.IntN(len(modifiers))]
		}
		if r.IntN(3) == 0 {
			q.PayMin = 4000 + 500*r.IntN(6)
		}
		q.Dorm = r.IntN(3) == 0
		if r.IntN(4) == 0 {
			q.Q = "" // filters alone
		}
		searches[i] = q
	}
	found, nonEmpty := 0, 0
	lat("search with filters, in process (index, postings from memory)", len(searches), func(i int) error {
		res, err := s.Search(ctx, easyjob.Actor{}, searches[i])
		found += res.Total
		if res.Total > 0 {
			nonEmpty++
		}
		return err
	})
	row("search sample: queries with results, mean postings found (with facets)", fmt.Sprintf("%d of %d, %d",
		nonEmpty*len(searches)/(len(searches)+min(len(searches), 50)), len(searches), found/(len(searches)+min(len(searches), 50))))
	hostile := []string{strings.Repeat("🙂", 1000), strings.Repeat("普工保安司机", 170), `"普工" OR 1=1; DROP TABLE postings; -- NEAR(a b) * ^ \ ' % _`,
		strings.Repeat("a ", 500), strings.Repeat("\u200b\u0000\ufffd", 300)}
	lat("search, hostile queries (1,000 emoji, 1,000 CJK, SQL/FTS syntax)", 500, func(i int) error {
		_, err := s.Search(ctx, easyjob.Actor{}, store.SearchQuery{Q: hostile[i%len(hostile)]})
		return err
	})

	// Through HTTP, as the demo admin.
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	tok, _, err := s.Login(ctx, "demo-admin", "easyjob-demo", "api")
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string) error {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return fmt.Errorf("%s: %d", path, resp.StatusCode)
		}
		return nil
	}
	lat("recommendations through HTTP (GET /api/v1/seekers/{id}/recommendations?limit=20)", len(seekers), func(i int) error {
		return get("/api/v1/seekers/" + strconv.FormatInt(seekers[i], 10) + "/recommendations?limit=20")
	})
	lat("candidates through HTTP", len(pick), func(i int) error {
		return get("/api/v1/postings/" + strconv.FormatInt(pick[i], 10) + "/candidates?limit=20")
	})
	lat("search through HTTP (GET /api/v1/postings?q=…&district=…&pay_min=…)", len(searches), func(i int) error {
		q := searches[i]
		v := url.Values{"q": {q.Q}, "district": {q.District}, "limit": {"20"}}
		if q.PayMin > 0 {
			v.Set("pay_min", strconv.Itoa(q.PayMin))
		}
		if q.Dorm {
			v.Set("dorm", "true")
		}
		return get("/api/v1/postings?" + v.Encode())
	})

	// The same recommendation as one straightforward SQL query.
	n := 200
	if v, _ := strconv.Atoi(os.Getenv("EASYJOB_BENCH_SQL_N")); v > 0 {
		n = v
	}
	sqlDs := lat("recommendations as one SQL query (filter, score in SQL, ORDER BY, LIMIT 20)", n, func(i int) error {
		return sqlRecommend(ctx, a.DB, seekers[i], 20)
	})
	row("SQL ÷ in-process, p50 and p99", fmt.Sprintf("%.0f× and %.0f×", float64(q(sqlDs, 0.5))/float64(q(inproc, 0.5)),
		float64(q(sqlDs, 0.99))/float64(q(inproc, 0.99))))
	t.Log(out.String())
	if p := os.Getenv("EASYJOB_BENCH_OUT"); p != "" {
		os.WriteFile(p, []byte(out.String()), 0o644)
	}
}

func q(ds []time.Duration, p float64) time.Duration {
	i := int(p * float64(len(ds)-1))
	return ds[i].Round(time.Microsecond)
}

func rss() uint64 {
	b, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			f := strings.Fields(l)
			n, _ := strconv.ParseUint(f[1], 10, 64)
			return n << 10
		}
	}
	return 0
}

func cpuModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "model name") {
			return strings.TrimSpace(strings.SplitN(l, ":", 2)[1])
		}
	}
	return runtime.GOARCH
}

// sqlRecommend computes a seeker's recommendations the straightforward way:
// one query that filters, scores in SQL (the same factors and weights as
// match's package comment) and sorts.
func sqlRecommend(ctx context.Context, db *store.DB, seekerID int64, limit int) error {
	var trades, county, birth string
	var avail *string
	var expected int
	var dorm, meals, poor bool
	if err := db.R.QueryRowContext(ctx, `SELECT trades, expected_pay, wants_dorm, wants_meals, available_from, birth_date,
		home_county, poor FROM seekers WHERE id = $1`, seekerID).Scan(&trades, &expected, &dorm, &meals, &avail, &birth, &county, &poor); err != nil {
		return err
	}
	today := easyjob.DateOf(time.Now())
	from := today.String()
	if avail != nil && *avail > from {
		from = *avail
	}
	bd, _ := easyjob.ParseDate(birth)
	age := easyjob.AgeOn(bd, today)
	ts := strings.Split(trades, ",")
	args := []any{from, today.String(), age, expected, dorm, meals, county, easyjob.Millis(time.Now())}
	var same, minor, middle []string
	for _, tr := range ts {
		parts := strings.Split(tr, "-")
		if len(parts) < 3 {
			continue
		}
		args = append(args, tr)
		same = append(same, "$"+strconv.Itoa(len(args)))
		args = append(args, strings.Join(parts[:3], "-")+"%")
		minor = append(minor, "p.occupation LIKE $"+strconv.Itoa(len(args)))
		args = append(args, strings.Join(parts[:2], "-")+"%")
		middle = append(middle, "p.occupation LIKE $"+strconv.Itoa(len(args)))
	}
	if len(same) == 0 {
		return nil
	}
	days := `(julianday(p.start_date) - julianday($1))`
	if db.Dialect == store.Postgres {
		days = `(p.start_date::date - CAST($1 AS text)::date)`
	}
	mult := 1.0
	if poor {
		mult += 0.2
	}
	query := `SELECT p.id, (
		3.0 * CASE WHEN p.occupation IN (` + strings.Join(same, ", ") + `) THEN 1.0 WHEN ` + strings.Join(minor, " OR ") + ` THEN 0.6 ELSE 0.3 END
		+ 3.0 * CASE WHEN $4 = 0 THEN 1.0 WHEN 0.5 + (p.pay_min - $4) * 1.0 / $4 > 1 THEN 1.0
		             WHEN 0.5 + (p.pay_min - $4) * 1.0 / $4 < 0 THEN 0.0 ELSE 0.5 + (p.pay_min - $4) * 1.0 / $4 END
		+ 1.5 * ((CASE WHEN $5 AND p.dorm THEN 0.5 ELSE 0.0 END) + (CASE WHEN $6 AND p.meals THEN 0.5 ELSE 0.0 END))
		+ 1.0 * CASE WHEN e.verified THEN 1.0 ELSE 0.0 END
		+ 1.5 * CASE WHEN COALESCE(v.n, 0) > 5 THEN 1.0 ELSE COALESCE(v.n, 0) / 5.0 END
		+ 0.5 * CASE WHEN ($8 - p.published_at) / 86400000.0 > 30 THEN 0.0 ELSE 1.0 - ($8 - p.published_at) / 86400000.0 / 30 END
		+ 1.0 * CASE WHEN ` + days + ` > 60 THEN 0.0 ELSE 1.0 - ` + days + ` / 60.0 END
		) * ` + strconv.FormatFloat(mult, 'f', 2, 64) + ` / (1.0 + 0.5 * p.pending * 1.0 / (p.headcount - p.filled)) AS score
		FROM postings p JOIN employers e ON e.id = p.employer_id
		LEFT JOIN (SELECT p2.employer_id, COUNT(*) AS n FROM applications a JOIN postings p2 ON p2.id = a.posting_id
			JOIN seekers k ON k.id = a.seeker_id WHERE a.state IN ('arrived', 'onboarded') AND k.home_county = $7
			GROUP BY p2.employer_id) v ON v.employer_id = p.employer_id
		WHERE p.status = 'published' AND p.filled < p.headcount AND p.closing_date >= $2 AND p.start_date >= $1
		AND (p.age_min = 0 OR p.age_min <= $3) AND (p.age_max = 0 OR p.age_max >= $3)
		AND (` + strings.Join(middle, " OR ") + `)
		ORDER BY score DESC, p.id LIMIT ` + strconv.Itoa(limit)
	rows, err := db.R.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var score float64
		if err := rows.Scan(&id, &score); err != nil {
			return err
		}
	}
	return rows.Err()
}
