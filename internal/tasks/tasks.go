// Package tasks runs easyjob's background work (后台任务) on River: the
// client, its workers and its periodic jobs, each calling a plain method of
// a system (store.Deliver, retention.Service.Sweep, …). The methods read the
// store's injected clock and hold their invariants in the database, so tests
// call them directly with an advancing clock; River adds retries,
// scheduling, leader election (only the leader enqueues periodic jobs) and
// unique jobs (at most one outbox delivery or sweep at a time, one claim job
// per rule and placement), so several processes on one PostgreSQL never do a
// piece of work twice.
//
// River's tables (river_job, river_leader, river_queue, …) are River's:
// they are created and upgraded by River's own migrator (rivermigrate), run
// right after goose under the same lock (store.DB.MigrateThen), and only
// River writes them.
//
// Both databases are reached through database/sql: riversqlite on SQLite and
// riverdatabasesql on PostgreSQL (over pgx's stdlib driver). On SQLite River
// shares the store's writer pool of one connection — River's own advice for
// SQLite, and the reason writes never fail as busy — so a job inserted in a
// store transaction (InsertTx) commits or rolls back with it. Neither
// driver can LISTEN through database/sql, so the client polls (PollOnly).
package tasks

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"easyjob/internal/store"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"
)

// Driver returns River's driver for the store's database.
func Driver(db *store.DB) riverdriver.Driver[*sql.Tx] {
	if db.Dialect == store.SQLite {
		return riversqlite.New(db.W)
	}
	return riverdatabasesql.New(db.W)
}

// Migrate creates or upgrades River's own tables with River's migrator. Call
// it through store.DB.MigrateThen so it runs under the migration lock.
func Migrate(ctx context.Context, db *store.DB) error {
	m, err := rivermigrate.New(Driver(db), &rivermigrate.Config{Logger: quiet()})
	if err != nil {
		return err
	}
	_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	return err
}

// quiet is a logger for River that keeps only warnings and errors.
func quiet() *slog.Logger {
	return slog.New(slog.DiscardHandler)
}

// Config says what a process runs.
type Config struct {
	// Work runs the workers and the periodic jobs; false makes an
	// insert-only client, for a web-only process (serve --tasks=false).
	Work bool
	// DeliverEvery is how often the outbox is handed to the Sender when
	// nothing said a message was queued (1 min: the safety net for a send
	// that failed; each run is a River job, writes that every process
	// notices, at 10 s a fifth of an idle server's CPU); a message queued through
	// the store (Store.OnQueued) is delivered at once when this process
	// runs the workers, else at their next fetch, within FetchEvery.
	DeliverEvery time.Duration
	// FetchEvery is how often the workers look for jobs inserted by other
	// processes (5 s). The queue polls (no LISTEN through database/sql);
	// a job inserted by this process, periodic ones included, wakes its
	// workers at once. Each look is a statement parsed anew: once a second
	// it was a tenth of an idle server's CPU (issue #11).
	FetchEvery time.Duration
	// SweepEvery is how often the retention sweep runs (1 min).
	SweepEvery time.Duration
	Sender     store.Sender
	Log        *slog.Logger
	// Sweeper is the retention system; nil runs no sweep.
	Sweeper Sweeper
	// Periodic is the systems' other periodic work (report reminders,
	// seat holds, ticket deadlines, automatic grants).
	Periodic []Periodic
}

// Periodic is a system's periodic work: a plain method run with the
// store's clock, every Every, enqueued by the elected leader only and unique
// by name while one waits or runs.
type Periodic struct {
	Name  string
	Every time.Duration
	Run   func(ctx context.Context, now time.Time) error
}

// Tasks is the River client with easyjob's workers.
type Tasks struct {
	Client *river.Client[*sql.Tx]
	cfg    Config
}

// running are the states in which a job of a kind blocks another of the
// same kind (unique jobs): at most one delivery or sweep waits or runs.
var running = []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending,
	rivertype.JobStateRunning, rivertype.JobStateScheduled, rivertype.JobStateRetryable}

