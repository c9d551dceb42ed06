package api

import (
	"strings"
	"testing"
)

// TestQueryParametersTyped: every documented parameter has a declared
// type, so none falls back to an untyped string by accident.
func TestQueryParametersTyped(t *testing.T) {
	for _, r := range (&Handler{}).Table() {
		for _, q := range r.Query {
			if paramSchemas[q] == nil && r.Params[q] == nil {
				t.Errorf("%s %s: query parameter %q has no type in paramSchemas", r.Method, r.Path, q)
			}
		}
		for _, seg := range strings.Split(r.Path, "/") {
			if name, ok := strings.CutPrefix(seg, "{"); ok && pathSchemas[strings.TrimSuffix(name, "}")] == nil && r.Params[strings.TrimSuffix(name, "}")] == nil {
				t.Errorf("%s %s: path parameter %s has no type in pathSchemas", r.Method, r.Path, seg)
			}
		}
	}
}
