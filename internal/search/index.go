package search

import (
	"cmp"
	"container/heap"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Doc is one posting as search sees it. Dates are days since 1970-01-01.
type Doc struct {
	ID          int64
	Title       string
	Employer    string
	Description string
	District    string // Shenzhen district code
	Occupation  string // 2022 classification code
	PayMin      int
	PayMax      int
	Dorm        bool
	Meals       bool
	StartDate   int32
	ClosingDate int32 // 0 = none
	Published   int64 // Unix milliseconds, for freshness
}

// Field weights of relevance: a query word in the title counts most.
const (
	weightDescription = 1
	weightEmployer    = 2
	weightTitle       = 3
)

// Filter is a search: words (from Query) and filters, all of which must hold.
type Filter struct {
	Terms      []string
	District   string // code prefix: "440307" or "4403"
	Occupation string // code prefix: "6-25-04-02" or "6-25"
	PayMin     int    // the posting's pay range reaches at least this
	PayMax     int    // the posting's base pay is at most this (0 = none)
	Dorm       bool   // provides a dorm
	Meals      bool   // provides meals
	StartFrom  int32  // starts on or after (0 = none)
	StartTo    int32  // starts on or before (0 = none)
	Today      int32  // postings closing before today are left out
	Offset     int
	Limit      int
}

// Hit is one posting found, with its relevance (the sum over the query's
// words of the weight of the best field holding it; 0 without words).
type Hit struct {
	ID        int64 `json:"id"`
	Relevance int   `json:"relevance"`
}

// Facets count the whole result set by district, occupation, dorm and meals.
type Facets struct {
	District   map[string]int `json:"district"`
	Occupation map[string]int `json:"occupation"`
	Dorm       int            `json:"dorm"`
	Meals      int            `json:"meals"`
}

// Result is one page of hits, best first, with the total and the facets.
type Result struct {
	Hits   []Hit
	Total  int
	Facets Facets
}

type doc struct {
	id        int64
	published int64
	payMin    int32
	payMax    int32
	start     int32
	closing   int32
	district  uint16
	occ       uint16
	flags     uint8
	terms     []uint32 // term id<<2 | weight, by word
}

const (
	dfUsed  = 1 << 0
	dfDorm  = 1 << 1
	dfMeals = 1 << 2
)

// Index is an inverted index of postings in memory. It is safe for
// concurrent use.
type Index struct {
	mu     sync.RWMutex
	docs   []doc
	free   []int32
	slots  map[int64]int32
	terms  map[string]uint32
	lists  [][]uint32 // term id → entries slot<<2 | weight, ascending
	names  []string   // district and occupation codes by id
	nameID map[string]uint16
	gen    uint64 // moves with every change to what a search finds

	cacheMu sync.Mutex
	cache   map[string]cachedResult
}

// cachedResult is a search's result as of the index's generation gen.
type cachedResult struct {
	gen uint64
	res Result
}

// cacheMax bounds the results kept; past it a kept one makes way at random.
const cacheMax = 1024

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{slots: map[int64]int32{}, terms: map[string]uint32{}, nameID: map[string]uint16{}, cache: map[string]cachedResult{}}
}

// Len returns the number of postings held.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.slots)
}

func (ix *Index) name(s string) uint16 {
	if id, ok := ix.nameID[s]; ok {
		return id
	}
	if len(ix.names) >= 1<<16-1 {
		return 0
	}
	ix.names = append(ix.names, s)
	id := uint16(len(ix.names)) // 0 is "none"
	ix.nameID[s] = id
	return id
}

func (ix *Index) nameOf(id uint16) string {
	if id == 0 {
		return ""
	}
	return ix.names[id-1]
}

// Analyze segments a posting's texts into weighted words, outside any lock.
type Analyzed struct {
	doc   Doc
	words []weighted // by word, each once with its highest weight
}

type weighted struct {
	word string
	w    uint8
}

