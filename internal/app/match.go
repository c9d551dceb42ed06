package app

import (
	"context"
	"fmt"
)

// startMatching builds the in-memory recommendation and search indexes from
// the database and follows changes until ctx ends or the database closes
// (App.Close): changes made through this process at once, those of other
// processes on the same database within a second.
func (a *App) startMatching(ctx context.Context) error {
	m, err := a.Store.StartMatching(ctx)
	if err != nil {
		return fmt.Errorf("building the matching index: %w", err)
	}
	a.Log.Info("matching index built", "postings", m.Postings, "seekers", m.Seekers,
		"searchable", m.SearchDocs, "took", m.Built.Round(1e6).String())
	go m.Run(ctx)
	return nil
}
