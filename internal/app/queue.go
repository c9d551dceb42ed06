package app

import (
	"context"
	"net/http"
	"net/url"
	"sync"

	"easyjob/internal/easyjob"
	"easyjob/internal/httpx"
	"easyjob/internal/tasks"

	"riverqueue.com/riverui"
)

// QueuePath is where River's own web UI is mounted: jobs due, running,
// failed with their errors and retried, for admins only.
const QueuePath = "/admin/queue"

// mountQueue mounts River's UI behind the admin role, reading through an
// insert-only client (this process may run no workers).
func (a *App) mountQueue(ctx context.Context, mux *http.ServeMux) error {
	q, err := tasks.New(a.Store, a.taskConfig(false))
	if err != nil {
		return err
	}
	a.Queue = q
	ui, err := riverui.NewHandler(&riverui.HandlerOpts{
		Endpoints: riverui.NewEndpoints(q.Client, nil),
		Logger:    a.Log,
		Prefix:    QueuePath,
	})
	if err != nil {
		return err
	}
	// The UI's background services count the jobs every few seconds for
	// its pages: started by the first admin who opens them, not by an idle
	// server for nobody (issue #11).
	uctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	a.closers = append(a.closers, cancel)
	var start sync.Once
	mux.Handle(QueuePath+"/", adminOnly(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start.Do(func() {
			if err := ui.Start(uctx); err != nil {
				a.Log.Warn("starting the queue's web UI", "err", err)
			}
		})
		ui.ServeHTTP(w, r)
	})))
	mux.Handle(QueuePath, http.RedirectHandler(QueuePath+"/", http.StatusFound))
	return nil
}

// adminOnly lets admins through; others are sent to sign in, or refused.
func adminOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, ok := httpx.User(r.Context())
		switch {
		case !ok:
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.Path), http.StatusSeeOther)
		case u.Role != easyjob.RoleAdmin:
			http.Error(w, "admins only", http.StatusForbidden)
		default:
			next.ServeHTTP(w, r)
		}
	})
}
