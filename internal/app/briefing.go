package app

import (
	"context"
	"runtime/debug"
	"time"

	"easyjob/internal/easyjob"
)

// warmBriefing loads the dashboards' snapshot of the facts in the
// background once the matching indexes are built and the rollups are
// (the periodic task builds them), and keeps it current every 30 s, so
// that every process answers the first dashboard from memory (reads also
// bring it up to date first, internal/briefing/snapshot.go).
func (a *App) warmBriefing(ctx context.Context) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	loaded := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if m := a.Store.Matching; m != nil && !m.IsBuilt() {
			continue
		}
		err := a.Briefing.Sync(ctx)
		switch {
		case err == nil && !loaded:
			loaded = true
			facts, bytes, took := a.Briefing.SnapshotInfo()
			a.Log.Info("dashboards' snapshot loaded", "facts", facts, "MB", bytes>>20, "took", took.Round(time.Millisecond).String())
			// Its load left a few hundred MB of garbage: returned at
			// once, as after the matching build (app/match.go).
			debug.FreeOSMemory()
			tick.Reset(30 * time.Second)
		case err != nil && easyjob.ErrorCode(err) != easyjob.EUNAVAILABLE && ctx.Err() == nil:
			a.Log.Warn("dashboards' snapshot", "err", err)
			tick.Reset(30 * time.Second)
		}
	}
}
