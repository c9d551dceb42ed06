package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"easyjob/internal/api"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// checker validates requests and answers against the served OpenAPI
// document with an independent validator (kin-openapi, which validates an
// OpenAPI 3.1 document's schemas as JSON Schema 2020-12). Every answer of
// a documented operation must have a documented status and match its
// schema; a request must match the document whenever the API accepted it
// (status below 400): a refused request may be wrong on purpose.
type checker struct {
	t      testing.TB
	router routers.Router
	next   http.RoundTripper
	mu     sync.Mutex
	seen   map[string]bool // "operationId status"
}

func loadDocument(t testing.TB, server string) *openapi3.T {
	t.Helper()
	b, err := json.Marshal(api.OpenAPI((&api.Handler{}).Table(), "test"))
	if err != nil {
		t.Fatal(err)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(b)
	if err != nil {
		t.Fatalf("loading the OpenAPI document: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("the OpenAPI document is not valid: %v", err)
	}
	doc.Servers = openapi3.Servers{{URL: server + "/api/v1"}}
	return doc
}

func newChecker(t testing.TB, server string) *checker {
	router, err := gorillamux.NewRouter(loadDocument(t, server))
	if err != nil {
		t.Fatal(err)
	}
	return &checker{t: t, router: router, next: http.DefaultTransport, seen: map[string]bool{}}
}

var checkOptions = &openapi3filter.Options{
	AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
	IncludeResponseStatus: true, // an undocumented status fails
	MultiError:            true,
}

func (c *checker) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil {
		reqBody, _ = io.ReadAll(req.Body)
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	resp, err := c.next.RoundTrip(req)
	if err != nil || !strings.Contains(req.URL.Path, "/api/v1/") || strings.HasSuffix(req.URL.Path, "/openapi.json") {
		return resp, err
	}
	respBody, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(respBody))
	if err != nil {
		return resp, err
	}
	what := req.Method + " " + req.URL.Path
	// The router needs a request to match; give it a fresh body.
	vreq := req.Clone(context.Background())
	vreq.Body = io.NopCloser(bytes.NewReader(reqBody))
	route, params, rerr := c.router.FindRoute(vreq)
	if rerr != nil {
		if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusMethodNotAllowed {
			c.t.Errorf("%s answered %d but is not in the document: %v", what, resp.StatusCode, rerr)
		}
		return resp, nil
	}
	in := &openapi3filter.RequestValidationInput{Request: vreq, PathParams: params, Route: route, Options: checkOptions}
	if resp.StatusCode < 400 {
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			c.t.Errorf("%s (%s) was accepted (%d), but the request does not match the document: %s", what, route.Operation.OperationID, resp.StatusCode, brief(err))
		}
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header, Options: checkOptions}
	out.SetBodyBytes(respBody)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		c.t.Errorf("%s (%s) answered %d not as documented: %s\n%.300s", what, route.Operation.OperationID, resp.StatusCode, brief(err), respBody)
	}
	c.mu.Lock()
	c.seen[route.Operation.OperationID+" "+itoa(int64(resp.StatusCode))] = true
	c.mu.Unlock()
	return resp, nil
}

// operations lists the operations seen, and with which statuses.
func (c *checker) operations() map[string][]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string][]string{}
	for k := range c.seen {
		op, st, _ := strings.Cut(k, " ")
		out[op] = append(out[op], st)
	}
	return out
}

// crossOrigin sends a cross-site write as a browser would, signed in as c.
func crossOrigin(t *testing.T, c *client, path string) (int, map[string]any) {
	req, _ := http.NewRequest("POST", c.url+"/api/v1"+path, strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	resp, err := c.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]any{}
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func query(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return "?" + v.Encode()
}

// brief keeps the lines of a validation error that say what is wrong,
// without the schema and value dumps.
func brief(err error) string {
	var keep []string
	for _, l := range strings.Split(err.Error(), "\n") {
		if !strings.HasPrefix(l, " ") && !strings.HasPrefix(l, "\t") && strings.TrimSpace(l) != "" {
			keep = append(keep, strings.TrimSpace(l))
		}
	}
	return strings.Join(keep, " | ")
}
