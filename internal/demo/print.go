package demo

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"easyjob/internal/easyjob"
)

// Print writes what was loaded and how to sign in.
func Print(w io.Writer, s Summary) {
	if s.Wiped {
		fmt.Fprintln(w, "--force: deleted the earlier accounts and data first.")
	}
	fmt.Fprintf(w, "Loaded the demo data set (seed %d) in %s:\n", s.Seed, s.Elapsed.Round(100*time.Millisecond))
	fmt.Fprintf(w, "  %s employers (%s verified), %s postings (%s published), %s seekers,\n",
		group(int64(s.Employers)), group(int64(s.Verified)), group(int64(s.Postings)), group(int64(s.Published)), group(int64(s.Seekers)))
	fmt.Fprintf(w, "  %s applications with %s events, %s reviews.\n",
		group(int64(s.Applications)), group(int64(s.Events)), group(int64(s.Reviews)))
	var states []string
	for _, st := range easyjob.States {
		states = append(states, fmt.Sprintf("%s %s", st, group(int64(s.States[st]))))
	}
	fmt.Fprintf(w, "  Applications by state: %s.\n\n", strings.Join(states, ", "))

	fmt.Fprintf(w, "Staff and employers sign in at /login with the password %s:\n", strconv.Quote(s.Password))
	for _, a := range s.Accounts {
		var what string
		switch {
		case a.Role == easyjob.RoleAdmin:
			what = "admin"
		case a.Role == easyjob.RoleOfficer && a.Region == easyjob.CityRegion:
			what = "officer, city-wide (region 4403)"
		case a.Role == easyjob.RoleOfficer:
			what = fmt.Sprintf("officer of the %s station (region %s)", countyShort(a.Region), a.Region)
		case a.Role == easyjob.RoleEmployer:
			what = fmt.Sprintf("employer %d, verified", a.EmployerID)
		case a.Role == easyjob.RoleResearcher:
			what = "researcher (shared equipment and challenges, /equipment)"
		case a.Role == easyjob.RoleOrg:
			what = "social organisation staff (goodwill, /goodwill)"
		}
		fmt.Fprintf(w, "  %-14s %s — %s\n", a.Username, what, a.Name)
	}
	if s.Employers > 1 {
		fmt.Fprintf(w, "  Every other demo employer N has an account employer-N with the same password (employer-2 … employer-%d).\n", s.Employers)
	}
	fmt.Fprintf(w, "\nSeekers sign in with a one-time code. The demo seeker %s (%s) has the phone %s:\n",
		s.Seeker.Name, countyShort(s.Seeker.County), s.Seeker.Phone)
	fmt.Fprintln(w, "  request a code on /seeker/login, then read it in the log (easyjob serve --demo or --dev writes codes there;")
	fmt.Fprintln(w, "  the outbox table keeps them sealed and erases them once delivered)")
}
