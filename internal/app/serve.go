package app

import (
	"cmp"
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"easyjob/internal/api"
	"easyjob/internal/auth"
	"easyjob/internal/briefing"
	"easyjob/internal/charter"
	"easyjob/internal/config"
	"easyjob/internal/easyjob"
	"easyjob/internal/epidemic"
	"easyjob/internal/equipment"
	"easyjob/internal/gcpace"
	"easyjob/internal/goodwill"
	"easyjob/internal/httpx"
	"easyjob/internal/i18n"
	"easyjob/internal/ident"
	"easyjob/internal/retention"
	"easyjob/internal/store"
	"easyjob/internal/support"
	"easyjob/internal/tasks"
	"easyjob/internal/web"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

func runServe(env Env, args []string) error {
	fs := config.Quiet("serve", env.Stderr)
	cfg := config.FlagSet(fs, env.Getenv)
	fs.BoolVar(&cfg.Demo, "demo", false, "load the demo data set first when the database is empty")
	work := fs.Bool("tasks", true, "run the background tasks (River workers); --tasks=false for a web-only process")
	checkins := fs.String("checkin-days", "30,90,180", "retention check-ins: days after arrival, three rising numbers")
	reuse := fs.Bool("reuse-port", env.Getenv("EASYJOB_REUSE_PORT") == "1", "let several serve processes listen on one address (SO_REUSEPORT; on PostgreSQL) (EASYJOB_REUSE_PORT=1)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return usageError{err}
	}
	days, err := parseDays(*checkins)
	if err != nil {
		return usageError{err}
	}
	log, stopLog := newBatchedLogger(env.Stderr, cfg.LogLevel, logFlushEvery)
	defer stopLog()
	// The indexes live in memory: pace the collector by their growth, not
	// every two minutes as well (internal/gcpace; GOGC or GOMEMLIMIT set
	// by the operator win).
	stopPace, paced := gcpace.Start(100, env.Getenv)
	defer stopPace()
	log.Debug("garbage collector", "paced_by_limit", paced)
	if cfg.Demo {
		// A demo is for trying every role: its seekers read their sign-in
		// codes in the log, as with --dev (the outbox keeps them sealed).
		cfg.Dev = true
	}
	a, err := Open(env.Ctx, *cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	a.RunTasks = *work
	a.Retention.Cfg.Days = days
	if cfg.Demo {
		if err := a.LoadDemoIfEmpty(env.Ctx, env.Stdout); err != nil {
			return err
		}
	}
	ln, err := listen(env.Ctx, cfg.Addr, *reuse)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %v", cfg.Addr, err)
	}
	if cfg.MetricsAddr != "" {
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("cannot listen on %s for metrics: %v", cfg.MetricsAddr, err)
		}
		log.Info("serving metrics", "addr", mln.Addr().String())
		fmt.Fprintf(env.Stdout, "metrics are served on http://%s/metrics\n", mln.Addr())
		go a.ServeMetrics(env.Ctx, mln)
	}
	log.Info("serving", "addr", ln.Addr().String(), "db", string(a.DB.Dialect), "version", Version)
	fmt.Fprintf(env.Stdout, "easyjob is serving on http://%s/\n", ln.Addr())
	return a.Serve(env.Ctx, ln, cfg.ShutdownWait)
}

// App is a running easyjob: its database, services and HTTP handler.
type App struct {
	Cfg   config.Config
	Log   *slog.Logger
	DB    *store.DB
	Store *store.Store
	// The systems on the store's kernel.
	Charter   *charter.Service
	Epidemic  *epidemic.Service
	Retention *retention.Service
	Support   *support.Service
	Equipment *equipment.Service
	Goodwill  *goodwill.Service
	Briefing  *briefing.Service
	Cat       *i18n.Catalogue
	Handler   http.Handler
	reg       *prometheus.Registry
	// Metrics serves GET /metrics alone, for the metrics listener
	// (Config.MetricsAddr); it asks for Config.MetricsToken when one is set.
	Metrics http.Handler
	// Queue is an insert-only River client (the admin's queue page reads
	// through it); RunTasks makes Serve start the workers too.
	Queue    *tasks.Tasks
	RunTasks bool
	closers  []func()
}

