package app

import "testing"

// TestBenchProcs: one core at a fixed rate, as the runtime chose as fast as
// the server answers, what --procs says when given.
func TestBenchProcs(t *testing.T) {
	for _, c := range []struct{ procs, rate, want int }{
		{0, 2000, 1}, {0, 0, 0}, {2, 2000, 2}, {2, 0, 2}, {1, 0, 1},
	} {
		if got := benchProcs(c.procs, c.rate); got != c.want {
			t.Errorf("benchProcs(%d, %d) = %d, want %d", c.procs, c.rate, got, c.want)
		}
	}
}
