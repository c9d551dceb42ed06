package demo

import (
	"context"
	"math/rand/v2"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/epidemic"
	"easyjob/internal/store"
)

// The demo's case reports: every twinned county and Shenzhen district
// reports from 20 January to 30 April 2020, each in one of a few shapes so
// the table and the map show every state on 30 April — clear since
// February (long streaks), an early outbreak, a late cluster (high), a
// county with missing days and one that stopped reporting — with late
// reports and corrections (a zero corrected to a positive and back). The
// demo station's own county also reports for the last 45 days up to
// yesterday, so its current level comes from the reports.

// Demo series dates.
var (
	epiFrom = easyjob.NewDate(2020, 1, 20)
	epiTo   = easyjob.NewDate(2020, 4, 30)
)

// series shapes, assigned round the regions in code order.
const (
	shapeClear     = iota // no case at all: a streak from the first day
	shapeEarly            // cases until mid-February, then clear
	shapeLate             // clear, then a cluster from 20 April: high at the end
	shapeGaps             // cases in February, clear, a missing day on 20 April
	shapeStopped          // cases in February, clear, no reports after 15 April
	shapeCorrected        // a day corrected to a positive and back; late reports
	shapes
)

// epiDay is one day's counts in a region.
type epiDay struct{ confirmed, suspected, admitted, discharged, excluded int }

func loadEpidemic(ctx context.Context, s *store.Store, station string, now time.Time, seed int64) (int, error) {
	var officer, stationUser int64
	s.DB.R.QueryRowContext(ctx, `SELECT id FROM users WHERE username = $1`, OfficerUser).Scan(&officer)
	s.DB.R.QueryRowContext(ctx, `SELECT id FROM users WHERE username = $1`, StationUser).Scan(&stationUser)
	rng := rand.New(rand.NewPCG(uint64(seed), 2020))
	e := &epidemic.Service{S: s}
	rule := epidemic.DefaultRule
	var out []epidemic.SeedReport
	put := func(code string, d easyjob.Date, v epidemic.ReportInput, at time.Time, by int64) {
		out = append(out, epidemic.SeedReport{Region: code, Day: d, Input: v, At: at, By: by})
	}
	onTime := func(d easyjob.Date) time.Time { return rule.Deadline(d).Add(-time.Duration(1+rng.IntN(5)) * time.Hour) }
	lateAt := func(d easyjob.Date) time.Time { return rule.Deadline(d).Add(time.Duration(2+rng.IntN(30)) * time.Hour) }
	for i, code := range epidemic.Regions() {
		shape := i % shapes
		hosp := 0
		for d := epiFrom; !d.After(epiTo); d = d.AddDays(1) {
			day := epiDay{}
			n := epiFrom.DaysUntil(d)
			switch {
			case shape == shapeEarly && n >= 5 && n < 26, (shape == shapeGaps || shape == shapeStopped) && n >= 10 && n < 30:
				if rng.IntN(3) == 0 {
					day.confirmed = 1 + rng.IntN(3)
				}
				if rng.IntN(3) == 0 {
					day.suspected = 1 + rng.IntN(2)
				}
			case shape == shapeLate && !d.Before(easyjob.NewDate(2020, 4, 20)) && rng.IntN(2) == 0:
				day.confirmed = 1 + rng.IntN(4)
			}
			day.admitted = day.confirmed
			day.excluded = day.suspected // resolved at once in the demo
			if hosp > 0 && n >= 12 && rng.IntN(3) == 0 {
				day.discharged = min(hosp+day.admitted, 1+rng.IntN(3))
			}
			if hosp > 0 && n >= 35 && shape != shapeLate { // everyone home by early March
				day.discharged = hosp + day.admitted
			}
			if shape == shapeLate && d.After(easyjob.NewDate(2020, 4, 20)) {
				day.discharged = 0
			}
			hosp += day.admitted - day.discharged
			v := epidemic.ReportInput{NewConfirmed: epidemic.V(int64(day.confirmed)), NewSuspected: epidemic.V(int64(day.suspected)),
				InHospital: epidemic.V(int64(hosp)), Admitted: epidemic.V(int64(day.admitted)), Discharged: epidemic.V(int64(day.discharged)),
				Deaths: epidemic.V(0), Excluded: epidemic.V(int64(day.excluded))}
			switch {
			case shape == shapeGaps && (d == easyjob.NewDate(2020, 4, 20) || d == easyjob.NewDate(2020, 3, 3)):
				continue // missing days
			case shape == shapeGaps && d == easyjob.NewDate(2020, 3, 20):
				v.InHospital = epidemic.Missing // a value missing: the day is not clear
			case shape == shapeStopped && d.After(easyjob.NewDate(2020, 4, 15)):
				continue
			}
			at := onTime(d)
			if rng.IntN(12) == 0 {
				at = lateAt(d)
			}
			put(code, d, v, at, officer)
			if shape == shapeCorrected && d == easyjob.NewDate(2020, 3, 10) {
				// A typing error: a zero day reported with a case, corrected
				// next day, then a second correction of a note.
				bad := v
				bad.NewConfirmed = epidemic.V(1)
				put(code, d, bad, at.Add(time.Hour), officer)
				v.Note = "更正：误填"
				put(code, d, v, at.Add(26*time.Hour), officer)
			}
		}
	}
	// The demo station's county: the last 45 days, clear, one late and one
	// corrected report.
	today := easyjob.DateOf(now)
	for d := today.AddDays(-45); d.Before(today); d = d.AddDays(1) {
		v := epidemic.ReportInput{NewConfirmed: epidemic.V(0), NewSuspected: epidemic.V(0), InHospital: epidemic.V(0),
			Admitted: epidemic.V(0), Discharged: epidemic.V(0), Deaths: epidemic.V(0)}
		at := onTime(d)
		if d == today.AddDays(-10) {
			at = lateAt(d)
		}
		if at.After(now) {
			continue // yesterday's report not made yet
		}
		if d == today.AddDays(-20) {
			first := v
			first.InHospital = epidemic.Missing
			put(station, d, first, at, stationUser)
			at = at.Add(2 * time.Hour)
		}
		put(station, d, v, at, stationUser)
	}
	if err := e.Seed(ctx, out); err != nil {
		return 0, err
	}
	return len(out), nil
}
