package retention_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/retention"
	"easyjob/internal/store/storetest"
)

// BenchmarkCheckinsDue: N workers (100,000 unless EASYJOB_BENCH_CHECKINS
// says) arrived on one day; 30 days later one sweep creates their
// check-ins, writes one text message each to the outbox and schedules each
// first reminder. docs/PERFORMANCE.md has the figure:
//
//	go test -run '^$' -bench CheckinsDue -benchtime 1x ./internal/retention/
func BenchmarkCheckinsDue(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("EASYJOB_BENCH_CHECKINS")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	for range b.N {
		b.StopTimer()
		f := storetest.NewFixture(b, storetest.Kinds()[0])
		p := f.Published(b, 1)
		arrived := easyjob.Millis(f.Clock.Now())
		err := f.S.DB.Tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `UPDATE postings SET headcount = $1, filled = $1 WHERE id = $2`, n, p.ID); err != nil {
				return err
			}
			for i := range n {
				phone := fmt.Sprintf("137%08d", i)
				sealed, err := f.S.Sealer.Seal([]byte(phone), []byte("seeker.phone"))
				if err != nil {
					return err
				}
				var sid, aid int64
				if err := tx.QueryRowContext(ctx, `INSERT INTO seekers (name, id_cipher, id_hash, phone_cipher, phone_hash, gender, birth_date,
					home_county, consent_method, consent_at, created_at, updated_at)
					VALUES ($1, $2, $3, $4, $5, 'male', '1990-01-01', '451026', 'signed', $6, $6, $6) RETURNING id`,
					"工"+strconv.Itoa(i), []byte{0}, "id"+strconv.Itoa(i), sealed, f.S.Sealer.BlindIndex(phone), arrived).Scan(&sid); err != nil {
					return err
				}
				if err := tx.QueryRowContext(ctx, `INSERT INTO applications (seeker_id, posting_id, state, created_at, updated_at)
					VALUES ($1, $2, 'onboarded', $3, $3) RETURNING id`, sid, p.ID, arrived).Scan(&aid); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO application_events (application_id, from_state, to_state, actor_id, actor_role, at)
					VALUES ($1, 'accepted', 'arrived', 0, 'employer', $2)`, aid, arrived); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		r := retention.New(f.S)
		f.Clock.Advance(30 * 24 * time.Hour)
		b.StartTimer()
		start := time.Now()
		created, err := r.CreateDue(ctx)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		var msgs, scheduled int
		f.S.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE subject = 'retention'`).Scan(&msgs)
		f.S.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM checkins WHERE next_at > 0`).Scan(&scheduled)
		if created != n || msgs != n || scheduled != n {
			b.Fatalf("created %d, %d messages, %d reminders scheduled, want %d", created, msgs, scheduled, n)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/sweep")
		b.ReportMetric(float64(n)/time.Since(start).Seconds(), "checkins/s")
	}
}
