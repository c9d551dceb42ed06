package web

import (
	"bytes"
	"html/template"
	"image/color"
	"math"
	"regexp"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"easyjob/internal/briefing"
	"easyjob/internal/easyjob"
	"easyjob/internal/region"
)

// The dashboard's charts. The daily line of arrivals and the retention
// curves are drawn by gonum.org/v1/plot (axes, ticks, lines) as SVG and put
// in the page; their style attributes become presentation attributes, so the
// page keeps to a Content-Security-Policy without inline styles. The funnel
// and the map are written here: the funnel is labelled bars with links-free
// text a screen reader reads, and the map is points at the regions' seats
// sized by arrivals, which plot has no projection or labelled-point layout
// for (see docs/ARCHITECTURE.md). Every chart has its numbers in a table
// next to it.

var styleAttr = regexp.MustCompile(`style="([^"]*)"`)

// inlineSVG turns plot's SVG into markup for the page: no XML prologue, no
// style attributes, scaled to the width of its box.
func inlineSVG(p *plot.Plot, w, h vg.Length, label string) template.HTML {
	c := vgsvg.New(w, h)
	p.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return ""
	}
	s := buf.String()
	if i := strings.Index(s, "<svg"); i >= 0 {
		s = s[i:]
	}
	s = styleAttr.ReplaceAllStringFunc(s, func(m string) string {
		var out []string
		for _, decl := range strings.Split(styleAttr.FindStringSubmatch(m)[1], ";") {
			k, v, ok := strings.Cut(decl, ":")
			if !ok || strings.ContainsAny(v, `"<>&`) {
				continue
			}
			out = append(out, strings.TrimSpace(k)+`="`+strings.TrimSpace(v)+`"`)
		}
		return strings.Join(out, " ")
	})
	// Scale to the box: keep the drawing's viewBox, drop its fixed size.
	s = regexp.MustCompile(`<svg([^>]*?) width="[^"]*" height="[^"]*"`).ReplaceAllString(s,
		`<svg$1 width="100%" role="img" aria-label="`+template.HTMLEscapeString(label)+`" viewBox="0 0 `+
			ftoa(w.Points())+` `+ftoa(h.Points())+`"`)
	return template.HTML(s)
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

var chartBlue = color.RGBA{R: 0x1f, G: 0x5f, B: 0xbf, A: 0xff}

// cohortColour shades the cohorts from light (oldest) to dark (newest).
func cohortColour(i, n int) color.Color {
	t := 0.25 + 0.75*float64(i+1)/float64(max(n, 1))
	return color.RGBA{R: uint8(200 - 170*t), G: uint8(220 - 140*t), B: uint8(240 - 50*t), A: 0xff}
}

// dailyChart is the line of arrivals by day.
func dailyChart(days []briefing.DayCount, label string) template.HTML {
	if len(days) == 0 {
		return ""
	}
	p := plot.New()
	pts := make(plotter.XYs, len(days))
	for i, d := range days {
		pts[i].X = float64(d.Day.Time().Unix())
		pts[i].Y = float64(d.N)
	}
	l, err := plotter.NewLine(pts)
	if err != nil {
		return ""
	}
	l.LineStyle.Width = vg.Points(1.5)
	l.LineStyle.Color = chartBlue
	p.Add(l, plotter.NewGrid())
	p.X.Tick.Marker = plot.TimeTicks{Format: "01-02"}
	p.Y.Min = 0
	return inlineSVG(p, 340, 160, label)
}

// curvesChart draws, for each cohort (a registration week), the share of its
// arrivals still employed after 0, 30, 90 and 180 days.
// A cohort's point at d days is drawn only once d days have passed since
// the week began (before that nobody of it can have stayed so long).
func curvesChart(rows []briefing.Row, today easyjob.Date, label string) template.HTML {
	p := plot.New()
	p.Y.Min, p.Y.Max = 0, 100
	p.X.Min, p.X.Max = 0, 180
	drawn := 0
	for i, r := range rows {
		if r.Arrived == 0 {
			continue
		}
		a := float64(r.Arrived)
		week, err := easyjob.ParseDate(r.Key)
		if err != nil {
			continue
		}
		pts := plotter.XYs{{X: 0, Y: 100}}
		for _, p := range []struct {
			d int
			n int64
		}{{30, r.Retained30}, {90, r.Retained90}, {180, r.Retained180}} {
			if !week.AddDays(p.d).After(today) {
				pts = append(pts, plotter.XY{X: float64(p.d), Y: 100 * float64(p.n) / a})
			}
		}
		if len(pts) < 2 {
			continue
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			continue
		}
		l.LineStyle.Width = vg.Points(1)
		l.LineStyle.Color = cohortColour(i, len(rows))
		p.Add(l)
		drawn++
	}
	if drawn == 0 {
		return ""
	}
	p.Add(plotter.NewGrid())
	p.X.Tick.Marker = plot.ConstantTicks([]plot.Tick{{Value: 0, Label: "0"}, {Value: 30, Label: "30"}, {Value: 90, Label: "90"}, {Value: 180, Label: "180"}})
	return inlineSVG(p, 340, 160, label)
}

