package demo

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// progress reports the load phase by phase: on a terminal one line redrawn
// in place, otherwise a plain line every few seconds and one per phase.
type progress struct {
	w     io.Writer
	tty   bool
	every time.Duration

	mu         sync.Mutex
	phase      string
	total      int64
	phaseStart time.Time
	done       atomic.Int64
	stop       chan struct{}
	wg         sync.WaitGroup
}

func newProgress(w io.Writer) *progress {
	if w == nil {
		return nil
	}
	p := &progress{w: w, tty: isTerminal(w), every: 5 * time.Second, stop: make(chan struct{})}
	if p.tty {
		p.every = 200 * time.Millisecond
	}
	p.wg.Add(1)
	go p.run()
	return p
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0 && os.Getenv("TERM") != "dumb"
}

func (p *progress) run() {
	defer p.wg.Done()
	t := time.NewTicker(p.every)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.mu.Lock()
			if p.phase != "" {
				p.print(false)
			}
			p.mu.Unlock()
		}
	}
}

// print writes the current line; mu is held.
func (p *progress) print(final bool) {
	done := p.done.Load()
	el := time.Since(p.phaseStart).Round(100 * time.Millisecond)
	var line string
	switch {
	case final && p.total == 0 && done == 0:
		line = fmt.Sprintf("%-13s done in %s", p.phase, el)
	case final:
		line = fmt.Sprintf("%-13s %s in %s", p.phase, group(done), el)
	case p.total > 0:
		line = fmt.Sprintf("%-13s %s / %s (%d%%) %s", p.phase, group(done), group(p.total), done*100/p.total, el)
	case done == 0:
		line = fmt.Sprintf("%-13s %s", p.phase, el)
	default:
		line = fmt.Sprintf("%-13s %s %s", p.phase, group(done), el)
	}
	switch {
	case p.tty && final:
		fmt.Fprintf(p.w, "\r\x1b[K%s\n", line)
	case p.tty:
		fmt.Fprintf(p.w, "\r\x1b[K%s", line)
	default:
		fmt.Fprintln(p.w, line)
	}
}

// begin starts a phase of total rows (0 if unknown).
func (p *progress) begin(phase string, total int) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.phase, p.total, p.phaseStart = phase, int64(total), time.Now()
	p.done.Store(0)
}

func (p *progress) add(n int) {
	if p != nil {
		p.done.Add(int64(n))
	}
}

func (p *progress) set(n int) {
	if p != nil {
		p.done.Store(int64(n))
	}
}

// end closes a phase with a final line.
func (p *progress) end() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.phase != "" {
		p.print(true)
	}
	p.phase = ""
}

// note prints a line between phases.
func (p *progress) note(format string, args ...any) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, format+"\n", args...)
}

func (p *progress) close() {
	if p == nil {
		return
	}
	close(p.stop)
	p.wg.Wait()
}

// group writes n with thousands separators.
func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	if n < 0 {
		return "-" + group(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
