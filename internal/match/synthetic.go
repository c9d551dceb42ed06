package match

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// SyntheticNow is the "today" of Synthetic data: a day in the spring 2020
// return-to-work season.
var SyntheticNow = DateOf(time.Date(2020, 2, 20, 0, 0, 0, 0, time.UTC))

// syntheticCodes are real 2022 occupation codes from six middle groups that
// the return-to-work programme hired for: electronics assembly, garments,
// construction, logistics and delivery, hotels and catering, security.
var syntheticCodes = []string{
	"6-25-04-07", "6-25-04-08", "6-25-04-05", "6-25-04-02", "6-25-02-05", "6-25-02-06", "6-25-02-03",
	"6-25-01-11", "6-25-01-13", "6-25-03-00",
	"6-05-01-03", "6-05-01-02", "6-05-01-04", "6-05-04-01", "6-05-02-01",
	"6-29-01-01", "6-29-01-03", "6-29-01-04", "6-29-01-05", "6-29-02-03", "6-29-02-04",
	"4-02-07-08", "4-02-07-09", "4-02-06-02", "4-02-06-01", "4-02-06-04", "4-02-02-02", "4-02-02-01",
	"4-03-02-05", "4-03-02-01", "4-03-02-02", "4-03-01-02", "4-03-01-01", "4-03-01-03",
	"4-07-05-01", "4-07-05-02", "4-07-05-03",
	"6-25-04-09", "6-05-01-05", "4-02-07-04",
}

// syntheticTwinned are the counties Shenzhen assisted (see shared data).
var syntheticTwinned = []string{
	"451026", "451081", "451024", "451003", "451027", "451029", "451028", "451031",
	"451228", "451229", "451223", "451224", "451227", "451225", "451221", "451226", "451222",
	"441521", "441625", "441623",
}

var syntheticDistricts = []string{"440306", "440307", "440309", "440305", "440304", "440311", "440310", "440303", "440308"}

// SyntheticData is a deterministic, realistic-looking instance for tests
// and benchmarks.
type SyntheticData struct {
	Now       Date
	Postings  []Posting
	Seekers   []Seeker
	Villagers []Villagers
}

// zipf draws indices 0..n-1 with probability ∝ 1/(i+1)^s.
type zipf struct{ cdf []float64 }

func newZipf(n int, s float64) zipf {
	z := zipf{cdf: make([]float64, n)}
	sum := 0.0
	for i := range z.cdf {
		sum += 1 / math.Pow(float64(i+1), s)
		z.cdf[i] = sum
	}
	for i := range z.cdf {
		z.cdf[i] /= sum
	}
	return z
}

