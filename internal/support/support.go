// Package support is the enterprise-support system (惠企服务): the 16 measures as the city
// runs them, enterprise profiles, eligibility checks, the city-wide run of the measures granted
// without application (免申即享), officers' dated parameter changes, and the after-sales
// service (售后服务): tickets routed to the responsible department, replies, deadlines and
// escalation, and what the enterprise finally received. The rules themselves are the pure
// package internal/policy; this package stores and serves around them. See docs/SUPPORT.md.
//
// Its tables are support_profiles, support_param_versions, support_claims (migration 00012),
// support_members, support_tickets, support_replies and support_notices (00013); it writes no
// others. It reads employers (district, contact phone through store.Employer) and writes
// text messages through store.Send.
//
// The six departments are reference data in Go (Departments); who belongs to one is a row of
// support_members (a user, a department, optionally a district, whether the head). A ticket's
// status follows from its replies with a fixed precedence (Status.Rank), raised only by a
// conditional update (status_rank < the reply's rank), so concurrent replies cannot lower it.
package support

import (
	"sync"

	"easyjob/internal/easyjob"
	"easyjob/internal/policy"
	"easyjob/internal/store"
)

// Service is the support system on the store's kernel.
type Service struct {
	S *store.Store

	mu     sync.Mutex // serialises reloads of the rules
	loaded *ruleSet   // the embedded rules with the officers' parameter versions applied
}

// New returns the service; the rules load on first use.
func New(s *store.Store) *Service { return &Service{S: s} }

// Department is one of the six departments of the after-sales service (March 2020).
type Department struct {
	Key  string      `json:"key"`
	Name policy.Text `json:"name"`
}

// Departments are the six departments that ran the after-sales service. The sources name
// neither them nor the department of each measure (see docs/SUPPORT.md); this list and the
// assignment in Catalogue are the city's operating decisions as recorded here.
var Departments = []Department{
	{"sz-drc", policy.Text{Zh: "深圳市发展和改革委员会", En: "Development and Reform Commission"}},
	{"sz-miit", policy.Text{Zh: "深圳市工业和信息化局", En: "Bureau of Industry and Information Technology"}},
	{"sz-hrss", policy.Text{Zh: "深圳市人力资源和社会保障局", En: "Human Resources and Social Security Bureau"}},
	{"sz-housing", policy.Text{Zh: "深圳市住房和建设局", En: "Housing and Construction Bureau"}},
	{"sz-finance", policy.Text{Zh: "深圳市地方金融监督管理局", En: "Local Financial Supervision Bureau"}},
	{"sz-commerce", policy.Text{Zh: "深圳市商务局", En: "Commerce Bureau"}},
}

// DepartmentOf returns the department with the key.
func DepartmentOf(key string) (Department, bool) {
	for _, d := range Departments {
		if d.Key == key {
			return d, true
		}
	}
	return Department{}, false
}

// Running is how the city runs one measure: who answers for it and whether it is granted
// without application (免申即享).
type Running struct {
	Department string
	Automatic  bool
}

// Catalogue is the city's running of each measure, by slug.
var Catalogue = map[string]Running{
	"anti-epidemic-key-units":          {"sz-miit", false},
	"rent-relief":                      {"sz-housing", false},
	"social-insurance-deferral":        {"sz-hrss", false},
	"housing-fund-relief":              {"sz-housing", false},
	"sewage-fee-refund":                {"sz-drc", true},
	"electricity-cost-relief":          {"sz-drc", true},
	"tax-deferral-relief":              {"sz-drc", false},
	"cash-flow-support":                {"sz-finance", false},
	"guarantee-fee-cut":                {"sz-finance", false},
	"industrial-fund-interest-subsidy": {"sz-miit", false},
	"four-100-billion-dividends":       {"sz-drc", false},
	"public-transport-support":         {"sz-drc", false},
	"job-retention-refund":             {"sz-hrss", true},
	"flexible-employment":              {"sz-hrss", false},
	"skills-training-subsidy":          {"sz-hrss", false},
	"export-credit-insurance":          {"sz-commerce", false},
}