// Analyze prepares d for Put; it can run on many goroutines at once.
func Analyze(d Doc) Analyzed {
	Load()
	var ws []weighted
	for _, f := range []struct {
		text string
		w    uint8
	}{{d.Description, weightDescription}, {d.Employer, weightEmployer}, {d.Title, weightTitle}} {
		for _, run := range runs(f.text, 0) {
			for _, t := range indexCache.get(run, dict.CutSearch) {
				ws = append(ws, weighted{t, f.w})
			}
		}
	}
	slices.SortFunc(ws, func(a, b weighted) int { return cmp.Or(strings.Compare(a.word, b.word), cmp.Compare(b.w, a.w)) })
	return Analyzed{doc: d, words: slices.CompactFunc(ws, func(a, b weighted) bool { return a.word == b.word })}
}

// Put adds or replaces a posting.
func (ix *Index) Put(d Doc) { ix.PutAnalyzed(Analyze(d)) }

// PutAnalyzed adds or replaces an analyzed posting. Putting a posting the
// same as the one held changes nothing (the results kept stay good: an
// application re-reads its posting, whose texts did not change).
func (ix *Index) PutAnalyzed(a Analyzed) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	d := a.doc
	slot, ok := ix.slots[d.ID]
	x := ix.docOf(d)
	if ok && ix.same(&ix.docs[slot], &x, a.words) {
		return
	}
	ix.gen++
	if ok {
		ix.unlist(slot)
	} else if n := len(ix.free); n > 0 {
		slot, ix.free = ix.free[n-1], ix.free[:n-1]
	} else {
		slot = int32(len(ix.docs))
		ix.docs = append(ix.docs, doc{})
	}
	ix.slots[d.ID] = slot
	x.terms = make([]uint32, 0, len(a.words))
	for _, ww := range a.words {
		tid, ok := ix.terms[ww.word]
		if !ok {
			tid = uint32(len(ix.lists))
			// A word is a piece of a run in the cache of runs (which
			// may be long): the index keeps a copy of the word alone.
			ix.terms[strings.Clone(ww.word)] = tid
			ix.lists = append(ix.lists, nil)
		}
		x.terms = append(x.terms, tid<<2|uint32(ww.w))
		e := uint32(slot)<<2 | uint32(ww.w)
		l := ix.lists[tid]
		if n := len(l); n == 0 || l[n-1]>>2 < uint32(slot) {
			ix.lists[tid] = append(l, e)
		} else {
			i, _ := slices.BinarySearchFunc(l, uint32(slot), func(v, s uint32) int { return cmp.Compare(v>>2, s) })
			ix.lists[tid] = slices.Insert(l, i, e)
		}
	}
	ix.docs[slot] = x
}

// docOf is d as the index keeps it, without its words.
func (ix *Index) docOf(d Doc) doc {
	x := doc{id: d.ID, published: d.Published, payMin: int32(d.PayMin), payMax: int32(d.PayMax),
		start: d.StartDate, closing: d.ClosingDate, district: ix.name(d.District), occ: ix.name(d.Occupation),
		flags: dfUsed}
	if d.Dorm {
		x.flags |= dfDorm
	}
	if d.Meals {
		x.flags |= dfMeals
	}
	return x
}

// same tells whether old is x with the weighted words ws.
func (ix *Index) same(old, x *doc, ws []weighted) bool {
	if old.id != x.id || old.published != x.published || old.payMin != x.payMin || old.payMax != x.payMax ||
		old.start != x.start || old.closing != x.closing || old.district != x.district || old.occ != x.occ ||
		old.flags != x.flags || len(old.terms) != len(ws) {
		return false
	}
	for i, ww := range ws {
		tid, ok := ix.terms[ww.word]
		if !ok || old.terms[i] != tid<<2|uint32(ww.w) {
			return false
		}
	}
	return true
}

// unlist takes a slot's entries out of the term lists.
func (ix *Index) unlist(slot int32) {
	for _, t := range ix.docs[slot].terms {
		tid := t >> 2
		l := ix.lists[tid]
		i, found := slices.BinarySearchFunc(l, uint32(slot), func(v, s uint32) int { return cmp.Compare(v>>2, s) })
		if found {
			ix.lists[tid] = slices.Delete(l, i, i+1)
		}
	}
}

