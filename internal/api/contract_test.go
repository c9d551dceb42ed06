package api_test

import (
	"encoding/json"
	"flag"
	"os"
	"sort"
	"testing"

	"easyjob/internal/api"
)

var updateContract = flag.Bool("update-contract", false, "rewrite testdata/openapi-contract.json from the current route table")

// TestOpenAPIKeepsContract compares the OpenAPI document with the one
// recorded in testdata: every path, operation, parameter, schema and field
// recorded there must still be served with the same shape. New ones may be
// added; a removal or a change of type fails. Run with -update-contract only
// when a change to the API is intended.
func TestOpenAPIKeepsContract(t *testing.T) {
	doc := api.OpenAPI((&api.Handler{}).Table(), "test")
	b, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	const file = "testdata/openapi-contract.json"
	if *updateContract {
		if err := os.WriteFile(file, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var now, was map[string]any
	if err := json.Unmarshal(b, &now); err != nil {
		t.Fatal(err)
	}
	old, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(old, &was); err != nil {
		t.Fatal(err)
	}
	delete(was["info"].(map[string]any), "version")
	var missing []string
	contains(&missing, "", was, now)
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("the API lost or changed %s", m)
	}
}

// contains records in missing every place where want is not in got: maps
// may grow, other values must be equal.
func contains(missing *[]string, at string, want, got any) {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			*missing = append(*missing, at+" (no longer an object)")
			return
		}
		for k, v := range w {
			gv, ok := g[k]
			if !ok {
				*missing = append(*missing, at+"/"+k)
				continue
			}
			contains(missing, at+"/"+k, v, gv)
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) < len(w) {
			*missing = append(*missing, at+" (list shrank)")
			return
		}
		// Lists (parameters, tags, required) keep their items; order may change.
		for _, item := range w {
			found := false
			for _, gi := range g {
				var m []string
				contains(&m, "", item, gi)
				if len(m) == 0 {
					found = true
					break
				}
			}
			if !found {
				b, _ := json.Marshal(item)
				*missing = append(*missing, at+" item "+string(b))
			}
		}
	default:
		if want != got {
			b, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			*missing = append(*missing, at+" = "+string(w)+" (now "+string(b)+")")
		}
	}
}
