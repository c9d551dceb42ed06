package match

import (
	"math"
	"testing"
)

// TestRescore: the same policy gives the same score; the multiplier and
// congestion change as the formula says.
func TestRescore(t *testing.T) {
	from := DefaultPolicy()
	if got := Rescore(5, true, true, 3, 2, from, from); math.Abs(got-5) > 1e-12 {
		t.Fatalf("same policy: %v", got)
	}
	to := from
	to.PoorWeight, to.TwinnedWeight, to.CongestionAlpha = 1, 0, 0
	// base = 5 / ((1+0.2+0.1) · 1/(1+0.5·3/2)); new = base · 2 · 1
	base := 5 / (1.3 * (1 / (1 + 0.5*1.5)))
	if got := Rescore(5, true, true, 3, 2, from, to); math.Abs(got-base*2) > 1e-9 {
		t.Fatalf("new policy: %v want %v", got, base*2)
	}
	if got := Rescore(5, false, false, 1, 0, from, to); got != 0 {
		t.Fatalf("nothing remaining: %v", got)
	}
}
