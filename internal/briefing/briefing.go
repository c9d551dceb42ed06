// Package briefing is the dashboards and the daily briefing (情况通报): the
// hiring funnel seen from either end of the programme — the origin counties
// that sent workers and the Shenzhen districts and employers that took them
// on — and the briefing the platform drafts from its own figures each day,
// which a writer edits and another officer approves for publication.
//
// The funnel counts, for the seekers registered on the days of a range (a
// cohort), registered seekers and the applications that ever reached each
// step: applied → offered → accepted → departed → arrived → onboarded →
// retained 30 / 90 / 180 days. An application counts at a step once it has
// passed through it (application_events has every move), wherever it went
// afterwards. Where a cut names a district, an employer or a trade, the
// "registered" column counts the registered seekers who applied there.
//
// It is the one package that reads every system's tables (seekers,
// applications, application_events, postings, charters, charter_seats,
// pickup_points; and, through their exported methods, the epidemic,
// retention and support systems). It writes only its own tables:
//
//   - the rollups briefing_cursors, briefing_seekers, briefing_facts and
//     briefing_registered, kept current by Refresh (a periodic task, and
//     before a dashboard is read), from which every process holds a
//     snapshot in memory that answers the dashboards (snapshot.go, scan.go),
//     because no query over a million applications answers in 200 ms;
//   - briefings, briefing_items and briefing_revisions: the drafts, and the
//     published texts with their frozen figures, each correction a new
//     revision.
//
// Items of a briefing come from Providers, one per system, each writing its
// paragraphs from the message catalogues with the figures filled in.
package briefing

import (
	"sync/atomic"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/i18n"
	"easyjob/internal/store"
)

// Steps are the funnel's steps after registration, in order; each is an
// application state and a column of the rollups.
var Steps = []string{"applied", "offered", "accepted", "departed", "arrived", "onboarded", "retained_30", "retained_90", "retained_180"}

// DelaySteps are the steps whose days from registration the medians read.
var DelaySteps = []string{"offered", "arrived"}

// Service is the dashboards and the briefing on the store's kernel.
type Service struct {
	S   *store.Store
	Cat *i18n.Catalogue
	// Providers write the items of a draft, in this order.
	Providers []Provider
	// Stale is how old the rollups may be before a dashboard refreshes them
	// first (the periodic task keeps them fresher).
	Stale time.Duration
	// BuildBudget is how long a dashboard's request may spend building
	// the rollups the first time (the periodic task builds them anyway):
	// a small database is built at once, a big one answers "being
	// prepared" meanwhile.
	BuildBudget time.Duration
	// LoadBudget is how long a dashboard's request waits for the snapshot
	// of the facts to load from nothing (snapshot.go; the periodic task
	// loads it anyway): "being prepared" meanwhile.
	LoadBudget time.Duration
	// BuildChunk is how many seekers (by id) one transaction of the first
	// build takes; 0 chooses from the time the last chunk took.
	BuildChunk int
	last       atomic.Int64 // the store's time of the last refresh, Unix nanoseconds
	built      atomic.Bool  // the first build is known to be finished
	chunk      atomic.Int64 // the chunk size chosen by time
	snap       snapshot     // the facts in memory (snapshot.go)
	names      names        // the employers' names (outcomes.go)
}

// New returns the service with the hiring and charter providers; the app
// adds the other systems' providers.
func New(s *store.Store, cat *i18n.Catalogue, providers ...Provider) *Service {
	sv := &Service{S: s, Cat: cat, Stale: 5 * time.Second, BuildBudget: 3 * time.Second, LoadBudget: 3 * time.Second}
	sv.Providers = append([]Provider{HiringProvider{sv}, ArrivalsProvider{sv}, CharterProvider{sv}}, providers...)
	return sv
}

// dayNumber is a day as the rollups store it: days since 1970-01-01.
func dayNumber(d easyjob.Date) int { return int(d.Days()) }

// dateOf is the inverse of dayNumber.
func dateOf(n int) easyjob.Date { return easyjob.NewDate(1970, time.January, 1).AddDays(n) }

// daySQL turns a column of Unix milliseconds into a Shanghai day number.
func daySQL(col string) string { return "((" + col + " + 28800000) / 86400000)" }
