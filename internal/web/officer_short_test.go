package web

import "testing"

func TestPercent(t *testing.T) {
	for _, tc := range []struct {
		n, total int
		want     string
	}{{0, 7, "0.0%"}, {3, 3, "100.0%"}, {29, 500, "5.8%"}, {1, 3, "33.3%"}, {2, 3, "66.7%"}, {1, 2000, "0.1%"}} {
		if got := percent(tc.n, tc.total); got != tc.want {
			t.Errorf("percent(%d, %d) = %s, want %s", tc.n, tc.total, got, tc.want)
		}
	}
}