// Open opens and migrates the database and builds the services and the HTTP
// handler. The e2e tests boot the product through it.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	if _, err := db.MigrateThen(ctx, func(ctx context.Context) error { return tasks.Migrate(ctx, db) }); err != nil {
		db.Close()
		return nil, err
	}
	sealer, err := loadSealer(cfg)
	if err != nil {
		db.Close()
		return nil, err
	}
	st := store.New(db, sealer, log)
	st.MinWage = cfg.MinWage
	st.Hashing = auth.NewGate(cmp.Or(cfg.HashSlots, runtime.GOMAXPROCS(0)), store.HashWait)
	// The Go half of migration 00007: contact phones sealed at rest.
	if n, err := st.SealContactPhones(ctx); err != nil {
		db.Close()
		return nil, err
	} else if n > 0 {
		log.Info("sealed employer contact phones", "employers", n)
	}
	a := &App{Cfg: cfg, Log: log, DB: db, Store: st, Cat: i18n.MustLoad(), reg: prometheus.NewRegistry(), RunTasks: true}
	a.Epidemic = &epidemic.Service{S: st}
	a.Charter = &charter.Service{S: st, Risk: a.Epidemic}
	a.Retention = retention.New(st)
	a.Epidemic.Hold = a.Charter.HoldCounty // a county turning high holds its riders' seats
	a.Support = support.New(st)
	a.Equipment = equipment.New(st)
	a.Goodwill = goodwill.New(st)
	a.Briefing = briefing.New(st, a.Cat).WithSystems(a.Epidemic, a.Support)
	if err := a.build(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return a, nil
}

func (a *App) build(ctx context.Context) error {
	a.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := httpx.NewMetrics(a.reg)
	rend, err := web.NewRenderer(a.Cat)
	if err != nil {
		return err
	}
	rend.Log = a.Log
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		httpx.JSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", a.ready)
	// The metrics are never public on the main listener: there only with
	// a token; without one only on the metrics listener (a private address).
	prom := metricsGuard(a.Cfg.MetricsToken, promhttp.HandlerFor(a.reg, promhttp.HandlerOpts{}))
	mm := http.NewServeMux()
	mm.Handle("GET /metrics", prom)
	a.Metrics = mm
	if a.Cfg.MetricsToken != "" {
		mux.Handle("GET /metrics", prom)
	}
	if err := a.startMatching(ctx); err != nil {
		return err
	}
	errs := httpx.Errors{Cat: a.Cat, Log: a.Log}
	limits, err := a.limits()
	if err != nil {
		return err
	}
	ah := &api.Handler{S: a.Store, Charter: a.Charter, Epidemic: a.Epidemic, Retention: a.Retention, Support: a.Support, Equipment: a.Equipment, Goodwill: a.Goodwill, Briefing: a.Briefing, Errors: errs, Version: Version, Limits: limits}
	ah.Routes(mux)
	wh := &web.Handler{R: rend, Cat: a.Cat, Log: a.Log, S: a.Store, Charter: a.Charter, Epidemic: a.Epidemic, Retention: a.Retention, Support: a.Support, Equipment: a.Equipment, Goodwill: a.Goodwill, Briefing: a.Briefing, Version: Version, Limits: limits}
	wh.Routes(mux)
	if err := a.mountQueue(ctx, mux); err != nil {
		return err
	}
	mountProfiler(mux)
	// Before the handlers: input no field may hold is refused (422), and a
	// session lookup that fails because the database does not answer is a
	// 503, not an anonymous visitor; pages answer with a page, the API with JSON.
	edge := httpx.Errors{Cat: a.Cat, Log: a.Log, Page: wh.ErrorPage}
	compress, err := httpx.Compress()
	if err != nil {
		return err
	}
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(crossOriginDenied(errs))
	door := a.admission(edge)
	a.Handler = httpx.Middleware(a.Log, metrics, door.Handler(compress(httpx.SecurityHeaders(
		cop.Handler(edge.Inputs(edge.Authenticate(a.Store.Session, httpx.Routed(mux))))))))
	return nil
}

