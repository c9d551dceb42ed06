package web

import (
	"net/http"
	"net/url"
	"strings"
)

// Tab is one link of a role's tab row; the row is data so that a system's
// pages add a line here and every page marks the current tab the same way.
type Tab struct {
	Href string
	Key  string // the label's catalogue key
	// Prefix marks the tab current on the pages below Href too (/officer/charters/3).
	Prefix bool
}

// officerTabs are the officer's pages, in the order of a working day.
var officerTabs = []Tab{
	{"/officer", "officer_home.title", false},
	{"/officer/dashboard", "dashboard.title", true},
	{"/officer/briefings", "briefing_list.title", true},
	{"/officer/register", "register.title", false},
	{"/officer/employers", "officer_employers.title", true},
	{"/officer/postings", "officer_postings.title", true},
	{"/officer/seekers", "officer_seekers.title", true},
	{"/officer/short", "officer_short.title", true},
	{"/officer/matchday", "matchday.title", true},
	{"/officer/charters", "charter_list.title", true},
	{"/officer/checkins", "retention_officer_checkins.title", true},
	{"/officer/disputes", "retention_disputes.title", true},
	{"/officer/claims", "retention_claims.title", true},
	{"/officer/ledger", "retention_ledger.title", true},
	{"/officer/import", "import.title", true},
	{"/officer/epidemic", "nav.epidemic", true},
	{"/officer/support", "support_officer.title", true},
	{"/officer/challenges", "equipment_officer.nav", true},
	{"/officer/goodwill", "goodwill.officer.title", true},
	{"/officer/policy", "policy.title", true},
}

// seekerTabs are a seeker's pages.
var seekerTabs = []Tab{
	{"/seeker", "seeker_home.jobs", false},
	{"/seeker/applications", "seeker_applications.title", true},
	{"/seeker/retention", "retention_seeker.title", true},
	{"/seeker/profile", "profile.title", true},
}

// TabLink is a tab as a page shows it.
type TabLink struct {
	Tab
	Current bool
}

// tabs marks the tab of path current: the exact page, or the longest
// prefix of a tab that owns the pages below it.
func tabs(list []Tab, path string) []TabLink {
	out := make([]TabLink, len(list))
	best, bestLen := -1, 0
	for i, t := range list {
		out[i].Tab = t
		if path == t.Href || (t.Prefix && strings.HasPrefix(path, t.Href+"/")) {
			if len(t.Href) > bestLen {
				best, bestLen = i, len(t.Href)
			}
		}
	}
	if best >= 0 {
		out[best].Current = true
	}
	return out
}

// langURL is where the language link leads: this page again when it was
// asked for with GET, else (a page that answered a form) the page the form
// was on, from the Referer when it is this site's, or the home page — so
// switching language never lands on a POST-only address (405).
func langURL(r *http.Request, lang string) string {
	u := url.URL{Path: r.URL.Path, RawQuery: r.URL.RawQuery}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		u = url.URL{Path: "/"}
		if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host && strings.HasPrefix(ref.Path, "/") {
			u = url.URL{Path: ref.Path, RawQuery: ref.RawQuery}
		}
	}
	q := u.Query()
	q.Set("lang", lang)
	q.Del("done")
	u.RawQuery = q.Encode()
	return u.RequestURI()
}