// Remove takes a posting out; it reports whether it was there.
func (ix *Index) Remove(id int64) bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	slot, ok := ix.slots[id]
	if !ok {
		return false
	}
	ix.gen++
	ix.unlist(slot)
	ix.docs[slot] = doc{}
	delete(ix.slots, id)
	ix.free = append(ix.free, slot)
	return true
}

type hit struct {
	slot int32
	rel  int32
}

// better orders hits: relevance, then the newest published, then the highest ID.
func (ix *Index) better(a, b hit) bool {
	if a.rel != b.rel {
		return a.rel > b.rel
	}
	da, db := &ix.docs[a.slot], &ix.docs[b.slot]
	if da.published != db.published {
		return da.published > db.published
	}
	return da.id > db.id
}

// worstHeap keeps the best k hits with the worst on top.
type worstHeap struct {
	ix *Index
	h  []hit
}

func (w *worstHeap) Len() int           { return len(w.h) }
func (w *worstHeap) Less(i, j int) bool { return w.ix.better(w.h[j], w.h[i]) }
func (w *worstHeap) Swap(i, j int)      { w.h[i], w.h[j] = w.h[j], w.h[i] }
func (w *worstHeap) Push(x any)         { w.h = append(w.h, x.(hit)) }
func (w *worstHeap) Pop() any {
	x := w.h[len(w.h)-1]
	w.h = w.h[:len(w.h)-1]
	return x
}

// Search runs f. Words must all be present (in any field); without words
// every posting passing the filters is found, newest first.
//
// Results are kept until the index changes, so the same search again (a
// popular word, the back button) is answered from memory: its Hits and
// Facets are then shared with every caller, who must only read them.
func (ix *Index) Search(f Filter) Result {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	key := f.key()
	ix.cacheMu.Lock()
	c, ok := ix.cache[key]
	ix.cacheMu.Unlock()
	if ok && c.gen == ix.gen {
		return c.res
	}
	res := ix.search(f)
	ix.cacheMu.Lock()
	if _, ok := ix.cache[key]; !ok && len(ix.cache) >= cacheMax {
		for k := range ix.cache { // one at random makes way
			delete(ix.cache, k)
			break
		}
	}
	ix.cache[key] = cachedResult{gen: ix.gen, res: res}
	ix.cacheMu.Unlock()
	return res
}

// key tells searches apart: two filters with the same key find the same.
func (f *Filter) key() string {
	b := make([]byte, 0, 96)
	for _, t := range f.Terms {
		b = strconv.AppendInt(b, int64(len(t)), 10)
		b = append(b, ':')
		b = append(b, t...)
	}
	for _, s := range []string{f.District, f.Occupation} {
		b = append(b, '|')
		b = strconv.AppendInt(b, int64(len(s)), 10)
		b = append(b, ':')
		b = append(b, s...)
	}
	for _, n := range []int64{int64(f.PayMin), int64(f.PayMax), int64(f.StartFrom), int64(f.StartTo), int64(f.Today), int64(f.Offset), int64(f.Limit)} {
		b = append(b, '|')
		b = strconv.AppendInt(b, n, 10)
	}
	b = strconv.AppendBool(append(b, '|'), f.Dorm)
	b = strconv.AppendBool(append(b, '|'), f.Meals)
	return string(b)
}