// New builds the client. It does not start it.
func New(st *store.Store, cfg Config) (*Tasks, error) {
	if cfg.DeliverEvery <= 0 {
		cfg.DeliverEvery = time.Minute
	}
	if cfg.FetchEvery <= 0 {
		cfg.FetchEvery = 5 * time.Second
	}
	if cfg.SweepEvery <= 0 {
		cfg.SweepEvery = time.Minute
	}
	if cfg.Log == nil {
		cfg.Log = st.Log
	}
	t := &Tasks{cfg: cfg}
	rc := &river.Config{
		Logger:     riverLogger(cfg.Log),
		PollOnly:   true,
		JobTimeout: jobTimeout,
		// A job left "running" by a process that died (killed, power
		// lost) blocks its kind's next run (unique while one runs) until
		// rescued: River's default waits an hour; a job ends or is
		// cancelled within jobTimeout, so one a minute later is stuck.
		RescueStuckJobsAfter: jobTimeout + time.Minute,
		MaxAttempts:          10,
		// A delivery a second makes 86,400 jobs a day: keep an hour of them.
		CompletedJobRetentionPeriod: time.Hour,
	}
	if cfg.Work {
		if cfg.Sender == nil {
			return nil, errors.New("tasks: a Sender is needed to deliver the outbox")
		}
		workers := river.NewWorkers()
		river.AddWorker(workers, &deliverWorker{s: st, sender: cfg.Sender})
		rc.PeriodicJobs = []*river.PeriodicJob{
			river.NewPeriodicJob(river.PeriodicInterval(cfg.DeliverEvery),
				func() (river.JobArgs, *river.InsertOpts) { return DeliverArgs{}, nil },
				&river.PeriodicJobOpts{RunOnStart: true, ID: "outbox_deliver"}),
		}
		if cfg.Sweeper != nil {
			river.AddWorker(workers, &sweepWorker{t: t})
			river.AddWorker(workers, &claimWorker{sw: cfg.Sweeper})
			rc.PeriodicJobs = append(rc.PeriodicJobs, river.NewPeriodicJob(river.PeriodicInterval(cfg.SweepEvery),
				func() (river.JobArgs, *river.InsertOpts) { return SweepArgs{}, nil },
				&river.PeriodicJobOpts{RunOnStart: true, ID: "retention_sweep"}))
		}
		if len(cfg.Periodic) > 0 {
			pw := &periodicWorker{s: st, byName: map[string]Periodic{}}
			for _, p := range cfg.Periodic {
				if p.Name == "" || p.Every <= 0 || p.Run == nil || pw.byName[p.Name].Run != nil {
					return nil, fmt.Errorf("tasks: periodic work %q needs a unique name, an interval and a function", p.Name)
				}
				pw.byName[p.Name] = p
				args := PeriodicArgs{Name: p.Name}
				rc.PeriodicJobs = append(rc.PeriodicJobs, river.NewPeriodicJob(river.PeriodicInterval(p.Every),
					func() (river.JobArgs, *river.InsertOpts) { return args, nil },
					&river.PeriodicJobOpts{RunOnStart: true, ID: p.Name}))
			}
			river.AddWorker(workers, pw)
		}
		rc.Workers = workers
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 4}}
		rc.FetchPollInterval = cfg.FetchEvery
	}
	c, err := river.NewClient(Driver(st.DB), rc)
	if err != nil {
		return nil, err
	}
	t.Client = c
	// A message put in the outbox asks for a delivery at once (unique: one
	// waits at most), from any process, workers or not.
	st.OnQueued = func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := c.Insert(ctx, DeliverArgs{}, nil); err != nil {
			cfg.Log.Warn("asking for an outbox delivery", "err", err)
		}
	}
	return t, nil
}

// riverLogger passes River's warnings and errors to the process log.
func riverLogger(log *slog.Logger) *slog.Logger {
	return slog.New(levelFilter{log.Handler(), slog.LevelWarn})
}

type levelFilter struct {
	slog.Handler
	min slog.Level
}

func (f levelFilter) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= f.min && f.Handler.Enabled(ctx, l)
}

// Start starts the workers (nothing to start for an insert-only client).
func (t *Tasks) Start(ctx context.Context) error {
	if !t.cfg.Work {
		return nil
	}
	return t.Client.Start(ctx)
}

// jobTimeout is the longest a job runs before its context is cancelled.
const jobTimeout = 5 * time.Minute

// cancelWait is how long Stop waits for cancelled jobs to return.
const cancelWait = 5 * time.Second