// admission holds requests beyond Cfg.MaxActive at the door; by default as
// many are let in as the database has read connections (SQLite 8,
// PostgreSQL 20): one more would wait for a connection halfway through its
// work. Health probes pass; a request that waits 10 s is answered 503 with
// Retry-After, as a page or as JSON. Its waiting and working counts are
// metrics.
func (a *App) admission(edge httpx.Errors) *httpx.Admission {
	n := a.Cfg.MaxActive
	if n <= 0 {
		n = max(a.DB.R.Stats().MaxOpenConnections, 2)
	}
	exempt := func(r *http.Request) bool {
		switch r.URL.Path {
		case "/healthz", "/readyz", "/metrics":
			return true
		}
		return false
	}
	fail := func(w http.ResponseWriter, r *http.Request, err error) {
		httpx.SecurityHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { edge.Write(w, r, err) })).ServeHTTP(w, r)
	}
	door := httpx.NewAdmission(n, 10*time.Second, exempt, fail)
	a.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "easyjob_http_requests_waiting", Help: "Requests waiting for their turn (serve --max-active)."},
			func() float64 { return float64(door.Waiting()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "easyjob_http_requests_active", Help: "Requests being worked on."},
			func() float64 { return float64(door.Active()) }))
	return door
}

// crossOriginDenied answers a refused cross-origin write: in the API's
// error shape under /api/v1, as plain text elsewhere.
func crossOriginDenied(errs httpx.Errors) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/v1/") {
			errs.JSONError(w, r, easyjob.Errorf(easyjob.EFORBIDDEN, "error.forbidden"))
			return
		}
		http.Error(w, "cross-origin request refused", http.StatusForbidden)
	})
}

// metricsGuard asks for "Authorization: Bearer token" when token is set.
func metricsGuard(token string, next http.Handler) http.Handler {
	if token == "" {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(token)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// ServeMetrics serves a.Metrics on ln until ctx ends.
func (a *App) ServeMetrics(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: a.Metrics, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second,
		ErrorLog: slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn)}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		a.Log.Warn("metrics listener", "err", err)
		return err
	}
	return nil
}

// limits are the sign-in rate limits of the configuration, one set shared
// by the API and the pages.
func (a *App) limits() (*httpx.Limits, error) {
	proxies, err := a.Cfg.Proxies()
	if err != nil {
		return nil, err
	}
	c := a.Cfg
	return &httpx.Limits{
		Proxies: proxies,
		SignIn:  httpx.NewLimiter(httpx.Rate{N: c.SignInPerMinute, Per: time.Minute}, httpx.Rate{N: c.SignInPerSecond, Per: time.Second}),
		Codes:   httpx.NewLimiter(httpx.Rate{N: c.CodesPerHour, Per: time.Hour}, httpx.Rate{N: c.CodesPerMinute, Per: time.Minute}),
	}, nil
}

// ready answers 200 when the database answers and its schema is current.
func (a *App) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := a.DB.Ping(ctx); err != nil {
		httpx.JSON(w, http.StatusServiceUnavailable, map[string]string{"status": "database unreachable"})
		return
	}
	cur, known, err := a.DB.SchemaStatus(ctx)
	if err != nil || cur != known {
		httpx.JSON(w, http.StatusServiceUnavailable, map[string]any{"status": "migrations pending", "schema": cur, "want": known})
		return
	}
	if m := a.Store.Matching; m != nil && !m.IsBuilt() {
		// Recommendations and search answer from the indexes: not ready
		// until they are built (serve builds them at start).
		w.Header().Set("Retry-After", "1")
		httpx.JSON(w, http.StatusServiceUnavailable, map[string]any{"status": "indexes building", "schema": cur})
		return
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"status": "ready", "schema": cur, "database": a.DB.Dialect})
}