// search runs f under the read lock.
func (ix *Index) search(f Filter) Result {
	res := Result{Hits: []Hit{}, Facets: Facets{District: map[string]int{}, Occupation: map[string]int{}}}
	if f.Limit <= 0 {
		f.Limit = 20
	}
	k := f.Offset + f.Limit
	top := &worstHeap{ix: ix}
	// Prefix filters become tables over the (few) codes, checked per posting by index.
	okDistrict, okOcc := ix.prefixTable(f.District), ix.prefixTable(f.Occupation)
	distN := make([]int, len(ix.names)+1)
	occN := make([]int, len(ix.names)+1)
	consider := func(slot int32, rel int32) {
		d := &ix.docs[slot]
		if !ix.passes(d, &f, okDistrict, okOcc) {
			return
		}
		res.Total++
		distN[d.district]++
		occN[d.occ]++
		if d.flags&dfDorm != 0 {
			res.Facets.Dorm++
		}
		if d.flags&dfMeals != 0 {
			res.Facets.Meals++
		}
		h := hit{slot: slot, rel: rel}
		if top.Len() < k {
			heap.Push(top, h)
		} else if ix.better(h, top.h[0]) {
			top.h[0] = h
			heap.Fix(top, 0)
		}
	}
	if len(f.Terms) == 0 {
		for i := range ix.docs {
			if ix.docs[i].flags&dfUsed != 0 {
				consider(int32(i), 0)
			}
		}
	} else {
		lists := make([][]uint32, 0, len(f.Terms))
		for _, t := range f.Terms {
			tid, ok := ix.terms[t]
			if !ok || len(ix.lists[tid]) == 0 {
				return res
			}
			lists = append(lists, ix.lists[tid])
		}
		slices.SortFunc(lists, func(a, b []uint32) int { return cmp.Compare(len(a), len(b)) })
		pos := make([]int, len(lists))
	outer:
		for _, e := range lists[0] {
			slot := e >> 2
			rel := int32(e & 3)
			for j := 1; j < len(lists); j++ {
				l := lists[j]
				// gallop forward: the entries are ascending and so are we
				p, step := pos[j], 1
				for p+step < len(l) && l[p+step]>>2 < slot {
					p += step
					step *= 2
				}
				i, found := slices.BinarySearchFunc(l[p:min(p+step+1, len(l))], slot, func(v, s uint32) int { return cmp.Compare(v>>2, s) })
				pos[j] = p + i
				if !found {
					if pos[j] >= len(l) {
						break outer
					}
					continue outer
				}
				rel += int32(l[p+i] & 3)
			}
			consider(int32(slot), rel)
		}
	}
	for id, n := range distN {
		if n > 0 && id > 0 {
			res.Facets.District[ix.nameOf(uint16(id))] = n
		}
	}
	for id, n := range occN {
		if n > 0 && id > 0 {
			res.Facets.Occupation[ix.nameOf(uint16(id))] = n
		}
	}
	hits := top.h
	slices.SortFunc(hits, func(a, b hit) int {
		if ix.better(a, b) {
			return -1
		}
		if ix.better(b, a) {
			return 1
		}
		return 0
	})
	if f.Offset < len(hits) {
		for _, h := range hits[f.Offset:] {
			res.Hits = append(res.Hits, Hit{ID: ix.docs[h.slot].id, Relevance: int(h.rel)})
		}
	}
	return res
}

// prefixTable tells for every code id whether the code starts with prefix;
// nil when there is no prefix.
func (ix *Index) prefixTable(prefix string) []bool {
	if prefix == "" {
		return nil
	}
	ok := make([]bool, len(ix.names)+1)
	for i, n := range ix.names {
		ok[i+1] = strings.HasPrefix(n, prefix)
	}
	return ok
}

func (ix *Index) passes(d *doc, f *Filter, okDistrict, okOcc []bool) bool {
	switch {
	case f.Today != 0 && d.closing != 0 && d.closing < f.Today:
		return false
	case f.Dorm && d.flags&dfDorm == 0, f.Meals && d.flags&dfMeals == 0:
		return false
	case f.PayMin > 0 && int(d.payMax) < f.PayMin:
		return false
	case f.PayMax > 0 && int(d.payMin) > f.PayMax:
		return false
	case f.StartFrom != 0 && d.start < f.StartFrom, f.StartTo != 0 && d.start > f.StartTo:
		return false
	case okDistrict != nil && !okDistrict[d.district]:
		return false
	case okOcc != nil && !okOcc[d.occ]:
		return false
	}
	return true
}
