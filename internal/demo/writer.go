package demo

import (
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"easyjob/internal/store"
)

// maxParams keeps a statement under SQLite's 32,766 bound parameters
// (PostgreSQL allows 65,535).
const maxParams = 32000

// sqliteParams is the size of a statement on SQLite. Its parameters are
// anonymous ("?"): modernc's driver asks SQLite for each parameter's name,
// and a "$n" name is found by a walk of a list, so binding "$n" parameters
// takes time quadratic in their number (a third of the load at 128 per
// statement). Anonymous ones have no list; the size then only trades the
// cost of a statement against the VDBE program's.
var sqliteParams = 1000

// rowsPer is how many rows of cols columns one statement inserts: a divisor
// of the chunk size (1000) so that chunks split into whole statements.
func rowsPer(d store.Dialect, cols int) int {
	limit := maxParams
	if d == store.SQLite {
		limit = sqliteParams
	}
	best := 1
	for _, n := range []int{1, 2, 4, 5, 8, 10, 20, 25, 40, 50, 100, 125, 200, 250, 500, 1000} {
		if n*cols <= limit {
			best = n
		}
	}
	return best
}

// commitEvery is how many rows a transaction holds: big enough to amortise
// the commit, small enough that SQLite's WAL checkpoints along the way.
const commitEvery = 250_000

// loader writes rows in multi-row INSERTs inside transactions on the writer
// pool, committing every commitEvery rows.
//
// Statements run under a context that cannot be cancelled, and the loader
// checks the caller's context between statements instead: for each
// statement under a cancellable context the SQLite driver starts a goroutine
// to watch it, which for a million statements costs a third of the load.
type loader struct {
	ctx   context.Context // the caller's
	exec  context.Context // for statements
	db    *store.DB
	tx    *sql.Tx
	rows  int
	stmts map[*batch]*sql.Stmt
}

func newLoader(ctx context.Context, db *store.DB) *loader {
	return &loader{ctx: ctx, exec: context.WithoutCancel(ctx), db: db, stmts: map[*batch]*sql.Stmt{}}
}

func (l *loader) begin() error {
	if l.tx != nil {
		return nil
	}
	tx, err := l.db.W.BeginTx(l.exec, nil)
	if err != nil {
		return err
	}
	l.tx = tx
	return nil
}

// commit ends the current transaction, if any.
func (l *loader) commit() error {
	if l.tx == nil {
		return nil
	}
	clear(l.stmts) // closed with their transaction
	err := l.tx.Commit()
	l.tx, l.rows = nil, 0
	return err
}

func (l *loader) rollback() {
	if l.tx != nil {
		clear(l.stmts)
		l.tx.Rollback()
		l.tx = nil
	}
}

// batch buffers the rows of one INSERT into one table.
type batch struct {
	l       *loader
	table   string
	cols    []string
	per     int // rows per full statement
	args    []any
	n       int
	parents []*batch // flushed first: their rows are referenced by ours
	written int
	onFlush func(n int)
}

func (l *loader) batch(table string, cols ...string) *batch {
	return &batch{l: l, table: table, cols: cols, per: rowsPer(l.db.Dialect, len(cols))}
}

// add buffers one row.
func (b *batch) add(vals ...any) error {
	b.args = append(b.args, vals...)
	b.n++
	if b.n >= b.per {
		return b.drain(false)
	}
	return nil
}

// addRows buffers n rows given as one flat slice.
func (b *batch) addRows(args []any, n int) error {
	b.args = append(b.args, args...)
	b.n += n
	if b.n >= b.per {
		return b.drain(false)
	}
	return nil
}

// flush writes every buffered row.
func (b *batch) flush() error { return b.drain(true) }

// insertSQL is an INSERT of rows rows: "$n" parameters on PostgreSQL,
// anonymous "?" ones on SQLite (see sqliteParams).
func insertSQL(d store.Dialect, table string, cols []string, rows int) string {
	var s strings.Builder
	s.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
	k := 1
	for r := range rows {
		if r > 0 {
			s.WriteString(", ")
		}
		s.WriteByte('(')
		for c := range cols {
			if c > 0 {
				s.WriteString(", ")
			}
			if d == store.SQLite {
				s.WriteByte('?')
			} else {
				s.WriteByte('$')
				s.WriteString(strconv.Itoa(k))
			}
			k++
		}
		s.WriteByte(')')
	}
	return s.String()
}

// drain writes the buffered rows in statements of b.per rows, and the
// rest too when all is set.
func (b *batch) drain(all bool) error {
	if b.n == 0 || (!all && b.n < b.per) {
		return nil
	}
	for _, p := range b.parents {
		if err := p.drain(true); err != nil {
			return err
		}
	}
	w := len(b.cols)
	off := 0
	for b.n-off >= b.per || (all && off < b.n) {
		k := min(b.per, b.n-off)
		if err := b.exec(b.args[off*w:(off+k)*w], k); err != nil {
			return err
		}
		off += k
	}
	rest := copy(b.args, b.args[off*w:])
	clear(b.args[rest:])
	b.args, b.n = b.args[:rest], b.n-off
	return nil
}

// exec inserts k rows.
func (b *batch) exec(args []any, k int) error {
	l := b.l
	if err := l.ctx.Err(); err != nil {
		return err
	}
	if err := l.begin(); err != nil {
		return err
	}
	var err error
	if k == b.per {
		st, ok := l.stmts[b]
		if !ok {
			if st, err = l.tx.PrepareContext(l.exec, insertSQL(l.db.Dialect, b.table, b.cols, b.per)); err != nil {
				return err
			}
			l.stmts[b] = st
		}
		_, err = st.ExecContext(l.exec, args...)
	} else {
		_, err = l.tx.ExecContext(l.exec, insertSQL(l.db.Dialect, b.table, b.cols, k), args...)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", b.table, err)
	}
	b.written += k
	l.rows += k
	if b.onFlush != nil {
		b.onFlush(k)
	}
	if l.rows >= commitEvery {
		// Rows still buffered in other batches go into the next
		// transaction; children drain their parents first, so references
		// always point at committed or same-transaction rows.
		return l.commit()
	}
	return nil
}

// chunk is the rows made from one slice of the index range, one flat
// argument slice per table.
type chunk struct {
	args [][]any
	rows []int
	err  error
}

// produce builds chunks 0…n-1 on GOMAXPROCS goroutines and hands them to
// consume in no particular order (every row carries its own id). It stops
// at the first error.
func produce(ctx context.Context, n int, build func(c int, r rng) chunk, consume func(chunk) error) error {
	if n == 0 {
		return nil
	}
	workers := max(1, min(runtime.GOMAXPROCS(0), n))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var next atomic.Int64
	out := make(chan chunk, 2*workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := newRNG()
			for {
				c := int(next.Add(1) - 1)
				if c >= n || ctx.Err() != nil {
					return
				}
				ch := build(c, r)
				select {
				case out <- ch:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(out) }()
	var err error
	for ch := range out {
		if err == nil {
			if err = consume(ch); err == nil {
				err = ctx.Err()
			}
			if err != nil {
				cancel()
			}
		}
	}
	return err
}
