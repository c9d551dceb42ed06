package search

import (
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"
)

// TestSearchKeptResultsFollowEveryChange interleaves random puts, removes,
// re-puts of unchanged postings and searches, and checks every answer,
// kept or not, against a search run afresh.
func TestSearchKeptResultsFollowEveryChange(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 2020))
	titles := []string{"电子厂普工", "小区保安", "货车司机", "急招普工（包吃住）", "仓库管理员", "厨师", "包装工"}
	districts := []string{"440303", "440306", "440307"}
	docAt := func(id int64) Doc {
		return Doc{ID: id, Title: titles[rng.IntN(len(titles))], Employer: "深圳市华达电子有限公司", Description: "包吃包住，长白班。",
			District: districts[rng.IntN(len(districts))], Occupation: "6-25-04-07", PayMin: 4000 + 500*rng.IntN(6), PayMax: 7000,
			Dorm: rng.IntN(2) == 0, Meals: rng.IntN(2) == 0, StartDate: 100, Published: int64(rng.IntN(50))}
	}
	filters := []Filter{
		{Terms: Query("普工")}, {Terms: Query("保安")}, {Terms: Query("包吃包住")}, {},
		{Terms: Query("普工"), District: "440307"}, {Terms: Query("司机"), PayMin: 6000}, {Dorm: true, Limit: 3},
		{Terms: Query("普工"), Offset: 2, Limit: 2}, {Terms: Query("厨师"), Today: 90},
	}
	ix := NewIndex()
	held := map[int64]Doc{}
	for step := 0; step < 3000; step++ {
		id := int64(1 + rng.IntN(40))
		switch rng.IntN(4) {
		case 0:
			d := docAt(id)
			ix.Put(d)
			held[id] = d
		case 1:
			ix.Remove(id)
			delete(held, id)
		case 2:
			if d, ok := held[id]; ok {
				gen := ix.gen
				ix.Put(d) // the same again: what is kept stays good
				if ix.gen != gen {
					t.Fatalf("step %d: putting posting %d unchanged moved the generation", step, id)
				}
			}
		}
		f := filters[rng.IntN(len(filters))]
		got := ix.Search(f)
		ix.mu.RLock()
		want := ix.search(f)
		ix.mu.RUnlock()
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("step %d: search %+v answered %+v, afresh %+v", step, f, got, want)
		}
		// And the index holds what was put: a new index of the same
		// postings finds the same.
		if step%5 == 0 {
			fresh := NewIndex()
			for _, d := range held {
				fresh.Put(d)
			}
			if model := fresh.Search(f); !reflect.DeepEqual(got, model) {
				t.Fatalf("step %d: search %+v answered %+v, an index of the postings held %+v", step, f, got, model)
			}
		}
	}
}

func TestSearchKeepsABoundedNumber(t *testing.T) {
	ix := mustIndex(t, sampleDocs()...)
	for i := range cacheMax + 50 {
		ix.Search(Filter{Terms: Query("普工"), PayMin: i})
	}
	if n := len(ix.cache); n > cacheMax {
		t.Fatalf("%d results kept, at most %d allowed", n, cacheMax)
	}
	// Filters that differ in one field are different searches.
	a, b := Filter{District: "440306"}, Filter{District: "440307"}
	if a.key() == b.key() || (&Filter{Terms: []string{"ab", "c"}}).key() == (&Filter{Terms: []string{"a", "bc"}}).key() {
		t.Fatal("two different searches share a key")
	}
}

// TestSearchWhilePutting races searches against changes (run with -race).
func TestSearchWhilePutting(t *testing.T) {
	ix := mustIndex(t, sampleDocs()...)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 500 {
				if g == 0 {
					d := sampleDocs()[i%4]
					d.PayMin += i % 3
					ix.Put(d)
					continue
				}
				r := ix.Search(Filter{Terms: Query("普工")})
				for _, h := range r.Hits {
					if h.ID != 1 && h.ID != 4 {
						t.Errorf("found %d for 普工", h.ID)
					}
				}
			}
		})
	}
	wg.Wait()
}
