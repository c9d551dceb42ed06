package store

import "easyjob/internal/easyjob"

// The list helpers, for systems that page their own lists the way the
// store's do: read PageSize()+1 rows after the cursor, then PageOf.

// DecodeCursor reads a list's opaque cursor: the id of the last row of the
// previous page (0 for ""); a malformed one is a field error on "cursor".
func DecodeCursor(c string) (int64, error) { return decodeCursor(c) }

// EncodeCursor makes the cursor that follows the row with this id.
func EncodeCursor(id int64) string { return encodeCursor(id) }

// PageSize is the number of rows a page holds: Limit, 20 when it is unset
// or out of 1…100.
func (o ListOptions) PageSize() int { return o.limit() }

// PageOf trims the look-ahead row of items (read with PageSize()+1) and sets
// the next cursor from the last row kept.
func PageOf[T any](items []T, o ListOptions, id func(T) int64) easyjob.Page[T] {
	return page(items, o.limit(), id)
}