func (z zipf) draw(r *rand.Rand) int {
	u := r.Float64()
	lo, hi := 0, len(z.cdf)-1
	for lo < hi {
		m := (lo + hi) / 2
		if z.cdf[m] < u {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// Synthetic generates nPostings postings over 40 occupation codes from six
// middle groups with Zipf popularity (s = 1), about nPostings/5 employers,
// nSeekers seekers with 1–3 trades (a second trade is usually in the first
// one's middle group), 70 % of them from twinned counties, and fellow
// villager counts for nPostings/2 employer–county pairs. The same seed gives
// the same data.
func Synthetic(seed int64, nPostings, nSeekers int) *SyntheticData {
	return SyntheticCodes(seed, nPostings, nSeekers, syntheticCodes)
}

// SyntheticCodes is Synthetic over the given occupation codes instead of its
// 40 (say, occupation.CommonBlueCollar(), which spans more middle groups).
// Synthetic(seed, p, s) is SyntheticCodes with Synthetic's codes.
func SyntheticCodes(seed int64, nPostings, nSeekers int, codes []string) *SyntheticData {
	r := rand.New(rand.NewPCG(uint64(seed), 0x65617379))
	now := SyntheticNow
	nCodes := len(codes)
	codeZ := newZipf(nCodes, 1)
	// popularity rank → code, shuffled deterministically
	order := r.Perm(nCodes)
	pick := func() string { return codes[order[codeZ.draw(r)]] }
	distZ := newZipf(len(syntheticDistricts), 0.8)
	twinZ := newZipf(len(syntheticTwinned), 0.7)
	others := make([]string, 180)
	for i := range others {
		// county-level codes of other provinces (Guizhou, Hunan, Jiangxi, Sichuan)
		prov := []int{52, 43, 36, 51}[i%4]
		others[i] = fmt.Sprintf("%02d%02d%02d", prov, 1+i/4%20, 21+i%30)
	}
	nEmp := nPostings/5 + 1
	verified := make([]bool, nEmp)
	for i := range verified {
		verified[i] = r.Float64() < 0.6
	}
	d := &SyntheticData{Now: now, Postings: make([]Posting, nPostings), Seekers: make([]Seeker, nSeekers)}
	for i := range d.Postings {
		emp := r.IntN(nEmp)
		hc := 1 + int(49*math.Pow(r.Float64(), 2))
		p := Posting{
			ID:          int64(i + 1),
			EmployerID:  int64(emp + 1),
			Occupation:  pick(),
			District:    syntheticDistricts[distZ.draw(r)],
			PayMin:      3500 + 100*r.IntN(46),
			Dorm:        r.Float64() < 0.7,
			Meals:       r.Float64() < 0.6,
			Verified:    verified[emp],
			PublishedAt: now - Date(r.IntN(60)),
			StartDate:   now - 5 + Date(r.IntN(41)),
			Headcount:   hc,
			Filled:      r.IntN(hc + 1),
			Open:        r.Float64() < 0.95,
		}
		p.Pending = r.IntN(2*hc + 1)
		if r.Float64() < 0.8 {
			p.ClosingDate = now - 10 + Date(r.IntN(71))
		}
		if r.Float64() < 0.4 {
			p.AgeMin = 18
			p.AgeMax = []int{35, 40, 45, 50}[r.IntN(4)]
		}
		d.Postings[i] = p
	}
	nTrades := 0
	counts := make([]int, nSeekers)
	for i := range counts {
		u := r.Float64()
		switch {
		case u < 0.5:
			counts[i] = 1
		case u < 0.85:
			counts[i] = 2
		default:
			counts[i] = 3
		}
		nTrades += counts[i]
	}
	tradeBuf := make([]string, nTrades)
	for i := range d.Seekers {
		n := counts[i]
		trades := tradeBuf[:n:n]
		tradeBuf = tradeBuf[n:]
		trades[0] = pick()
		for k := 1; k < n; k++ {
			t := pick()
			if r.Float64() < 0.6 {
				for try := 0; try < 20 && t[:4] != trades[0][:4]; try++ {
					t = pick()
				}
			}
			trades[k] = t
		}
		s := Seeker{
			ID:            int64(i + 1),
			Trades:        trades,
			ExpectedPay:   3500 + 100*r.IntN(36),
			WantsDorm:     r.Float64() < 0.75,
			WantsMeals:    r.Float64() < 0.6,
			AvailableFrom: now - 10 + Date(r.IntN(41)),
			Age:           18 + r.IntN(38),
			Experience:    r.IntN(16),
			Active:        r.Float64() < 0.95,
		}
		if r.Float64() < 0.7 {
			s.County = syntheticTwinned[twinZ.draw(r)]
			s.Twinned = true
			s.Poor = r.Float64() < 0.35
		} else {
			s.County = others[r.IntN(len(others))]
			s.Poor = r.Float64() < 0.05
		}
		if r.Float64() < 0.2 {
			s.Group = fmt.Sprintf("%s-%d", s.County, r.IntN(50))
		}
		d.Seekers[i] = s
	}
	seen := map[uint64]bool{}
	for k := 0; k < nPostings/2; k++ {
		emp := r.IntN(nEmp)
		c := r.IntN(len(syntheticTwinned))
		key := uint64(emp)<<8 | uint64(c)
		if seen[key] {
			continue
		}
		seen[key] = true
		d.Villagers = append(d.Villagers, Villagers{EmployerID: int64(emp + 1), County: syntheticTwinned[c], N: 1 + r.IntN(10)})
	}
	return d
}

// Load puts the data into b.
func (d *SyntheticData) Load(b *Builder) error {
	b.Grow(len(d.Postings), len(d.Seekers))
	for _, p := range d.Postings {
		if err := b.UpsertPosting(p); err != nil {
			return err
		}
	}
	for _, s := range d.Seekers {
		if err := b.UpsertSeeker(s); err != nil {
			return err
		}
	}
	for _, v := range d.Villagers {
		if err := b.SetVillagers(v.EmployerID, v.County, v.N); err != nil {
			return err
		}
	}
	return nil
}
