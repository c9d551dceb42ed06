package support_test

import (
	"math/rand/v2"
	"testing"

	"easyjob/internal/easyjob"
	"easyjob/internal/policy"
	"easyjob/internal/support"
)

// synthetic makes n varied profiles: some facts missing, most measures' thresholds on both
// sides.
func synthetic(n int) []policy.Profile {
	r := rand.New(rand.NewPCG(2020, 14))
	districts := []string{"440303", "440304", "440305", "440306", "440307", "440308", "440309", "440310", "440311"}
	landlords := policy.LandlordKeys
	out := make([]policy.Profile, n)
	for i := range out {
		staff := r.IntN(500)
		last := staff + r.IntN(40) - 20
		if last < 0 {
			last = 0
		}
		p := policy.Profile{
			Staff: &staff, StaffSameMonthLastYear: &last, SME: ptr(r.IntN(10) < 8), StateOwned: ptr(r.IntN(10) == 0),
			Industry: "C", District: districts[r.IntN(len(districts))], Activities: []string{},
			EpidemicDifficulty: ptr(r.IntN(2) == 0), Landlord: landlords[r.IntN(len(landlords))],
			MonthlyRentCNY: ptr(float64(r.IntN(100000))), SewageFeeMonthlyCNY: ptr(float64(r.IntN(2000))),
			BasicElectricityChargeMonthlyCNY: ptr(float64(r.IntN(5000))),
			UnemploymentInsuranceLastYearCNY: ptr(float64(r.IntN(100000))),
		}
		if r.IntN(5) == 0 {
			p.SewageFeeMonthlyCNY = nil
		}
		if r.IntN(7) == 0 {
			p.Activities = append(p.Activities, "export")
		}
		out[i] = p
	}
	return out
}

// BenchmarkEvaluateAll: all 16 measures for one enterprise.
func BenchmarkEvaluateAll(b *testing.B) {
	r, err := policy.Default()
	if err != nil {
		b.Fatal(err)
	}
	ps := synthetic(1000)
	d := easyjob.NewDate(2020, 3, 2)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := r.Evaluate(ps[i%len(ps)], d); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSweep100k: the city-wide run of the automatic measures over 100,000 enterprises
// in memory (what RunAutomatic does before it writes).
func BenchmarkSweep100k(b *testing.B) {
	r, err := policy.Default()
	if err != nil {
		b.Fatal(err)
	}
	auto := r.Only(support.AutomaticSlugs()...)
	ps := synthetic(100_000)
	d := easyjob.NewDate(2020, 3, 2)
	b.ResetTimer()
	var grants int
	for b.Loop() {
		grants = 0
		i := 0
		support.Sweep(auto, d, func() (int64, policy.Profile, bool) {
			if i == len(ps) {
				return 0, policy.Profile{}, false
			}
			i++
			return int64(i), ps[i-1], true
		}, func(support.Grant) { grants++ })
	}
	b.ReportMetric(float64(grants), "grants")
}
