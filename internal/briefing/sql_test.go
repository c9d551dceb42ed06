package briefing

import (
	"context"
	"sort"
	"strings"

	"easyjob/internal/easyjob"
	"easyjob/internal/region"
	"easyjob/internal/store"
)

// The reference of the snapshot's answers: the same figures by SQL over
// briefing_facts and briefing_registered, as the dashboards read them
// before the snapshot (the facts' path of every query). Used by
// TestSnapshotEqualsSQL; no refresh and no snapshot is involved.

// filter is the WHERE of a query on a rollup with the given columns.
func filter(a easyjob.Actor, q Query, dayCol string, facts bool, districtCol string) *store.Where {
	w := &store.Where{}
	w.Add(dayCol+" >= ? AND "+dayCol+" <= ?", dayNumber(q.From), dayNumber(q.To))
	w.Scope(a.Scope, "county", districtCol)
	if q.Region != "" {
		if region.IsShenzhen(q.Region) {
			if districtCol == "" {
				w.Add("1 = 0")
			} else {
				w.Add(districtCol+" LIKE ?", q.Region+"%")
			}
		} else {
			w.Add("county LIKE ?", q.Region+"%")
		}
	}
	if facts {
		if q.Employer != 0 {
			w.Add("employer_id = ?", q.Employer)
		}
		if q.Trade != "" {
			w.Add("trade LIKE ?", q.Trade+"%")
		}
	}
	return w
}

// keyExpr is the SQL of a grouping's key.
func keyExpr(group, dayCol string) string {
	switch group {
	case "origin_county":
		return "county"
	case "prefecture":
		return "SUBSTR(county, 1, 4)"
	case "province":
		return "SUBSTR(county, 1, 2)"
	case "district":
		return "district"
	case "employer":
		return "employer_id"
	case "trade":
		return "trade"
	case "week":
		return "((" + dayCol + " + 3) / 7)" // weeks from Monday
	}
	return "''"
}

// groupSQL is the GROUP BY of a grouping (by poor alone for the total).
func groupSQL(group, dayCol string) string {
	if group == "" {
		return " GROUP BY poor"
	}
	return " GROUP BY " + keyExpr(group, dayCol) + ", poor"
}

// castText makes a key text on both databases.
func castText(expr string) string { return "CAST(" + expr + " AS TEXT)" }

