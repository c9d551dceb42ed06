package briefing

import (
	"context"
	"strings"

	"easyjob/internal/easyjob"
	"easyjob/internal/epidemic"
	"easyjob/internal/epidemic/zeros"
	"easyjob/internal/i18n"
	"easyjob/internal/support"
)

// Provider writes a system's items of a day's briefing. Each system has one;
// adding a system adds a provider to Service.Providers and touches no other.
// Texts come from the message catalogue (briefing.item.<name>…) with the
// figures filled in, in the language asked for.
type Provider interface {
	Name() string
	Items(ctx context.Context, day easyjob.Date, lang string) ([]Item, error)
}

// Figure is one number of an item, frozen when the briefing is published.
type Figure struct {
	Key   string `json:"key"`
	Value int64  `json:"value"`
}

// city is the reader a provider counts for: the whole city.
func city(lang string) easyjob.Actor {
	return easyjob.Actor{Role: easyjob.RoleOfficer, Region: easyjob.CityRegion, Scope: easyjob.ScopeAll, Lang: lang}
}

// item writes an item from the catalogue: key names the text, the figures
// fill its placeholders (thousands separated), extra adds words.
func (s *Service) item(lang, provider, key, link string, figs []Figure, extra ...any) Item {
	var kv []any
	for _, f := range figs {
		kv = append(kv, f.Key, i18n.Thousands(f.Value))
	}
	kv = append(kv, extra...)
	return Item{Provider: provider, Body: s.Cat.T(lang, key, kv...), Source: s.Cat.T(lang, "briefing.source."+provider), Link: link, Figures: figs}
}

func dashLink(from, to easyjob.Date, group string) string {
	l := "/officer/dashboard?from=" + from.String() + "&to=" + to.String()
	if group != "" {
		l += "&group_by=" + group
	}
	return l
}

// HiringProvider writes the programme's totals: registered, applied, offered, accepted.
type HiringProvider struct{ S *Service }

func (HiringProvider) Name() string { return "hiring" }

func (p HiringProvider) Items(ctx context.Context, day easyjob.Date, lang string) ([]Item, error) {
	f, err := p.S.Day(ctx, city(lang), day, "")
	if err != nil {
		return nil, err
	}
	t := f.ToDate
	figs := []Figure{{"registered", t.Registered}, {"poor", f.Poor.Registered}, {"registered_on_day", f.OnDay.Registered},
		{"applied", t.Applied}, {"offered", t.Offered}, {"accepted", t.Accepted}}
	return []Item{p.S.item(lang, "hiring", "briefing.item.hiring", dashLink(FirstDay, day, "origin_county"), figs, "day", day.String())}, nil
}

// ArrivalsProvider writes the day's departures, arrivals and onboardings.
type ArrivalsProvider struct{ S *Service }

func (ArrivalsProvider) Name() string { return "arrivals" }

func (p ArrivalsProvider) Items(ctx context.Context, day easyjob.Date, lang string) ([]Item, error) {
	f, err := p.S.Day(ctx, city(lang), day, "")
	if err != nil {
		return nil, err
	}
	figs := []Figure{{"departed_on_day", f.OnDay.Departed}, {"arrived_on_day", f.OnDay.Arrived}, {"onboarded_on_day", f.OnDay.Onboarded},
		{"arrived", f.ToDate.Arrived}, {"poor_arrived", f.Poor.Arrived}, {"onboarded", f.ToDate.Onboarded}}
	return []Item{p.S.item(lang, "arrivals", "briefing.item.arrivals", dashLink(day, day, "district"), figs, "day", day.String())}, nil
}

// CharterProvider writes the day's charters, when any left.
type CharterProvider struct{ S *Service }

func (CharterProvider) Name() string { return "charters" }

