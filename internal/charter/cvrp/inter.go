package cvrp

// Inter-route local search on granular neighbourhoods: for a customer u
// and each of its nearest neighbours v in another route, try relocating u
// next to v, swapping u and v, and exchanging the routes' tails after u and
// v (2-opt*). The first improving move is applied; the search stops when
// no move improves. It is used to polish new best solutions.

// lsNeighbours is how many nearest neighbours the local search considers.
const lsNeighbours = 20

// localSearch improves st in place and leaves rcost, dist and where exact.
func (s *solver) localSearch(st *state) {
	const eps = 1e-9
	n := s.n
	d := s.d
	pos := st.pos
	for _, t := range st.routes {
		s.improveRoute(t)
	}
	s.reindexAll(st)
	at := func(t []int32, i int) int {
		if i < 0 || i >= len(t) {
			return 0
		}
		return int(t[i])
	}
	order := s.lsOrder[:0]
	for c := 1; c < n; c++ {
		order = append(order, int32(c))
	}
	s.lsOrder = order
	for pass := 0; pass < 50; pass++ {
		improved := false
		for i := len(order) - 1; i > 0; i-- {
			j := s.rng.intn(i + 1)
			order[i], order[j] = order[j], order[i]
		}
		for _, uu := range order {
			u := int(uu)
			nb := s.neigh[u]
			if len(nb) > lsNeighbours {
				nb = nb[:lsNeighbours]
			}
			for _, vv := range nb {
				v := int(vv)
				ru, rv := int(st.where[u]), int(st.where[v])
				if ru == rv {
					continue
				}
				tu, tv := st.routes[ru], st.routes[rv]
				iu, iv := int(pos[u]), int(pos[v])
				pu, nu := at(tu, iu-1), at(tu, iu+1)
				pv, nv := at(tv, iv-1), at(tv, iv+1)
				du, dv := s.dem[u], s.dem[v]
				removeU := d[pu*n+u] + d[u*n+nu] - d[pu*n+nu]
				stopsOK := s.maxStops == 0 || len(tv) < s.maxStops
				// Relocate u after v, or before v.
				if st.load[rv]+du <= s.capacity && stopsOK {
					if d[v*n+u]+d[u*n+nv]-d[v*n+nv]-removeU < -eps {
						s.relocate(st, u, ru, iu, rv, iv+1)
						improved = true
						break
					}
					if d[pv*n+u]+d[u*n+v]-d[pv*n+v]-removeU < -eps {
						s.relocate(st, u, ru, iu, rv, iv)
						improved = true
						break
					}
				}
				// Swap u and v.
				if st.load[ru]-du+dv <= s.capacity && st.load[rv]-dv+du <= s.capacity {
					delta := d[pu*n+v] + d[v*n+nu] - d[pu*n+u] - d[u*n+nu] +
						d[pv*n+u] + d[u*n+nv] - d[pv*n+v] - d[v*n+nv]
					if delta < -eps {
						tu[iu], tv[iv] = int32(v), int32(u)
						pos[u], pos[v] = int32(iv), int32(iu)
						st.where[u], st.where[v] = int32(rv), int32(ru)
						st.load[ru] += dv - du
						st.load[rv] += du - dv
						improved = true
						break
					}
				}
				// 2-opt*: tu[:iu+1]+tv[iv+1:] and tv[:iv+1]+tu[iu+1:].
				if d[u*n+nv]+d[v*n+nu]-d[u*n+nu]-d[v*n+nv] < -eps && s.tailsFit(st, ru, iu, rv, iv) {
					s.swapTails(st, ru, iu+1, rv, iv+1)
					improved = true
					break
				}
				// 2-opt* the other way round: u's tail after v, v's head before u:
				// tv[:iv]+tu[iu:] and tu[:iu]+tv[iv:].
				if d[pv*n+u]+d[pu*n+v]-d[pu*n+u]-d[pv*n+v] < -eps && s.tailsFit(st, ru, iu-1, rv, iv-1) {
					s.swapTails(st, ru, iu, rv, iv)
					improved = true
					break
				}
			}
		}
		if !improved {
			break
		}
	}
	// Drop empty routes and recompute costs exactly.
	for r := 0; r < len(st.routes); {
		if len(st.routes[r]) > 0 {
			r++
			continue
		}
		last := len(st.routes) - 1
		st.routes[r], st.routes[last] = st.routes[last], st.routes[r]
		st.load[r] = st.load[last]
		st.routes = st.routes[:last]
		st.load = st.load[:last]
		st.rcost = st.rcost[:last]
	}
	for r, t := range st.routes {
		s.improveRoute(t)
		st.rcost[r] = s.routeCost(t)
	}
	s.reindexAll(st)
	st.dist = 0
	for _, c := range st.rcost {
		st.dist += c
	}
}

func (s *solver) reindexAll(st *state) {
	for r, t := range st.routes {
		for i, v := range t {
			st.pos[v] = int32(i)
			st.where[v] = int32(r)
		}
	}
}

func (s *solver) reindex(st *state, r int) {
	for i, v := range st.routes[r] {
		st.pos[v] = int32(i)
		st.where[v] = int32(r)
	}
}

// relocate moves u from route ru (index iu) to route rv before index iv.
func (s *solver) relocate(st *state, u, ru, iu, rv, iv int) {
	tu := st.routes[ru]
	copy(tu[iu:], tu[iu+1:])
	st.routes[ru] = tu[:len(tu)-1]
	tv := append(st.routes[rv], 0)
	copy(tv[iv+1:], tv[iv:])
	tv[iv] = int32(u)
	st.routes[rv] = tv
	st.load[ru] -= s.dem[u]
	st.load[rv] += s.dem[u]
	s.reindex(st, ru)
	s.reindex(st, rv)
}

// tailsFit reports whether exchanging the tails after index a of route ra
// and after index b of route rb respects capacity and the stop limit.
func (s *solver) tailsFit(st *state, ra, a, rb, b int) bool {
	ta, tb := st.routes[ra], st.routes[rb]
	headA, headB := 0, 0
	for i := 0; i <= a; i++ {
		headA += s.dem[ta[i]]
	}
	for i := 0; i <= b; i++ {
		headB += s.dem[tb[i]]
	}
	if headA+st.load[rb]-headB > s.capacity || headB+st.load[ra]-headA > s.capacity {
		return false
	}
	if s.maxStops > 0 {
		if a+1+len(tb)-b-1 > s.maxStops || b+1+len(ta)-a-1 > s.maxStops {
			return false
		}
	}
	return true
}

// swapTails exchanges route ra's customers from index a on with route rb's
// from index b on.
func (s *solver) swapTails(st *state, ra, a, rb, b int) {
	ta, tb := st.routes[ra], st.routes[rb]
	tailA := append(s.buf[:0], ta[a:]...)
	na := append(ta[:a], tb[b:]...)
	nb := append(tb[:b], tailA...)
	s.buf = tailA
	st.routes[ra], st.routes[rb] = na, nb
	la, lb := 0, 0
	for _, v := range na {
		la += s.dem[v]
	}
	for _, v := range nb {
		lb += s.dem[v]
	}
	st.load[ra], st.load[rb] = la, lb
	s.reindex(st, ra)
	s.reindex(st, rb)
}