// Serve serves on ln until ctx ends, then shuts down gracefully.
func (a *App) Serve(ctx context.Context, ln net.Listener, wait time.Duration) error {
	srv := &http.Server{
		Handler:           a.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
	}
	// The workers start once the matching indexes are built: their first
	// runs (every periodic job runs at start, and the outbox waiting) took
	// a core from the build, which makes the server ready (issue #11).
	startTasks := func() {}
	if a.RunTasks {
		start, stop, err := a.tasks(ctx)
		if err != nil {
			return err
		}
		defer stop()
		startTasks = start
	}
	go func() {
		a.warmMatching(ctx)
		if ctx.Err() == nil {
			startTasks()
		}
	}()
	go a.warmBriefing(ctx)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.Log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Close stops what build started and releases the database.
func (a *App) Close() error {
	for _, c := range a.closers {
		c()
	}
	return a.DB.Close()
}

// loadSealer builds the sealer for personal data from the configured key,
// or from the key file (created on first run, owner-only, on the embedded
// default).
func loadSealer(cfg config.Config) (*ident.Sealer, error) {
	var key []byte
	var err error
	if cfg.Key != "" {
		if key, err = ident.ParseKey(cfg.Key); err != nil {
			return nil, fmt.Errorf("EASYJOB_KEY: %v", err)
		}
	} else {
		path, err := cfg.KeyPath()
		if err != nil {
			return nil, err
		}
		if key, err = ident.LoadOrCreateKeyFile(path); err != nil {
			return nil, fmt.Errorf("data key %s: %v", path, err)
		}
	}
	return ident.NewSealer(key)
}

// tasks makes the River workers: the outbox delivery and the periodic jobs
// of the systems. start starts them (at most once); stop waits for running
// jobs (up to the shutdown wait), and stops a start still to come.
func (a *App) tasks(ctx context.Context) (start, stop func(), err error) {
	t, err := tasks.New(a.Store, a.taskConfig(true))
	if err != nil {
		return nil, nil, err
	}
	var mu sync.Mutex
	started, stopped := false, false
	start = func() {
		mu.Lock()
		defer mu.Unlock()
		if started || stopped {
			return
		}
		if err := t.Start(context.WithoutCancel(ctx)); err != nil {
			a.Log.Error("starting background tasks", "err", err)
			return
		}
		started = true
	}
	stop = func() {
		mu.Lock()
		defer mu.Unlock()
		stopped = true
		if !started {
			return
		}
		sctx, cancel := context.WithTimeout(context.Background(), a.Cfg.ShutdownWait)
		defer cancel()
		if err := t.Stop(sctx); err != nil {
			a.Log.Warn("stopping background tasks", "err", err)
		}
	}
	return start, stop, nil
}

// taskConfig is what the River client runs.
func (a *App) taskConfig(work bool) tasks.Config {
	return tasks.Config{Work: work, Sender: store.LogSender{Log: a.Log, Dev: a.Cfg.Dev}, Log: a.Log, Sweeper: a.Retention,
		Periodic: []tasks.Periodic{
			{Name: "epidemic_watch", Every: 5 * time.Minute, Run: a.Epidemic.Watch},
			{Name: "support_deadlines", Every: time.Hour, Run: func(ctx context.Context, now time.Time) error {
				_, err := a.Support.DueReminders(ctx, now)
				return err
			}},
			{Name: "equipment_release", Every: 5 * time.Minute, Run: func(ctx context.Context, now time.Time) error {
				_, err := a.Equipment.Release(ctx, now)
				return err
			}},
			{Name: "goodwill_reminders", Every: 15 * time.Minute, Run: func(ctx context.Context, now time.Time) error {
				_, err := a.Goodwill.RemindDue(ctx, now)
				return err
			}},
			{Name: "briefing_refresh", Every: time.Minute, Run: func(ctx context.Context, now time.Time) error {
				if m := a.Store.Matching; m != nil && !m.IsBuilt() {
					return nil // at start the matching indexes come first: they make the server ready
				}
				_, err := a.Briefing.Refresh(ctx)
				return err
			}},
			{Name: "support_automatic", Every: 24 * time.Hour, Run: func(ctx context.Context, now time.Time) error {
				_, err := a.Support.RunAutomatic(ctx, easyjob.DateOf(now))
				return err
			}},
		}}
}

// parseDays reads --checkin-days: three rising positive numbers of days.
func parseDays(s string) ([]int, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 3 {
		return nil, fmt.Errorf("--checkin-days %q: want three days, such as 30,90,180", s)
	}
	var out []int
	for _, p := range parts {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n <= 0 || len(out) > 0 && n <= out[len(out)-1] {
			return nil, fmt.Errorf("--checkin-days %q: want three rising numbers of days, such as 30,90,180", s)
		}
		out = append(out, n)
	}
	return out, nil
}
