package epidemic_test

import (
	"context"
	"errors"
	"testing"

	"easyjob/internal/easyjob"
	"easyjob/internal/epidemic"
	"easyjob/internal/store/storetest"
)

func TestLevel(t *testing.T) {
	for _, tc := range []struct {
		level       epidemic.Level
		valid, high bool
	}{
		{epidemic.Low, true, false},
		{epidemic.Medium, true, false},
		{epidemic.High, true, true},
		{"", false, false},
		{"severe", false, false},
	} {
		if tc.level.Valid() != tc.valid || tc.level.High() != tc.high {
			t.Errorf("%q: valid %v high %v", tc.level, tc.level.Valid(), tc.level.High())
		}
	}
}

func fieldKey(err error, field string) string {
	var e *easyjob.Error
	if errors.As(err, &e) {
		return e.Fields[field].Key
	}
	return ""
}

// A county is at low risk until an officer of it, or of its twinned
// district, sets another level; the latest level counts.
func TestCountyRisk(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		e := &epidemic.Service{S: f.S}
		r, err := e.RiskOf(ctx, "451026")
		if err != nil || r.Level != epidemic.Low || !r.At.IsZero() {
			t.Fatalf("never set: %+v %v", r, err)
		}
		if _, err := e.SetCountyRisk(ctx, f.Station, "451026", epidemic.High); err != nil {
			t.Fatal(err)
		}
		if _, err := e.SetCountyRisk(ctx, f.Longgang, "451026", epidemic.Medium); err != nil {
			t.Fatalf("twinned district: %v", err)
		}
		r, err = e.RiskOf(ctx, "451026")
		if err != nil || r.Level != epidemic.Medium || r.SetBy != f.Longgang.UserID || !r.At.Equal(f.Clock.Now().Truncate(1e6)) {
			t.Fatalf("after two settings: %+v %v", r, err)
		}
		tests := []struct {
			name   string
			a      easyjob.Actor
			county string
			level  epidemic.Level
			field  string
			key    string
		}{
			{"unknown level", f.Station, "451026", "severe", "level", "field.risk_level"},
			{"unknown county", f.Station, "999999", epidemic.Low, "county", "pickup.county_unknown"},
			{"another county", f.Station, "451024", epidemic.Low, "county", "seeker.out_of_region"},
		}
		for _, tc := range tests {
			if _, err := e.SetCountyRisk(ctx, tc.a, tc.county, tc.level); fieldKey(err, tc.field) != tc.key {
				t.Errorf("%s: %v", tc.name, err)
			}
		}
		if _, err := e.SetCountyRisk(ctx, f.Boss, "451026", epidemic.Low); easyjob.ErrorCode(err) != easyjob.EFORBIDDEN {
			t.Errorf("employer sets risk: %v", err)
		}
		if r, _ := e.RiskOf(ctx, "451026"); r.Level != epidemic.Medium {
			t.Fatalf("refused settings changed the level: %+v", r)
		}
	})
}
