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
func (s *Service) Daily(ctx context.Context, a easyjob.Actor, q Query, step string) ([]DayCount, error) {
	if step == "" {
		return nil, easyjob.Errorf(easyjob.EINVALID, "briefing.field.step")
	}
	b, err := s.Board(ctx, a, q, BoardOf{Daily: step})
	return b.Daily, store.Wrap(err, "briefing.Daily")
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
	sn, release, err := s.view(ctx)
	if err != nil {
		return Figures{}, err
	}
	defer release()
	f := Figures{Day: d}
	sl := sn.selectionOf(a, q)
	first, day := int32(dayNumber(FirstDay)), int32(dayNumber(d))
	add := func(i int, at int32, poor bool, n int64) {
		if at < first || at > day {
			return
		}
		*f.ToDate.At(i) += n
		if at == day {
			*f.OnDay.At(i) += n
		}
		if poor {
			*f.Poor.At(i) += n
		}
	}
	for i := range sn.rows {
		r := &sn.rows[i]
		if !sl.pass(r) {
			continue
		}
		for j, at := range r.steps {
			add(j+1, int32(at), r.poor, 1)
		}
	}
	for i := range sn.reg {
		if r := &sn.reg[i]; sl.regOK[r.county] {
			add(0, r.day, r.poor, r.n)
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
func (s *Service) Medians(ctx context.Context, a easyjob.Actor, q Query) (Medians, error) {
	b, err := s.Board(ctx, a, q, BoardOf{Medians: true})
	return b.Medians, store.Wrap(err, "briefing.Medians")
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
