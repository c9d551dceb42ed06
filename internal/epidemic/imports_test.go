package epidemic_test

import (
	"context"
	"testing"

	"easyjob/internal/epidemic"
	"easyjob/internal/store/storetest"
)

func row(line int, kv ...string) epidemic.ImportRow {
	r := epidemic.ImportRow{Line: line, Values: map[string]string{}}
	for i := 0; i+1 < len(kv); i += 2 {
		r.Values[kv[i]] = kv[i+1]
	}
	return r
}

// An import is all or nothing; every bad row names its row and column.
func TestImportReports(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		e := &epidemic.Service{S: f.S}
		good := row(2, "region", "451026", "date", "2020-02-28", "new_confirmed", "0", "new_suspected", "0", "in_hospital", "0")
		rows := []epidemic.ImportRow{
			good,
			row(3, "region", "那坡县", "date", "2020-02-29", "new_confirmed", "无", "new_suspected", "", "in_hospital", "-2"),
			row(4, "region", "451024", "date", "2020-02-29"),
			row(5, "region", "451026", "date", "2020-03-09"),
			row(6, "region", "451026", "date", "2020-02-28"),
			row(7, "region", "451026", "date", ""),
		}
		res, err := e.ImportReports(ctx, f.Station, rows)
		if err != nil {
			t.Fatal(err)
		}
		want := map[int]map[string]string{
			3: {"new_confirmed": "epidemic.not_a_number", "in_hospital": "epidemic.count_negative"},
			4: {"region": "epidemic.region_not_yours"},
			5: {"date": "epidemic.date_future"},
			6: {"date": "epidemic.import_duplicate"},
			7: {"date": "field.required"},
		}
		if res.Written != 0 || len(res.Bad) != len(want) {
			t.Fatalf("result %+v", res)
		}
		for _, b := range res.Bad {
			for f, key := range want[b.Line] {
				if b.Errors[f].Key != key {
					t.Errorf("row %d %s: %+v", b.Line, f, b.Errors)
				}
			}
		}
		if days, _ := e.History(ctx, f.Station, "451026", date("2020-02-28"), date("2020-02-28")); !days[0].Missing() {
			t.Fatal("a failed import wrote a row")
		}
		res, err = e.ImportReports(ctx, f.Station, []epidemic.ImportRow{good,
			row(3, "region", "那坡县", "date", "2020-02-29", "new_confirmed", "0", "new_suspected", "", "in_hospital", "1")})
		if err != nil || res.Written != 2 || len(res.Bad) != 0 {
			t.Fatalf("%+v %v", res, err)
		}
		days, _ := e.History(ctx, f.Station, "451026", date("2020-02-28"), date("2020-02-29"))
		if days[0].Current == nil || days[0].Current.Values.NewSuspected != nil || *days[0].Current.Values.InHospital != 1 || days[0].Current.Source != epidemic.SourceImport {
			t.Fatalf("imported %+v", days[0].Current)
		}
	})
}
