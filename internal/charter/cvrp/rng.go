package cvrp

import (
	"slices"
)

// rng is a small xorshift64* generator: fast, and the same on every
// platform, so runs are reproducible for a seed.
type rng struct{ s uint64 }

func newRNG(seed int64) rng {
	// splitmix64 of the seed, so that nearby seeds give unrelated streams.
	z := uint64(seed) + 0x9E3779B97F4A7C15
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	z ^= z >> 31
	if z == 0 {
		z = 1
	}
	return rng{z}
}

func (r *rng) next() uint64 {
	x := r.s
	x ^= x >> 12
	x ^= x << 25
	x ^= x >> 27
	r.s = x
	return x * 2685821657736338717
}

// float returns a number in (0, 1].
func (r *rng) float() float64 {
	return (float64(r.next()>>11) + 1) / (1 << 53)
}

// intn returns a number in [0, n); n must be positive and below 2^32.
func (r *rng) intn(n int) int {
	return int(((r.next() >> 32) * uint64(n)) >> 32)
}

func sortLarge(a []int32, key func(int32) float64) {
	slices.SortStableFunc(a, func(x, y int32) int {
		kx, ky := key(x), key(y)
		switch {
		case kx < ky:
			return -1
		case kx > ky:
			return 1
		}
		return 0
	})
}