// Stop lets running jobs finish up to ctx's deadline, then cancels them and
// waits for them a little longer, so that River records how each ended. A
// job still marked running after its process is gone would block the next
// run of its kind until rescued (RescueStuckJobsAfter).
func (t *Tasks) Stop(ctx context.Context) error {
	if !t.cfg.Work {
		return nil
	}
	err := t.Client.Stop(ctx)
	if err == nil || ctx.Err() == nil {
		return err
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cancelWait)
	defer cancel()
	if cerr := t.Client.StopAndCancel(cctx); cerr != nil {
		return fmt.Errorf("jobs still running after they were cancelled: %w", cerr)
	}
	return nil
}

// DeliverArgs hands the outbox to the Sender.
type DeliverArgs struct{}

func (DeliverArgs) Kind() string { return "outbox_deliver" }

// InsertOpts: one delivery at a time, whichever process the leader is.
func (DeliverArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByState: running}}
}

type deliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	s      *store.Store
	sender store.Sender
	pruned atomic.Int64 // Unix ms of the last pruning of sign-in attempts
}

// Work delivers batches of 100 until the outbox is empty; once a minute it
// also prunes spent sign-in attempts and codes.
func (w *deliverWorker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	if now := w.s.Now().UnixMilli(); now-w.pruned.Load() > time.Minute.Milliseconds() {
		w.pruned.Store(now)
		if err := w.s.PruneSignIn(ctx); err != nil {
			return err
		}
	}
	for {
		n, err := w.s.Deliver(ctx, w.sender, 100)
		if err != nil || n < 100 {
			return err
		}
	}
}

// Sweeper is the retention system as the queue sees it.
type Sweeper interface {
	// Sweep does the day's retention work as of the store's clock (check-ins
	// falling due, reminders, escalations, overdue disputes) and calls claim
	// for each subsidy claim whose condition is met.
	Sweep(ctx context.Context, claim func(rule string, applicationID int64)) error
	// Claim creates the claim of a rule for a placement, if there is none.
	Claim(ctx context.Context, rule string, applicationID int64) error
}

// SweepArgs runs the retention sweep.
type SweepArgs struct{}

func (SweepArgs) Kind() string { return "retention_sweep" }

func (SweepArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByState: running}}
}

type sweepWorker struct {
	river.WorkerDefaults[SweepArgs]
	t *Tasks
}

// Work sweeps, then queues one claim job per (rule, placement) met.
func (w *sweepWorker) Work(ctx context.Context, job *river.Job[SweepArgs]) error {
	var claims []river.InsertManyParams
	if err := w.t.cfg.Sweeper.Sweep(ctx, func(rule string, appID int64) {
		claims = append(claims, river.InsertManyParams{Args: ClaimArgs{Rule: rule, ApplicationID: appID}})
	}); err != nil {
		return err
	}
	for len(claims) > 0 {
		n := min(len(claims), 500)
		if _, err := w.t.Client.InsertMany(ctx, claims[:n]); err != nil {
			return err
		}
		claims = claims[n:]
	}
	return nil
}

// ClaimArgs creates one subsidy claim. Unique by its arguments while River
// keeps the job; the claims table's unique key holds it for ever.
type ClaimArgs struct {
	Rule          string `json:"rule"`
	ApplicationID int64  `json:"application_id"`
}

func (ClaimArgs) Kind() string { return "subsidy_claim" }

func (ClaimArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

type claimWorker struct {
	river.WorkerDefaults[ClaimArgs]
	sw Sweeper
}

func (w *claimWorker) Work(ctx context.Context, job *river.Job[ClaimArgs]) error {
	return w.sw.Claim(ctx, job.Args.Rule, job.Args.ApplicationID)
}

// PeriodicArgs runs one named periodic work of a system.
type PeriodicArgs struct {
	Name string `json:"name" river:"unique"`
}

func (PeriodicArgs) Kind() string { return "periodic" }

func (PeriodicArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: running}}
}

type periodicWorker struct {
	river.WorkerDefaults[PeriodicArgs]
	s      *store.Store
	byName map[string]Periodic
}

func (w *periodicWorker) Work(ctx context.Context, job *river.Job[PeriodicArgs]) error {
	p, ok := w.byName[job.Args.Name]
	if !ok {
		return river.JobCancel(fmt.Errorf("no periodic work named %q in this process", job.Args.Name))
	}
	return p.Run(ctx, w.s.Now())
}
