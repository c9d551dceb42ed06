package web

import (
	"easyjob/internal/easyjob"
	"easyjob/internal/store"
)

// every reads every page of a paged list, 100 at a time: the pages that
// show a whole list (a day's charters, a county's pickup points, the
// riders on their way) keep showing all of it while the API pages.
func every[T any](list func(o store.ListOptions) (easyjob.Page[T], error)) ([]T, error) {
	out := []T{}
	o := store.ListOptions{Limit: 100}
	for {
		p, err := list(o)
		if err != nil {
			return nil, err
		}
		out = append(out, p.Items...)
		if p.NextCursor == "" {
			return out, nil
		}
		o.Cursor = p.NextCursor
	}
}
