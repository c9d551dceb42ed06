package briefing

import (
	"context"
	"sort"

	"easyjob/internal/easyjob"
	"easyjob/internal/store"
)

// DayCount is one day's figure of a line.
type DayCount struct {
	Day easyjob.Date `json:"day"`
	N   int64        `json:"n"`
}

// Daily is the line of a step by the day it was reached (arrivals by the day
// they arrived), for every day from…to, within the query's filters; the
// days are those of the step, not of registration.
func (s *Service) Daily(ctx context.Context, a easyjob.Actor, q Query, step string) (_ []DayCount, err error) {
	defer func() { err = store.Wrap(err, "briefing.Daily") }()
	if err := q.Check(easyjob.DateOf(s.S.Now())); err != nil {
		return nil, err
	}
	if err := mayRead(a, q); err != nil {
		return nil, err
	}
	if !contains(Steps, step) {
		return nil, easyjob.Errorf(easyjob.EINVALID, "briefing.field.step")
	}
	if err := s.fresh(ctx); err != nil {
		return nil, err
	}
	var got []DayCount
	scan := func(r store.Scanner) (DayCount, error) {
		var n int
		var c DayCount
		err := r.Scan(&n, &c.N)
		c.Day = dateOf(n)
		return c, err
	}
	if q.Employer != 0 || q.Trade != "" {
		w := filter(a, q, step, true, "district")
		got, err = store.Select(ctx, s.S.DB.R, scan, `SELECT `+step+`, COUNT(*) FROM briefing_facts`+w.SQL()+` GROUP BY `+step, w.Args()...)
	} else {
		w := filter(a, q, "day", false, "district")
		w.Add("step = ?", step)
		got, err = store.Select(ctx, s.S.DB.R, scan, `SELECT day, SUM(n) FROM briefing_flow`+w.SQL()+` GROUP BY day`, w.Args()...)
	}
	if err != nil {
		return nil, err
	}
	by := map[easyjob.Date]int64{}
	for _, c := range got {
		by[c.Day] = c.N
	}
	var out []DayCount
	for d := q.From; !d.After(q.To); d = d.AddDays(1) {
		out = append(out, DayCount{Day: d, N: by[d]})
	}
	return out, nil
}

// Figures are a day's figures in a scope: what happened that day, and the
// programme's totals as of that day (everything reached on or before it).
type Figures struct {
	Day    easyjob.Date `json:"day"`
	OnDay  Counts       `json:"on_day"`
	ToDate Counts       `json:"to_date"`
	Poor   Counts       `json:"poor_to_date"`
}

// Day reads a day's figures in the actor's scope (and region, "" for all of
// it). The briefing's hiring items are written from them, and the
// dashboard shows them for its last day.
func (s *Service) Day(ctx context.Context, a easyjob.Actor, d easyjob.Date, reg string) (_ Figures, err error) {
	defer func() { err = store.Wrap(err, "briefing.Day") }()
	q := Query{From: FirstDay, To: d, Region: reg}
	if err := mayRead(a, q); err != nil {
		return Figures{}, err
	}
	if err := s.fresh(ctx); err != nil {
		return Figures{}, err
	}
	f := Figures{Day: d}
	type part struct {
		day  int
		step string
		poor bool
		n    int64
	}
	scan := func(r store.Scanner) (part, error) {
		var p part
		return p, r.Scan(&p.day, &p.step, &p.poor, &p.n)
	}
	w := filter(a, q, "day", false, "district")
	ps, err := store.Select(ctx, s.S.DB.R, scan, `SELECT CASE WHEN day = `+w.Arg(dayNumber(d))+` THEN 1 ELSE 0 END, step, poor, SUM(n) FROM briefing_flow`+w.SQL()+
		` GROUP BY 1, step, poor`, w.Args()...)
	if err != nil {
		return f, err
	}
	w2 := filter(a, q, "reg_day", false, "")
	rs, err := store.Select(ctx, s.S.DB.R, scan, `SELECT CASE WHEN reg_day = `+w2.Arg(dayNumber(d))+` THEN 1 ELSE 0 END, 'registered', poor, SUM(n) FROM briefing_registered`+w2.SQL()+
		` GROUP BY 1, poor`, w2.Args()...)
	if err != nil {
		return f, err
	}
	for _, p := range append(ps, rs...) {
		i := indexOf(StepNames, p.step)
		if i < 0 {
			continue
		}
		*f.ToDate.At(i) += p.n
		if p.day == 1 {
			*f.OnDay.At(i) += p.n
		}
		if p.poor {
			*f.Poor.At(i) += p.n
		}
	}
	return f, nil
}

