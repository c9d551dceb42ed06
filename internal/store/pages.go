package store

// The list helpers for systems that page their own lists the way the
// store's do: read PageSize()+1 rows after the cursor (DecodeCursor), then
// PageOf(items, o.PageSize(), id) (kernel.go).

// PageSize is the number of rows a page holds: Limit, 20 when it is unset
// or out of 1…100.
func (o ListOptions) PageSize() int { return o.limit() }
