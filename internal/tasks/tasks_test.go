package tasks_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
	"easyjob/internal/tasks"

	"github.com/riverqueue/river"
)

type recorder struct {
	mu   sync.Mutex
	seen map[int64]int
}

func (r *recorder) Send(ctx context.Context, m store.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen[m.ID]++
	return nil
}

func (r *recorder) count() (msgs, sends int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, n := range r.seen {
		sends += n
	}
	return len(r.seen), sends
}

// Two processes (two River clients on one database) deliver the outbox:
// every message goes out exactly once. River's schema migrates twice
// without harm.
func TestOutboxOnRiver(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		s, _ := storetest.NewStore(t, k)
		for range 2 {
			if err := tasks.Migrate(ctx, s.DB); err != nil {
				t.Fatal(err)
			}
		}
		const n = 30
		for i := range n {
			if err := s.Tx(ctx, func(tx *store.Tx) error {
				return s.Send(ctx, tx, fmt.Sprintf("139%08d", i), "test", "error.forbidden")
			}); err != nil {
				t.Fatal(err)
			}
		}
		rec := &recorder{seen: map[int64]int{}}
		var done []<-chan *river.Event
		for range 2 {
			tk, err := tasks.New(s, tasks.Config{Work: true, Sender: rec, DeliverEvery: 50 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			ch, cancel := tk.Client.Subscribe(river.EventKindJobCompleted)
			t.Cleanup(cancel)
			done = append(done, ch)
			if err := tk.Start(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				sctx, c := context.WithTimeout(context.Background(), 10*time.Second)
				defer c()
				tk.Stop(sctx)
			})
		}
		deadline := time.After(30 * time.Second)
		for {
			if msgs, _ := rec.count(); msgs == n {
				break
			}
			select {
			case <-done[0]:
			case <-done[1]:
			case <-deadline:
				msgs, sends := rec.count()
				t.Fatalf("delivered %d of %d messages (%d sends)", msgs, n, sends)
			}
		}
		if msgs, sends := rec.count(); sends != msgs {
			t.Fatalf("%d messages sent %d times", msgs, sends)
		}
		var unsent int
		if err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE sent_at = 0`).Scan(&unsent); err != nil || unsent != 0 {
			t.Fatalf("unsent %d %v", unsent, err)
		}
	})
}

// A system's periodic work runs with the store's clock, and a second
// entry under the same name is refused.
func TestPeriodicWork(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		s, clock := storetest.NewStore(t, k)
		if err := tasks.Migrate(ctx, s.DB); err != nil {
			t.Fatal(err)
		}
		ran := make(chan time.Time, 10)
		work := tasks.Periodic{Name: "probe", Every: time.Hour, Run: func(ctx context.Context, now time.Time) error {
			ran <- now
			return nil
		}}
		if _, err := tasks.New(s, tasks.Config{Work: true, Sender: &recorder{seen: map[int64]int{}}, Periodic: []tasks.Periodic{work, work}}); err == nil {
			t.Fatal("two periodic works of one name were accepted")
		}
		tk, err := tasks.New(s, tasks.Config{Work: true, Sender: &recorder{seen: map[int64]int{}}, Periodic: []tasks.Periodic{work}})
		if err != nil {
			t.Fatal(err)
		}
		if err := tk.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			sctx, c := context.WithTimeout(context.Background(), 10*time.Second)
			defer c()
			tk.Stop(sctx)
		})
		select {
		case now := <-ran:
			if !now.Equal(clock.Now()) {
				t.Fatalf("ran at %v, the store's clock says %v", now, clock.Now())
			}
		case <-time.After(30 * time.Second):
			t.Fatal("the periodic work never ran")
		}
	})
}

// A job still running when the process stops is cancelled once the stop's
// wait is over, and River records how it ended: no job is left "running"
// by a process that has gone (it would block the next run of its kind).
func TestStopCancelsWhatOutlivesTheWait(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		s, _ := storetest.NewStore(t, k)
		if err := tasks.Migrate(ctx, s.DB); err != nil {
			t.Fatal(err)
		}
		started := make(chan struct{}, 1)
		slow := tasks.Periodic{Name: "slow", Every: time.Hour, Run: func(ctx context.Context, now time.Time) error {
			started <- struct{}{}
			<-ctx.Done() // works until told to stop
			return ctx.Err()
		}}
		tk, err := tasks.New(s, tasks.Config{Work: true, Sender: &recorder{seen: map[int64]int{}}, Periodic: []tasks.Periodic{slow}})
		if err != nil {
			t.Fatal(err)
		}
		if err := tk.Start(ctx); err != nil {
			t.Fatal(err)
		}
		select {
		case <-started:
		case <-time.After(30 * time.Second):
			t.Fatal("the periodic work never ran")
		}
		sctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		if err := tk.Stop(sctx); err != nil {
			t.Fatalf("stop: %v", err)
		}
		var running int
		if err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM river_job WHERE state = 'running'`).Scan(&running); err != nil {
			t.Fatal(err)
		}
		if running != 0 {
			t.Fatalf("%d jobs are left running by a stopped client", running)
		}
	})
}
