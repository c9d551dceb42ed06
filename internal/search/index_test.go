package search

import (
	"fmt"
	"slices"
	"testing"
)

func mustIndex(tb testing.TB, docs ...Doc) *Index {
	tb.Helper()
	ix := NewIndex()
	for _, d := range docs {
		ix.Put(d)
	}
	return ix
}

func ids(r Result) []int64 {
	out := []int64{}
	for _, h := range r.Hits {
		out = append(out, h.ID)
	}
	return out
}

func sampleDocs() []Doc {
	return []Doc{
		{ID: 1, Title: "电子厂普工", Employer: "深圳市华达电子有限公司", Description: "手机主板组装，两班倒，包吃包住。", District: "440307", Occupation: "6-25-04-07", PayMin: 4500, PayMax: 6500, Dorm: true, Meals: true, StartDate: 100, Published: 10},
		{ID: 2, Title: "小区保安", Employer: "深圳市安达物业服务有限公司", Description: "门岗巡逻，包住。", District: "440306", Occupation: "4-07-05-01", PayMin: 4000, PayMax: 5000, Dorm: true, StartDate: 105, Published: 20},
		{ID: 3, Title: "货车司机", Employer: "深圳市顺通物流有限公司", Description: "市内配送，需 C 证。", District: "440307", Occupation: "4-02-02-01", PayMin: 7000, PayMax: 9000, StartDate: 110, ClosingDate: 120, Published: 30},
		{ID: 4, Title: "急招普工（包吃住）", Employer: "深圳市宏利科技有限公司", Description: "流水线普工，长白班。", District: "440306", Occupation: "6-25-04-02", PayMin: 5000, PayMax: 6000, Dorm: true, Meals: true, StartDate: 100, Published: 5},
	}
}

func TestSearch(t *testing.T) {
	ix := mustIndex(t, sampleDocs()...)
	for _, tc := range []struct {
		name string
		f    Filter
		want []int64
	}{
		{"two-character word", Filter{Terms: Query("普工")}, []int64{1, 4}},
		{"title outranks description", Filter{Terms: Query("保安")}, []int64{2}},
		{"all words", Filter{Terms: Query("普工 包吃包住")}, []int64{1}},
		{"missing word", Filter{Terms: Query("普工 厨师")}, []int64{}},
		{"employer name", Filter{Terms: Query("顺通")}, []int64{3}},
		{"no words: newest first", Filter{}, []int64{3, 2, 1, 4}},
		{"district", Filter{District: "440307"}, []int64{3, 1}},
		{"district prefix", Filter{District: "4403"}, []int64{3, 2, 1, 4}},
		{"occupation prefix", Filter{Occupation: "6-25"}, []int64{1, 4}},
		{"pay", Filter{PayMin: 6200}, []int64{3, 1}},
		{"pay max", Filter{PayMax: 4500}, []int64{2, 1}},
		{"dorm and meals", Filter{Dorm: true, Meals: true}, []int64{1, 4}},
		{"start", Filter{StartFrom: 101, StartTo: 109}, []int64{2}},
		{"closed", Filter{Today: 121}, []int64{2, 1, 4}},
		{"page", Filter{Offset: 1, Limit: 2}, []int64{2, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ids(ix.Search(tc.f)); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	r := ix.Search(Filter{Terms: Query("普工")})
	if r.Total != 2 || r.Facets.District["440307"] != 1 || r.Facets.District["440306"] != 1 || r.Facets.Dorm != 2 || r.Facets.Occupation["6-25-04-02"] != 1 {
		t.Errorf("facets %+v total %d", r.Facets, r.Total)
	}
	if r.Hits[0].Relevance != weightTitle {
		t.Errorf("relevance %d", r.Hits[0].Relevance)
	}
}

func TestPutReplacesAndRemove(t *testing.T) {
	docs := sampleDocs()
	ix := mustIndex(t, docs...)
	d := docs[0]
	d.Title, d.Description = "仓库分拣员", "分拣快递"
	ix.Put(d)
	if got := ids(ix.Search(Filter{Terms: Query("普工")})); !slices.Equal(got, []int64{4}) {
		t.Errorf("after update: %v", got)
	}
	if got := ids(ix.Search(Filter{Terms: Query("分拣")})); !slices.Equal(got, []int64{1}) {
		t.Errorf("after update: %v", got)
	}
	if !ix.Remove(4) || ix.Remove(4) {
		t.Error("Remove")
	}
	ix.Put(Doc{ID: 9, Title: "普工", Published: 1})
	if got := ids(ix.Search(Filter{Terms: Query("普工")})); !slices.Equal(got, []int64{9}) {
		t.Errorf("slot reuse: %v", got)
	}
	if ix.Len() != 4 {
		t.Errorf("Len %d", ix.Len())
	}
}

// TestIntersection checks the galloping intersection against a plain one.
func TestIntersection(t *testing.T) {
	ix := NewIndex()
	for i := range 3000 {
		title := ""
		if i%2 == 0 {
			title += "普工 "
		}
		if i%3 == 0 {
			title += "保安 "
		}
		if i%7 == 0 {
			title += "司机 "
		}
		ix.Put(Doc{ID: int64(i + 1), Title: title, Published: int64(i)})
	}
	r := ix.Search(Filter{Terms: Query("普工 保安 司机"), Limit: 100})
	var want []int64
	for i := 2999; i >= 0; i-- {
		if i%42 == 0 {
			want = append(want, int64(i+1))
		}
	}
	if got := ids(r); !slices.Equal(got, want) || r.Total != len(want) {
		t.Errorf("got %v (total %d), want %v", got, r.Total, want)
	}
}

func BenchmarkSearch(b *testing.B) {
	ix := NewIndex()
	words := []string{"普工", "保安", "司机", "厨师", "分拣员", "电工", "焊工", "保洁"}
	for i := range 100_000 {
		ix.Put(Doc{ID: int64(i + 1), Title: words[i%len(words)] + " 长期工", Employer: fmt.Sprintf("深圳市第%d电子有限公司", i%3000),
			Description: "包吃包住，两班倒", District: fmt.Sprintf("4403%02d", i%10), Occupation: "6-25-04-07", PayMax: 4000 + i%4000, Published: int64(i)})
	}
	b.ResetTimer()
	for b.Loop() {
		ix.Search(Filter{Terms: Query("普工 包吃包住"), District: "440307", PayMin: 5000})
	}
}