// funnelBar is one step of the funnel chart.
type funnelBar struct {
	Y, W, PW float64 // top, width of all, width of the registered-poor
	PY       float64 // top of the registered-poor bar, under the other
	TextX    float64
	TextY    float64
	Inside   bool // the number is written inside the bar
	Step     string
	N, Poor  int64
	Percent  string
}

type funnelChart struct {
	W, H int
	Bars []funnelBar
}

// funnelOf scales the total's steps to bars 0…220 wide.
func funnelOf(t briefing.Row) funnelChart {
	const bw, rowH = 220.0, 22.0
	c := briefing.Row.Counts(t)
	vs := c.Values()
	ps := t.Poor.Values()
	mx := int64(1)
	for _, v := range vs {
		mx = max(mx, v)
	}
	f := funnelChart{W: 340, H: int(rowH * float64(len(vs)))}
	for i, v := range vs {
		b := funnelBar{Y: float64(i) * rowH, W: round1(bw * float64(v) / float64(mx)), PW: round1(bw * float64(ps[i]) / float64(mx)),
			PY: float64(i)*rowH + 14, TextY: float64(i)*rowH + 11, Step: briefing.StepNames[i], N: v, Poor: ps[i]}
		b.TextX, b.Inside = round1(110+b.W+4), b.W >= 150
		if b.Inside {
			b.TextX = 114
		}
		if i > 1 {
			b.Percent = funnelPercent(v, vs[1])
		}
		f.Bars = append(f.Bars, b)
	}
	return f
}

func funnelPercent(n, of int64) string {
	if of == 0 {
		return ""
	}
	return ftoa(math.Round(1000*float64(n)/float64(of))/10) + "%"
}

// arrivalsMap is two panels: the origin counties and Shenzhen's districts,
// each a point at its seat sized by arrivals.
type arrivalsMap struct {
	Counties, Districts svgPanel
}

type svgPanel struct {
	W, H   int
	Points []mapPoint
}

type mapPoint struct {
	X, Y, R, LabelX float64
	Code, Name      string
	N               int64
}

func mapPanel(rows []briefing.Row, w, h float64) svgPanel {
	const pad = 16.0
	pn := svgPanel{W: int(w), H: int(h)}
	type pt struct {
		r        briefing.Row
		lat, lng float64
	}
	var pts []pt
	minLat, maxLat, minLng, maxLng := 90.0, -90.0, 180.0, -180.0
	var mx int64 = 1
	for _, r := range rows {
		p, _, ok := region.Locate(r.Key)
		if !ok || r.Arrived == 0 {
			continue
		}
		pts = append(pts, pt{r, p.Lat, p.Lng})
		minLat, maxLat = math.Min(minLat, p.Lat), math.Max(maxLat, p.Lat)
		minLng, maxLng = math.Min(minLng, p.Lng), math.Max(maxLng, p.Lng)
		mx = max(mx, r.Arrived)
	}
	if len(pts) == 0 {
		return pn
	}
	k := math.Cos((minLat + maxLat) / 2 * math.Pi / 180)
	spanX, spanY := math.Max((maxLng-minLng)*k, 0.01), math.Max(maxLat-minLat, 0.01)
	scale := math.Min((w-2*pad)/spanX, (h-2*pad)/spanY)
	for _, p := range pts {
		x := pad + (p.lng-minLng)*k*scale
		y := h - pad - (p.lat-minLat)*scale
		r := 2 + 10*math.Sqrt(float64(p.r.Arrived)/float64(mx))
		pn.Points = append(pn.Points, mapPoint{X: round1(x), Y: round1(y), R: round1(r), LabelX: round1(x + r + 2), Code: p.r.Key, Name: p.r.Label, N: p.r.Arrived})
	}
	return pn
}
