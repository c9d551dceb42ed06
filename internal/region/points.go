package region

import "math"

// Point is a WGS-84 position in degrees.
type Point struct {
	Lat, Lng float64
}

// EarthRadiusKM is the mean Earth radius (IUGG) used by DistanceKM.
const EarthRadiusKM = 6371.0088

// DistanceKM returns the great-circle distance between a and b in kilometres
// (haversine formula on a sphere of radius EarthRadiusKM).
func DistanceKM(a, b Point) float64 {
	const rad = math.Pi / 180
	dLat := (b.Lat - a.Lat) * rad
	dLng := (b.Lng - a.Lng) * rad
	s1 := math.Sin(dLat / 2)
	s2 := math.Sin(dLng / 2)
	h := s1*s1 + math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*s2*s2
	h = min(1, h) // guard against rounding just above 1 for antipodes
	return 2 * EarthRadiusKM * math.Asin(math.Sqrt(h))
}

// PointOf returns the coordinates of the seat of government of code (after Canonical)
// or, when the data has no point of its own for it, of its nearest ancestor that has
// one (street → district → prefecture → province). source is the code whose point was
// used. ok is false for an unknown code.
//
// (The function is not called Point because that name is the type.)
func PointOf(code string) (lat, lng float64, source string, ok bool) {
	p, source, ok := Locate(code)
	return p.Lat, p.Lng, source, ok
}

// Locate is PointOf returning a Point.
func Locate(code string) (p Point, source string, ok bool) {
	t := table()
	c := Canonical(code)
	d, known := t.divs[c]
	for known {
		if p, ok := t.points[d.Code]; ok {
			return p, d.Code, true
		}
		if d.Parent == "" {
			break
		}
		d, known = t.divs[d.Parent]
	}
	return Point{}, "", false
}

// HasOwnPoint reports whether the data has a point for code itself (no fallback).
func HasOwnPoint(code string) bool {
	_, ok := table().points[Canonical(code)]
	return ok
}
