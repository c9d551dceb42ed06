package briefing

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/occupation"
	"easyjob/internal/region"
	"easyjob/internal/store"
)

// MaxRange is the longest range of days a dashboard reads.
const MaxRange = 400

// FirstDay is the earliest day a range may start: a year before the programme began (2020).
var FirstDay = easyjob.NewDate(2019, 1, 1)

// Groupings of the funnel.
var Groupings = []string{"origin_county", "prefecture", "province", "district", "employer", "trade", "week"}

// Query says which funnel to read: seekers registered from…to (both
// included), optionally only of a region (an origin county, prefecture or
// province, or a Shenzhen district), an employer or a trade, grouped by one
// of Groupings ("" for the total only).
type Query struct {
	From, To easyjob.Date
	Region   string
	Employer int64
	Trade    string
	GroupBy  string
}

// ParseQuery reads a query from request parameters (from, to, region,
// employer, trade, group_by); the range defaults to the 90 days to today.
// A field that is wrong is named in a 422.
func ParseQuery(get func(string) string, today easyjob.Date) (Query, error) {
	q := Query{Region: strings.TrimSpace(get("region")), Trade: strings.TrimSpace(get("trade")), GroupBy: strings.TrimSpace(get("group_by"))}
	f := easyjob.Fields{}
	date := func(name string, def easyjob.Date) easyjob.Date {
		s := strings.TrimSpace(get(name))
		if s == "" {
			return def
		}
		d, err := easyjob.ParseDate(s)
		if err != nil {
			f.Add(name, "field.date_invalid")
		}
		return d
	}
	q.To = date("to", today)
	q.From = date("from", q.To.AddDays(-89))
	if e := strings.TrimSpace(get("employer")); e != "" {
		id, err := strconv.ParseInt(e, 10, 64)
		if err != nil || id <= 0 {
			f.Add("employer", "field.id")
		}
		q.Employer = id
	}
	if len(f) > 0 {
		return q, f.Err()
	}
	return q, q.Check(today)
}

