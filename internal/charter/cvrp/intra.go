package cvrp

// improveRoute improves one route in place by 2-opt (when distances are
// symmetric) and or-opt (moving a string of 1–3 customers elsewhere in the
// route, reversed or not), taking the first improving move until none is
// left.
func (s *solver) improveRoute(t []int32) {
	if len(t) < 3 {
		return
	}
	const eps = 1e-9
	n := s.n
	d := s.d
	sym := sameSlice(s.d, s.dT)
	at := func(i int) int {
		if i < 0 || i >= len(t) {
			return 0
		}
		return int(t[i])
	}
	for again := true; again; {
		again = false
		L := len(t)
		if sym {
			for i := 0; i < L-1 && !again; i++ {
				a, b := at(i-1), int(t[i])
				dab := d[a*n+b]
				for j := i + 1; j < L; j++ {
					c, e := int(t[j]), at(j+1)
					if d[a*n+c]+d[b*n+e]-dab-d[c*n+e] < -eps {
						for x, y := i, j; x < y; x, y = x+1, y-1 {
							t[x], t[y] = t[y], t[x]
						}
						again = true
						break
					}
				}
			}
			if again {
				continue
			}
		}
		// or-opt: move t[i..i+k-1] between positions p-1 and p.
		for k := 1; k <= 3 && k < L && !again; k++ {
			for i := 0; i+k <= L && !again; i++ {
				prev, next := at(i-1), at(i+k)
				first, last := int(t[i]), int(t[i+k-1])
				gain := d[prev*n+first] + d[last*n+next] - d[prev*n+next]
				if gain <= eps {
					continue
				}
				// Positions p in the route without the string: between
				// rest[p-1] and rest[p].
				for p := 0; p <= L-k; p++ {
					if p == i {
						continue // the same place
					}
					var x, y int
					// Map p to nodes of the route without the string.
					if p < i {
						x, y = at(p-1), at(p)
					} else {
						x, y = at(p+k-1), at(p+k)
					}
					base := d[x*n+y]
					fwd := d[x*n+first] + d[last*n+y] - base
					rev := fwd + 1
					if sym && k > 1 {
						rev = d[x*n+last] + d[first*n+y] - base
					}
					if fwd < gain-eps || rev < gain-eps {
						s.moveString(t, i, k, p, rev < fwd)
						again = true
						break
					}
				}
			}
		}
	}
}

// moveString moves t[i:i+k] so that it lands before the customer that is at
// index p of the route without the string (reversed if asked).
func (s *solver) moveString(t []int32, i, k, p int, reverse bool) {
	buf := append(s.buf[:0], t[i:i+k]...)
	if reverse {
		for x, y := 0, len(buf)-1; x < y; x, y = x+1, y-1 {
			buf[x], buf[y] = buf[y], buf[x]
		}
	}
	if p < i {
		// Shift t[p:i] right by k.
		copy(t[p+k:i+k], t[p:i])
		copy(t[p:p+k], buf)
	} else {
		// Shift t[i+k:p+k] left by k.
		copy(t[i:p], t[i+k:p+k])
		copy(t[p:p+k], buf)
	}
	s.buf = buf
}