// SQLOutcomes is Outcomes by SQL over the facts.
func (s *Service) SQLOutcomes(ctx context.Context, a easyjob.Actor, q Query) (Outcome, error) {
	if err := mayRead(a, q); err != nil {
		return Outcome{}, err
	}
	out := Outcome{Query: q, Total: Row{Key: "total"}}
	tq := q
	tq.GroupBy = ""
	tot, err := s.sqlGrouped(ctx, a, q, tq)
	if err != nil {
		return out, err
	}
	if t := tot[""]; t != nil {
		out.Total = *t
		out.Total.Key = "total"
	}
	if q.GroupBy != "" {
		rows, err := s.sqlGrouped(ctx, a, q, q)
		if err != nil {
			return out, err
		}
		keys := make([]string, 0, len(rows))
		for k := range rows {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if q.GroupBy == "week" || q.GroupBy == "employer" {
			sort.SliceStable(keys, func(i, j int) bool { return atoi(keys[i]) < atoi(keys[j]) })
		}
		out.Items = []Row{}
		for _, k := range keys {
			out.Items = append(out.Items, *rows[k])
		}
		if err := s.label(ctx, q.GroupBy, out.Items); err != nil {
			return out, err
		}
	}
	return out, nil
}

// sqlGrouped sums the facts of q by the grouping of g: "registered" counts
// the distinct seekers of the facts for a district, an employer or a trade
// (as g, the query with that grouping, asks), else the registrations.
func (s *Service) sqlGrouped(ctx context.Context, a easyjob.Actor, q, g Query) (map[string]*Row, error) {
	type part struct {
		key  string
		poor bool
		c    Counts
	}
	scan := func(r store.Scanner) (part, error) {
		var p part
		ptrs := []any{&p.key, &p.poor}
		for i := range StepNames {
			ptrs = append(ptrs, p.c.At(i))
		}
		return p, r.Scan(ptrs...)
	}
	var sums []string
	for _, st := range Steps {
		sums = append(sums, "SUM(CASE WHEN "+st+" > 0 THEN 1 ELSE 0 END)")
	}
	distinct := g.byDistrict() || g.needsFacts()
	w := filter(a, q, "reg_day", true, "district")
	k, gs := keyExpr(g.GroupBy, "reg_day"), groupSQL(g.GroupBy, "reg_day")
	parts, err := store.Select(ctx, s.S.DB.R, scan, `SELECT `+castText(k)+`, poor, COUNT(DISTINCT seeker_id), `+strings.Join(sums, ", ")+
		` FROM briefing_facts`+w.SQL()+gs, w.Args()...)
	if err != nil {
		return nil, err
	}
	if !distinct {
		for i := range parts {
			parts[i].c.Registered = 0
		}
		w := filter(a, q, "reg_day", false, "")
		regs, err := store.Select(ctx, s.S.DB.R, func(r store.Scanner) (part, error) {
			var p part
			return p, r.Scan(&p.key, &p.poor, &p.c.Registered)
		}, `SELECT `+castText(k)+`, poor, SUM(n) FROM briefing_registered`+w.SQL()+gs, w.Args()...)
		if err != nil {
			return nil, err
		}
		parts = append(parts, regs...)
	}
	rows := map[string]*Row{}
	for _, p := range parts {
		r := rows[p.key]
		if r == nil {
			r = &Row{Key: p.key}
			rows[p.key] = r
		}
		c := r.Counts()
		c.add(p.c)
		r.set(c)
		if p.poor {
			r.Poor.add(p.c)
		}
	}
	return rows, nil
}

// SQLDaily is Daily by SQL over the facts.
func (s *Service) SQLDaily(ctx context.Context, a easyjob.Actor, q Query, step string) ([]DayCount, error) {
	w := filter(a, q, step, true, "district")
	got, err := store.Select(ctx, s.S.DB.R, func(r store.Scanner) (DayCount, error) {
		var n int
		var c DayCount
		err := r.Scan(&n, &c.N)
		c.Day = dateOf(n)
		return c, err
	}, `SELECT `+step+`, COUNT(*) FROM briefing_facts`+w.SQL()+` GROUP BY `+step, w.Args()...)
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

// SQLMedians is Medians by SQL over the facts.
func (s *Service) SQLMedians(ctx context.Context, a easyjob.Actor, q Query) (Medians, error) {
	var m Medians
	for _, step := range DelaySteps {
		w := filter(a, q, "reg_day", true, "district")
		w.Add(step + " > 0")
		type bin struct {
			d    int
			poor bool
			n    int64
		}
		bins, err := store.Select(ctx, s.S.DB.R, func(r store.Scanner) (bin, error) {
			var b bin
			return b, r.Scan(&b.d, &b.poor, &b.n)
		}, `SELECT `+step+` - reg_day, poor, COUNT(*) FROM briefing_facts`+w.SQL()+` GROUP BY `+step+` - reg_day, poor`, w.Args()...)
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

// SQLDay is Day by SQL over the facts and the registrations.
func (s *Service) SQLDay(ctx context.Context, a easyjob.Actor, d easyjob.Date, reg string) (Figures, error) {
	q := Query{From: FirstDay, To: d, Region: reg}
	if err := mayRead(a, q); err != nil {
		return Figures{}, err
	}
	f := Figures{Day: d}
	type part struct {
		on   int
		poor bool
		n    int64
	}
	scan := func(r store.Scanner) (part, error) {
		var p part
		return p, r.Scan(&p.on, &p.poor, &p.n)
	}
	for i, col := range append([]string{"reg_day"}, Steps...) {
		w, table, n := filter(a, q, col, true, "district"), "briefing_facts", "COUNT(*)"
		if i == 0 {
			w, table, n = filter(a, q, col, false, ""), "briefing_registered", "SUM(n)"
		}
		ps, err := store.Select(ctx, s.S.DB.R, scan, `SELECT CASE WHEN `+col+` = `+w.Arg(dayNumber(d))+` THEN 1 ELSE 0 END, poor, `+n+
			` FROM `+table+w.SQL()+` GROUP BY 1, poor`, w.Args()...)
		if err != nil {
			return f, err
		}
		for _, p := range ps {
			*f.ToDate.At(i) += p.n
			if p.on == 1 {
				*f.OnDay.At(i) += p.n
			}
			if p.poor {
				*f.Poor.At(i) += p.n
			}
		}
	}
	return f, nil
}
