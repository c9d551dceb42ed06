package easyjob

import "strings"

// Scope is the part of the country an actor sees: everything, or a set of
// origin counties (seekers' home counties, pickup points) and of Shenzhen
// districts (employers, postings, drop-offs). Codes match as prefixes, so a
// prefecture's code covers its counties. The store computes it once when a
// session is looked up (a station sees its county; a district its own
// district and the counties twinned with it; the city and admins see all),
// and it travels in the Actor. Employers and seekers have an empty scope:
// what they see is decided by their own ids.
type Scope struct {
	All       bool     `json:"all,omitempty"`
	Counties  []string `json:"counties,omitempty"`
	Districts []string `json:"districts,omitempty"`
}

// ScopeAll sees everything.
var ScopeAll = Scope{All: true}

// County tells whether an origin county is in the scope.
func (s Scope) County(code string) bool { return s.All || hasPrefix(s.Counties, code) }

// District tells whether a Shenzhen district is in the scope.
func (s Scope) District(code string) bool { return s.All || hasPrefix(s.Districts, code) }

// Empty tells whether the scope holds nothing.
func (s Scope) Empty() bool { return !s.All && len(s.Counties) == 0 && len(s.Districts) == 0 }

func hasPrefix(prefixes []string, code string) bool {
	if code == "" {
		return false
	}
	for _, p := range prefixes {
		if p != "" && strings.HasPrefix(code, p) {
			return true
		}
	}
	return false
}