func (p CharterProvider) Items(ctx context.Context, day easyjob.Date, lang string) ([]Item, error) {
	c, err := p.S.Charters(ctx, city(lang), Query{From: day, To: day})
	if err != nil || c.Buses == 0 {
		return nil, err
	}
	figs := []Figure{{"buses", c.Buses}, {"seats", c.Seats}, {"used", c.Used}, {"no_show", c.NoShow}}
	return []Item{p.S.item(lang, "charters", "briefing.item.charters", "/officer/charters", figs, "day", day.String())}, nil
}

// RetentionProvider writes who stayed 30, 90 and 180 days, as of the day.
type RetentionProvider struct{ S *Service }

func (RetentionProvider) Name() string { return "retention" }

func (p RetentionProvider) Items(ctx context.Context, day easyjob.Date, lang string) ([]Item, error) {
	f, err := p.S.Day(ctx, city(lang), day, "")
	if err != nil || f.ToDate.Arrived == 0 {
		return nil, err
	}
	t := f.ToDate
	figs := []Figure{{"retained_30", t.Retained30}, {"retained_90", t.Retained90}, {"retained_180", t.Retained180}, {"retained_30_on_day", f.OnDay.Retained30}}
	return []Item{p.S.item(lang, "retention", "briefing.item.retention", dashLink(FirstDay, day, "week"), figs, "day", day.String())}, nil
}

// EpidemicProvider writes the day's changes in the counties' and districts'
// case reports: three zeros reached, risk levels changed (epidemic.Events).
type EpidemicProvider struct {
	S *Service
	E *epidemic.Service
}

func (EpidemicProvider) Name() string { return "epidemic" }

func (p EpidemicProvider) Items(ctx context.Context, day easyjob.Date, lang string) ([]Item, error) {
	if p.E == nil {
		return nil, nil
	}
	evs, err := p.E.Events(ctx, day, day)
	if err != nil {
		return nil, err
	}
	var reached []string
	var changed int64
	for _, e := range evs {
		switch string(e.Kind) {
		case string(zeros.Reached):
			reached = append(reached, e.Name)
		case string(zeros.RiskChanged):
			changed++
		}
	}
	if len(reached) == 0 && changed == 0 {
		return nil, nil
	}
	names := strings.Join(reached, p.S.Cat.T(lang, "briefing.list_sep"))
	if names == "" {
		names = "—"
	}
	figs := []Figure{{"three_zeros_reached", int64(len(reached))}, {"risk_changed", changed}}
	return []Item{p.S.item(lang, "epidemic", "briefing.item.epidemic", "/officer/epidemic?as_of="+day.String(), figs, "day", day.String(), "names", names)}, nil
}

// SupportProvider writes the enterprise-support measures' figures as of the
// day (support.Stats, summed over the measures).
type SupportProvider struct {
	S   *Service
	Sup *support.Service
}

func (SupportProvider) Name() string { return "support" }

func (p SupportProvider) Items(ctx context.Context, day easyjob.Date, lang string) ([]Item, error) {
	if p.Sup == nil {
		return nil, nil
	}
	st, err := p.Sup.Stats(ctx, city(lang), day)
	if err != nil {
		return nil, err
	}
	var applied, obtained, open, overdue int64
	for _, m := range st {
		applied += int64(m.Applied)
		obtained += int64(m.Obtained)
		open += int64(m.OpenTickets)
		overdue += int64(m.OverdueTickets)
	}
	if applied+obtained+open == 0 {
		return nil, nil
	}
	figs := []Figure{{"applied", applied}, {"obtained", obtained}, {"open_tickets", open}, {"overdue_tickets", overdue}}
	return []Item{p.S.item(lang, "support", "briefing.item.support", "/officer/support", figs, "day", day.String())}, nil
}

// WithSystems adds the providers of the retention, epidemic and support
// systems (the app calls it; tests may leave them out).
func (s *Service) WithSystems(e *epidemic.Service, sup *support.Service) *Service {
	s.Providers = append(s.Providers, RetentionProvider{s}, EpidemicProvider{s, e}, SupportProvider{s, sup})
	return s
}