func indexOf(xs []string, x string) int {
	for i, y := range xs {
		if x == y {
			return i
		}
	}
	return -1
}

// Medians are the medians of days from registration to an offer and to
// arrival, for all and for the registered-poor; nil where nobody got there.
type Medians struct {
	ToOffer, ToArrival         *float64
	PoorToOffer, PoorToArrival *float64
}

// Medians reads the medians of a query's applications.
func (s *Service) Medians(ctx context.Context, a easyjob.Actor, q Query) (_ Medians, err error) {
	defer func() { err = store.Wrap(err, "briefing.Medians") }()
	if err := mayRead(a, q); err != nil {
		return Medians{}, err
	}
	var m Medians
	for _, step := range []string{"offered", "arrived"} {
		// By employer or trade, the facts; else their sums by days.
		w := filter(a, q, "reg_day", true, "district")
		w.Add(step + " > 0")
		query := `SELECT ` + step + ` - reg_day, poor, COUNT(*) FROM briefing_facts` + w.SQL() + ` GROUP BY ` + step + ` - reg_day, poor`
		if q.Employer == 0 && q.Trade == "" {
			w = filter(a, q, "reg_day", false, "district")
			w.Add("step = ?", step)
			query = `SELECT days, poor, SUM(n) FROM briefing_delays` + w.SQL() + ` GROUP BY days, poor`
		}
		type bin struct {
			d    int
			poor bool
			n    int64
		}
		bins, err := store.Select(ctx, s.S.DB.R, func(r store.Scanner) (bin, error) {
			var b bin
			return b, r.Scan(&b.d, &b.poor, &b.n)
		}, query, w.Args()...)
		if err != nil {
			return m, err
		}
		all, poor := map[int]int64{}, map[int]int64{}
		for _, b := range bins {
			all[b.d] += b.n
			if b.poor {
				poor[b.d] += b.n
			}
		}
		if step == "offered" {
			m.ToOffer, m.PoorToOffer = median(all), median(poor)
		} else {
			m.ToArrival, m.PoorToArrival = median(all), median(poor)
		}
	}
	return m, nil
}

// median of a histogram of days; the mean of the two middle values when
// the count is even.
func median(h map[int]int64) *float64 {
	var ds []int
	var n int64
	for d, k := range h {
		ds = append(ds, d)
		n += k
	}
	if n == 0 {
		return nil
	}
	sort.Ints(ds)
	at := func(i int64) int {
		for _, d := range ds {
			if i < h[d] {
				return d
			}
			i -= h[d]
		}
		return ds[len(ds)-1]
	}
	v := float64(at((n-1)/2)+at(n/2)) / 2
	return &v
}

// Charters are the charters that left from…to from the origin counties of
// the scope: buses, seats offered, seats used (boarded), riders who did
// not show.
type Charters struct {
	Buses  int64 `json:"buses"`
	Seats  int64 `json:"seats"`
	Used   int64 `json:"used"`
	NoShow int64 `json:"no_show"`
}

// Charters reads the charter figures of a query (its dates and its region,
// when that is an origin county).
func (s *Service) Charters(ctx context.Context, a easyjob.Actor, q Query) (_ Charters, err error) {
	defer func() { err = store.Wrap(err, "briefing.Charters") }()
	if err := mayRead(a, q); err != nil {
		return Charters{}, err
	}
	var c Charters
	w := &store.Where{}
	w.Add("c.status <> 'cancelled' AND c.depart_at >= ? AND c.depart_at < ?",
		easyjob.Millis(q.From.Time().Add(-8*3600e9)), easyjob.Millis(q.To.AddDays(1).Time().Add(-8*3600e9)))
	w.Scope(a.Scope, "p.county", "")
	if q.Region != "" {
		w.Add("p.county LIKE ?", q.Region+"%")
	}
	err = s.S.DB.R.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(c.allowed), 0) FROM charters c JOIN pickup_points p ON p.id = c.pickup_point_id`+w.SQL(), w.Args()...).Scan(&c.Buses, &c.Seats)
	if err != nil {
		return c, err
	}
	err = s.S.DB.R.QueryRowContext(ctx, `SELECT COALESCE(SUM(CASE WHEN t.status = 'boarded' THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN t.status = 'no_show' THEN 1 ELSE 0 END), 0)
		FROM charter_seats t JOIN charters c ON c.id = t.charter_id JOIN pickup_points p ON p.id = c.pickup_point_id`+w.SQL(), w.Args()...).Scan(&c.Used, &c.NoShow)
	return c, err
}
