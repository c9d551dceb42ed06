package app

import (
	"context"
	"runtime/debug"
)

// startMatching sets up the in-memory recommendation and search indexes.
// They are built on first use, or at start by warmMatching when serving
// (the demo command, which writes in bulk, never builds them). Once built
// they follow changes made through this process at once and those of other
// processes on the same database within a second, until ctx ends or the
// database closes (App.Close).
func (a *App) startMatching(ctx context.Context) error {
	_, err := a.Store.StartMatching(ctx)
	return err
}

// warmMatching builds the indexes now, so the first request does not wait.
func (a *App) warmMatching(ctx context.Context) {
	m := a.Store.Matching
	if m == nil {
		return
	}
	if err := m.Ready(ctx); err != nil {
		if ctx.Err() == nil {
			a.Log.Error("building the matching index", "err", err)
		}
		return
	}
	a.Log.Info("matching index built", "postings", m.Postings, "seekers", m.Seekers,
		"searchable", m.SearchDocs, "took", m.Built.Round(1e6).String())
	// The build's rows (several hundred MB at a million seekers) are
	// garbage now: hand their memory back at once rather than let the
	// runtime's scavenger return it page by page for minutes (issue #11:
	// it was 40 % of an idle server's CPU).
	debug.FreeOSMemory()
}
