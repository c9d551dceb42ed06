package store

// SetAfterImportRow lets a test interrupt a "valid rows" import after a
// number of rows (by cancelling its context, say).
func SetAfterImportRow(s *Store, f func(n int)) { s.afterImportRow = f }