// running returns how the city runs the measure (the DRC, the drafting lead, by default).
func running(slug string) Running {
	if r, ok := Catalogue[slug]; ok {
		return r
	}
	return Running{Department: "sz-drc"}
}

// Kind is what a ticket is about.
type Kind string

const (
	KindQuestion  Kind = "question"  // a question about the measures
	KindMeasure   Kind = "measure"   // a measure the enterprise could not obtain
	KindWorkers   Kind = "workers"   // resuming production: workers
	KindSupplies  Kind = "supplies"  // resuming production: supplies
	KindTransport Kind = "transport" // resuming production: transport
)

// Kinds lists the kinds of ticket in the order of the form.
var Kinds = []Kind{KindMeasure, KindQuestion, KindWorkers, KindSupplies, KindTransport}

// Valid tells whether k is a kind of ticket.
func (k Kind) Valid() bool {
	for _, v := range Kinds {
		if v == k {
			return true
		}
	}
	return false
}

// kindDepartment answers tickets that name no measure.
var kindDepartment = map[Kind]string{
	KindQuestion:  "sz-drc",
	KindWorkers:   "sz-hrss",
	KindSupplies:  "sz-miit",
	KindTransport: "sz-hrss", // the point-to-point charters are the HRSS's
}

// Status is where a ticket stands; it follows from the replies.
type Status string

const (
	StatusNew         Status = "new"
	StatusInHand      Status = "in_hand"
	StatusUnreachable Status = "could_not_reach"
	StatusNotHelped   Status = "answered_not_helped"
	StatusHelped      Status = "answered_helped"
)

// statusOrder is the precedence, lowest first.
var statusOrder = []Status{StatusNew, StatusInHand, StatusUnreachable, StatusNotHelped, StatusHelped}

// Outcomes are the statuses a reply may carry.
var Outcomes = statusOrder[1:]

// Rank is the status's precedence: a ticket's status is the highest of its replies'.
func (s Status) Rank() int {
	for i, v := range statusOrder {
		if v == s {
			return i
		}
	}
	return -1
}

// Answered tells whether a department has answered (helped or not): deadlines stop.
func (s Status) Answered() bool { return s.Rank() >= StatusNotHelped.Rank() }

// Outcome tells whether a reply may carry s.
func (s Status) Outcome() bool { return s.Rank() > 0 }

// StatusFrom is the status that follows from replies' outcomes: the highest, or new.
func StatusFrom(outcomes []Status) Status {
	best := StatusNew
	for _, o := range outcomes {
		if o.Rank() > best.Rank() {
			best = o
		}
	}
	return best
}

// Deadlines: a ticket not yet answered reminds the department after 7 and 14 days and is
// escalated to the department's head after 21.
var Deadlines = [...]int{7, 14, 21}

// levelAt is the deadline level a ticket opened at created has reached at now: 0 to 3.
func levelAt(created, now int64) int {
	days := (now - created) / (24 * 3600 * 1000)
	lvl := 0
	for i, d := range Deadlines {
		if days >= int64(d) {
			lvl = i + 1
		}
	}
	return lvl
}

// DefaultAsOf is the date a check answers for when none is given: today, brought into the
// measures' span (2020-02-07 to 2020-12-31), since the product re-enacts 2020.
func DefaultAsOf(today easyjob.Date) easyjob.Date {
	first, last := easyjob.NewDate(2020, 2, 7), easyjob.NewDate(2020, 12, 31)
	switch {
	case today.Before(first):
		return first
	case today.After(last):
		return last
	}
	return today
}

func forbidden() error { return store.Forbidden() }

func knownDistrict(code string) bool { return policy.KnownDistrict(code) }