// Check validates a query: dates in order, within MaxRange days, not before
// FirstDay nor after today; a known region, trade and grouping.
func (q Query) Check(today easyjob.Date) error {
	f := easyjob.Fields{}
	switch {
	case q.From.IsZero():
		f.Add("from", "field.required")
	case q.From.Before(FirstDay):
		f.Add("from", "briefing.field.too_early", "first", FirstDay.String())
	case q.From.After(today):
		f.Add("from", "field.date_future")
	}
	switch {
	case q.To.IsZero():
		f.Add("to", "field.required")
	case q.To.After(today):
		f.Add("to", "field.date_future")
	case !q.From.IsZero() && q.To.Before(q.From):
		f.Add("to", "briefing.field.reversed")
	case !q.From.IsZero() && q.From.DaysUntil(q.To) >= MaxRange:
		f.Add("to", "briefing.field.range", "max", MaxRange)
	}
	if q.Region != "" && !region.Valid(q.Region) {
		f.Add("region", "field.region")
	}
	if q.Trade != "" && !occupation.Valid(q.Trade) {
		f.Add("trade", "briefing.field.trade")
	}
	if q.GroupBy != "" && !contains(Groupings, q.GroupBy) {
		f.Add("group_by", "briefing.field.group_by")
	}
	return f.Err()
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

// Counts are the funnel's figures.
type Counts struct {
	Registered  int64 `json:"registered"`
	Applied     int64 `json:"applied"`
	Offered     int64 `json:"offered"`
	Accepted    int64 `json:"accepted"`
	Departed    int64 `json:"departed"`
	Arrived     int64 `json:"arrived"`
	Onboarded   int64 `json:"onboarded"`
	Retained30  int64 `json:"retained_30"`
	Retained90  int64 `json:"retained_90"`
	Retained180 int64 `json:"retained_180"`
}

// At is the figure of a step: 0 registered, then Steps.
func (c *Counts) At(i int) *int64 {
	return [...]*int64{&c.Registered, &c.Applied, &c.Offered, &c.Accepted, &c.Departed, &c.Arrived, &c.Onboarded,
		&c.Retained30, &c.Retained90, &c.Retained180}[i]
}

// Values lists the figures in the order of StepNames.
func (c Counts) Values() []int64 {
	out := make([]int64, len(StepNames))
	for i := range out {
		out[i] = *c.At(i)
	}
	return out
}

func (c *Counts) add(o Counts) {
	for i := range StepNames {
		*c.At(i) += *o.At(i)
	}
}

// StepNames are the columns of a funnel: registered, then Steps.
var StepNames = append([]string{"registered"}, Steps...)

// Row is one group's funnel, with the registered-poor seekers' own.
type Row struct {
	Key         string `json:"key"`
	Label       string `json:"label"`
	Registered  int64  `json:"registered"`
	Applied     int64  `json:"applied"`
	Offered     int64  `json:"offered"`
	Accepted    int64  `json:"accepted"`
	Departed    int64  `json:"departed"`
	Arrived     int64  `json:"arrived"`
	Onboarded   int64  `json:"onboarded"`
	Retained30  int64  `json:"retained_30"`
	Retained90  int64  `json:"retained_90"`
	Retained180 int64  `json:"retained_180"`
	// Poor is the same funnel of the registered-poor seekers (建档立卡).
	Poor Counts `json:"poor"`
}

// Counts returns the row's figures.
func (r Row) Counts() Counts {
	return Counts{r.Registered, r.Applied, r.Offered, r.Accepted, r.Departed, r.Arrived, r.Onboarded, r.Retained30, r.Retained90, r.Retained180}
}

func (r *Row) set(c Counts) {
	r.Registered, r.Applied, r.Offered, r.Accepted, r.Departed, r.Arrived, r.Onboarded, r.Retained30, r.Retained90, r.Retained180 =
		c.Registered, c.Applied, c.Offered, c.Accepted, c.Departed, c.Arrived, c.Onboarded, c.Retained30, c.Retained90, c.Retained180
}

// names caches the employers' names (employerNames).
type names struct {
	mu sync.Mutex
	at time.Time
	m  map[int64]string
}

// Outcome is a funnel by group and its total.
type Outcome struct {
	Query Query
	Items []Row
	Total Row
}

// mayRead checks that an officer may read the query's region.
func mayRead(a easyjob.Actor, q Query) error {
	if !a.IsOfficer() {
		return store.Forbidden()
	}
	if q.Region != "" && !a.Scope.County(q.Region) && !a.Scope.District(q.Region) {
		return store.Forbidden()
	}
	return nil
}

// needsFacts tells whether a query cuts by an employer or a trade (its
// "registered" then counts the seekers who applied).
func (q Query) needsFacts() bool {
	return q.Employer != 0 || q.Trade != "" || q.GroupBy == "employer" || q.GroupBy == "trade"
}

// byDistrict tells whether "registered" counts the seekers who applied (a
// district names no registration).
func (q Query) byDistrict() bool {
	return q.GroupBy == "district" || q.Region != "" && region.IsShenzhen(q.Region)
}

// Outcomes reads the funnel of a query, by group and in total.
func (s *Service) Outcomes(ctx context.Context, a easyjob.Actor, q Query) (Outcome, error) {
	b, err := s.Board(ctx, a, q, BoardOf{Groupings: []string{q.GroupBy}})
	if err != nil {
		return Outcome{}, store.Wrap(err, "briefing.Outcomes")
	}
	return b.Outcomes[q.GroupBy], nil
}

// BoardOf says what a Board holds besides the query's filters.
type BoardOf struct {
	// Groupings are the funnels, each by its grouping with its total ("":
	// the total alone).
	Groupings []string
	// Daily is the step of the line by day, "" for none.
	Daily string
	// Medians asks for the medians.
	Medians bool
}

// Board is what a dashboard reads, from one pass over the snapshot.
type Board struct {
	Outcomes map[string]Outcome // by grouping
	Daily    []DayCount
	Medians  Medians
}

// Board reads the funnels of a query by several groupings, a step's line by
// day and the medians, in one pass: what a dashboard's page reads. Each
// funnel is what Outcomes gives for the query grouped by it.
func (s *Service) Board(ctx context.Context, a easyjob.Actor, q Query, of BoardOf) (_ Board, err error) {
	defer func() { err = store.Wrap(err, "briefing.Board") }()
	if err := q.Check(easyjob.DateOf(s.S.Now())); err != nil {
		return Board{}, err
	}
	if err := mayRead(a, q); err != nil {
		return Board{}, err
	}
	daily := -1
	if of.Daily != "" {
		if daily = indexOf(Steps, of.Daily); daily < 0 {
			return Board{}, easyjob.Errorf(easyjob.EINVALID, "briefing.field.step")
		}
	}
	d, release, err := s.view(ctx)
	if err != nil {
		return Board{}, err
	}
	from, to := int32(dayNumber(q.From)), int32(dayNumber(q.To))
	p := pass{from: from, to: to, daily: daily, lineFrom: from, lineTo: to, medians: of.Medians}
	// The total of every grouping is the query's without a grouping: its
	// "registered" counts the registrations unless the filters cut by a
	// district, an employer or a trade; a grouping's rows count the
	// seekers who applied when it is by one of those.
	type funnel struct{ by, total *grouper }
	funnels := map[string]funnel{}
	tq := q
	tq.GroupBy = ""
	total := d.grouperOf("", tq.byDistrict() || tq.needsFacts(), from, to)
	p.groups = append(p.groups, total)
	for _, g := range of.Groupings {
		if _, ok := funnels[g]; ok {
			continue
		}
		gq := q
		gq.GroupBy = g
		f := funnel{total: total}
		if g != "" {
			f.by = d.grouperOf(g, gq.byDistrict() || gq.needsFacts(), from, to)
			p.groups = append(p.groups, f.by)
		}
		funnels[g] = f
	}
	p.run(d, d.selectionOf(a, q))
	release()
	b := Board{Outcomes: map[string]Outcome{}}
	for g, f := range funnels {
		gq := q
		gq.GroupBy = g
		o := Outcome{Query: gq, Total: Row{Key: "total"}}
		if t := f.total.list(); len(t) == 1 {
			o.Total = t[0]
			o.Total.Key = "total"
		}
		if f.by != nil {
			o.Items = f.by.list()
			if err := s.label(ctx, g, o.Items); err != nil {
				return b, err
			}
		}
		b.Outcomes[g] = o
	}
	if daily >= 0 {
		b.Daily = make([]DayCount, 0, len(p.line))
		for i, n := range p.line {
			b.Daily = append(b.Daily, DayCount{Day: q.From.AddDays(i), N: n})
		}
	}
	if of.Medians {
		b.Medians = Medians{ToOffer: p.hist[0][0].median(), PoorToOffer: p.hist[0][1].median(),
			ToArrival: p.hist[1][0].median(), PoorToArrival: p.hist[1][1].median()}
	}
	return b, nil
}

// label names the groups of a grouping (a week's key becomes its Monday).
func (s *Service) label(ctx context.Context, group string, rows []Row) error {
	keys := make([]string, len(rows))
	for i, r := range rows {
		keys[i] = r.Key
	}
	labels, err := s.labels(ctx, group, keys)
	if err != nil {
		return err
	}
	for i := range rows {
		rows[i].Label = labels[rows[i].Key]
		if group == "week" {
			rows[i].Key = dateOf(atoi(rows[i].Key)*7 - 3).String()
		}
	}
	return nil
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// labels names the keys of a grouping.
func (s *Service) labels(ctx context.Context, group string, keys []string) (map[string]string, error) {
	out := map[string]string{}
	switch group {
	case "origin_county", "prefecture", "province", "district":
		for _, k := range keys {
			out[k] = region.Name(k)
		}
	case "trade":
		for _, k := range keys {
			out[k] = occupation.Name(k)
		}
	case "week":
		for _, k := range keys {
			out[k] = dateOf(atoi(k)*7 - 3).String()
		}
	case "employer":
		if len(keys) > 500 { // many: every employer's name, kept for s.Stale
			names, err := s.employerNames(ctx)
			if err != nil {
				return nil, err
			}
			for _, k := range keys {
				out[k] = names[int64(atoi(k))]
			}
			break
		}
		for i := 0; i < len(keys); i += 500 {
			var w store.Where
			ids := make([]int64, 0, 500)
			for _, k := range keys[i:min(i+500, len(keys))] {
				ids = append(ids, int64(atoi(k)))
			}
			inInts(&w, "id", ids)
			xs, err := readNames(ctx, s.S.DB.R, &w)
			if err != nil {
				return nil, err
			}
			for _, x := range xs {
				out[strconv.FormatInt(x.id, 10)] = x.name
			}
		}
	}
	return out, nil
}

// employerNames are every employer's name, read again when older than
// s.Stale (a dashboard by employer lists thousands of them).
func (s *Service) employerNames(ctx context.Context) (map[int64]string, error) {
	c := &s.names
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m != nil && time.Since(c.at) < s.Stale {
		return c.m, nil
	}
	xs, err := readNames(ctx, s.S.DB.R, &store.Where{})
	if err != nil {
		return nil, err
	}
	m := make(map[int64]string, len(xs))
	for _, x := range xs {
		m[x.id] = x.name
	}
	c.m, c.at = m, time.Now()
	return m, nil
}

// employerName is an employer's id and name.
type employerName struct {
	id   int64
	name string
}

// readNames reads the names of the employers w selects.
func readNames(ctx context.Context, q store.Querier, w *store.Where) ([]employerName, error) {
	return store.Select(ctx, q, func(r store.Scanner) (employerName, error) {
		var x employerName
		return x, r.Scan(&x.id, &x.name)
	}, `SELECT id, name FROM employers`+w.SQL(), w.Args()...)
}
