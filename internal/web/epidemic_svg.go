package web

import (
	"math"

	"easyjob/internal/epidemic"
	"easyjob/internal/epidemic/zeros"
	"easyjob/internal/region"
)

// The map and the chart are small SVG written here rather than drawn with
// gonum/plot: the map is a handful of labelled, linked points whose
// colours come from CSS classes, and the chart a row of bars with a band
// for the streak and a mark for each missing day; both must be links and
// text a screen reader and a 360-px phone can use, which plot's canvas
// output (absolute-positioned glyphs, no links, its own fonts) is not.
// See docs/EPIDEMIC.md.

// svgMap is the regions as points at their seats of government.
type svgMap struct {
	W, H   int
	Points []svgPoint
}

type svgPoint struct {
	X, Y, R float64
	Code    string
	Name    string
	Class   string // the state: three_zeros, unknown, not_zeros, no_reports
	Level   string
	Days    int
	LabelX  float64
}

// mapOf projects the regions' points (equirectangular, scaled by the
// cosine of the middle latitude) into a 340 × 220 box.
func mapOf(sts []epidemic.Status) svgMap {
	const w, h, pad = 340.0, 220.0, 14.0
	m := svgMap{W: int(w), H: int(h)}
	type pt struct {
		s        epidemic.Status
		lat, lng float64
	}
	var pts []pt
	minLat, maxLat, minLng, maxLng := 90.0, -90.0, 180.0, -180.0
	for _, s := range sts {
		p, _, ok := region.Locate(s.Region)
		if !ok {
			continue
		}
		pts = append(pts, pt{s, p.Lat, p.Lng})
		minLat, maxLat = math.Min(minLat, p.Lat), math.Max(maxLat, p.Lat)
		minLng, maxLng = math.Min(minLng, p.Lng), math.Max(maxLng, p.Lng)
	}
	if len(pts) == 0 {
		return m
	}
	k := math.Cos((minLat + maxLat) / 2 * math.Pi / 180)
	spanX, spanY := math.Max((maxLng-minLng)*k, 0.01), math.Max(maxLat-minLat, 0.01)
	scale := math.Min((w-2*pad)/spanX, (h-2*pad)/spanY)
	for _, p := range pts {
		x := pad + (p.lng-minLng)*k*scale
		y := h - pad - (p.lat-minLat)*scale
		r := 4.0
		if p.s.ThreeZeros {
			r = 4 + math.Min(float64(p.s.StreakDays), 60)/12
		}
		m.Points = append(m.Points, svgPoint{X: round1(x), Y: round1(y), R: round1(r), Code: p.s.Region, Name: p.s.Name,
			Class: string(p.s.State), Level: string(p.s.RiskLevel), Days: p.s.StreakDays, LabelX: round1(x + r + 2)})
	}
	return m
}

// svgChart is a region's days as bars: new confirmed and new suspected
// stacked, a green mark for a zero day, a grey one for a missing day.
type svgChart struct {
	W, H int
	Max  int
	Bars []svgBar
	Base float64
}

type svgBar struct {
	X, W           float64
	CY, CH, SY, SH float64 // confirmed and suspected rectangles
	Class          string  // zero, positive, missing
	Day            string
	Title          string
	Streak         bool
}

func chartOf(days []epidemic.Day) svgChart {
	const w, h, top, bottom = 340.0, 140.0, 8.0, 16.0
	c := svgChart{W: int(w), H: int(h), Base: h - bottom}
	if len(days) == 0 {
		return c
	}
	mx := 1
	for _, d := range days {
		if d.Current != nil {
			mx = max(mx, val(d.Current.Values.NewConfirmed)+val(d.Current.Values.NewSuspected))
		}
	}
	c.Max = mx
	bw := w / float64(len(days))
	unit := (h - top - bottom) / float64(mx)
	// days are newest first; draw oldest on the left.
	for i := range days {
		d := days[len(days)-1-i]
		b := svgBar{X: round1(float64(i) * bw), W: round1(math.Max(bw-1, 1)), Class: string(d.Class), Day: d.Day.String(), Streak: d.Streak.Holds()}
		if d.Current != nil {
			cn, sn := val(d.Current.Values.NewConfirmed), val(d.Current.Values.NewSuspected)
			b.CH, b.SH = round1(float64(cn)*unit), round1(float64(sn)*unit)
			b.CY = round1(c.Base - b.CH)
			b.SY = round1(b.CY - b.SH)
		}
		b.Title = d.Day.String()
		c.Bars = append(c.Bars, b)
	}
	return c
}

func val(c zeros.Count) int {
	if c == nil {
		return 0
	}
	return *c
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }
