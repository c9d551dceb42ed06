// Package httpx holds the HTTP helpers shared by the web UI and the API:
// JSON in and out, domain errors to statuses, request IDs, access logs and
// metrics.
package httpx

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/i18n"

	"github.com/prometheus/client_golang/prometheus"
)

// MaxBody is the largest request body read, 1 MiB.
const MaxBody = 1 << 20

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyLang
)

// RequestID returns the ID of the request in ctx.
func RequestID(ctx context.Context) string {
	s, _ := ctx.Value(keyRequestID).(string)
	return s
}

// Lang returns the language chosen for the request.
func Lang(ctx context.Context) string {
	if s, ok := ctx.Value(keyLang).(string); ok {
		return s
	}
	return i18n.Languages[0]
}

// WithLang stores the request's language.
func WithLang(ctx context.Context, lang string) context.Context {
	return context.WithValue(ctx, keyLang, lang)
}

// Status maps an error code to an HTTP status.
func Status(code string) int {
	switch code {
	case easyjob.EINVALID:
		return http.StatusUnprocessableEntity
	case easyjob.EBADREQUEST:
		return http.StatusBadRequest
	case easyjob.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case easyjob.EFORBIDDEN:
		return http.StatusForbidden
	case easyjob.ENOTFOUND:
		return http.StatusNotFound
	case easyjob.ECONFLICT:
		return http.StatusConflict
	case easyjob.ERATELIMIT:
		return http.StatusTooManyRequests
	case easyjob.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// ErrorBody is the one shape of every API error.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the inside of ErrorBody.
type ErrorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// Errors renders domain errors in the request's language and logs internal
// ones (and, as warnings, a database that does not answer).
type Errors struct {
	Cat *i18n.Catalogue
	Log *slog.Logger
	// Page, when set, answers requests outside /api/ with an HTML page
	// instead of JSON (see Write).
	Page func(w http.ResponseWriter, r *http.Request, err error)
}

// Detail turns err into its public form.
func (e Errors) Detail(ctx context.Context, err error) (int, ErrorDetail) {
	lang := Lang(ctx)
	de := Classify(err)
	switch de.Code {
	case easyjob.EINTERNAL:
		e.logger().ErrorContext(ctx, "internal error", "request_id", RequestID(ctx), "err", err)
	case easyjob.EUNAVAILABLE:
		if !errors.Is(err, ErrBusy) { // a busy server is counted in its metrics, not logged per request
			e.logger().WarnContext(ctx, "database unavailable", "request_id", RequestID(ctx), "err", err)
		}
	}
	d := ErrorDetail{Code: de.Code, Message: e.msg(lang, de.Msg)}
	if len(de.Fields) > 0 {
		d.Fields = make(map[string]string, len(de.Fields))
		for f, m := range de.Fields {
			d.Fields[f] = e.msg(lang, m)
		}
	}
	return Status(de.Code), d
}

func (e Errors) logger() *slog.Logger {
	if e.Log == nil {
		return slog.Default()
	}
	return e.Log
}

// msg renders m; without a catalogue, as its key.
func (e Errors) msg(lang string, m easyjob.Msg) string {
	if e.Cat == nil {
		return m.Key
	}
	return e.Cat.Msg(lang, m)
}

// JSONError writes err as JSON (503 with Retry-After when the database
// does not answer).
func (e Errors) JSONError(w http.ResponseWriter, r *http.Request, err error) {
	status, d := e.Detail(r.Context(), err)
	SetRetryAfterStatus(w, status)
	SetRetryAfter(w, err)
	JSON(w, status, ErrorBody{Error: d})
}

// Write answers with err: as an HTML page through Page for requests outside
// /api/ when Page is set, else as JSON; with Retry-After on a 503.
func (e Errors) Write(w http.ResponseWriter, r *http.Request, err error) {
	if e.Page != nil && !strings.HasPrefix(r.URL.Path, "/api/") {
		SetRetryAfterStatus(w, Status(Classify(err).Code))
		e.Page(w, r, err)
		return
	}
	e.JSONError(w, r, err)
}

// Inputs refuses, before anything else reads them, requests whose query
// parameters or form values (URL-encoded bodies; handlers that read
// multipart forms call CheckValues themselves) hold text that no field may
// hold (see easyjob.TextProblem): 422, naming the parameter. JSON bodies
// are checked by DecodeJSON.
func (e Errors) Inputs(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := CheckValues(r.URL.Query())
		if err == nil && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
			if perr := r.ParseForm(); perr != nil {
				err = easyjob.Errorf(easyjob.EBADREQUEST, "error.body_malformed")
			} else {
				err = CheckValues(r.PostForm)
			}
		}
		if err != nil {
			e.Write(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// CheckValues refuses names and values of query parameters or form fields
// that hold text no field may hold, naming the field.
func CheckValues(vals map[string][]string) error {
	f := easyjob.Fields{}
	for name, vs := range vals {
		if key := easyjob.TextProblem(name); key != "" {
			f.Add("query", key)
			continue
		}
		for _, v := range vs {
			if key := easyjob.TextProblem(v); key != "" {
				f.Add(name, key)
			}
		}
	}
	return f.Err()
}

// JSON writes v with status.
func JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// JSONBytes writes b, JSON already encoded as JSON would write it.
func JSONBytes(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}

// DecodeJSON reads a JSON body of at most MaxBody bytes into v, refusing
// unknown fields, trailing data and bodies that are not JSON. A value that
// does not fit its field (a word for a number, an impossible date) is a 422
// naming the field by its JSON path, and so is text that no field may hold
// (a NUL, an escape sequence: easyjob.CheckText), before any query sees it.
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return easyjob.Errorf(easyjob.EBADREQUEST, "error.content_type")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return easyjob.Errorf(easyjob.EBADREQUEST, "error.body_too_large")
	case err != nil:
		return easyjob.Errorf(easyjob.EBADREQUEST, "error.body_malformed")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var se *json.SyntaxError
		switch {
		case strings.HasPrefix(err.Error(), "json: unknown field"):
			name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			f := easyjob.Fields{}
			f.Add(name, "error.unknown_field")
			return f.Err()
		case errors.Is(err, io.EOF):
			return easyjob.Errorf(easyjob.EBADREQUEST, "error.body_empty")
		case errors.As(err, &se), errors.Is(err, io.ErrUnexpectedEOF):
			return easyjob.Errorf(easyjob.EBADREQUEST, "error.body_malformed")
		}
		// The body is JSON, but a value does not fit its field: find which.
		if path, t, ok := badField(reflect.TypeOf(v), body, ""); ok {
			f := easyjob.Fields{}
			f.Add(easyjob.BodyField(path), typeKey(t))
			return f.Err()
		}
		return easyjob.Errorf(easyjob.EBADREQUEST, "error.body_malformed")
	}
	if dec.More() {
		return easyjob.Errorf(easyjob.EBADREQUEST, "error.body_malformed")
	}
	return easyjob.CheckText(v)
}

var (
	dateType = reflect.TypeFor[easyjob.Date]()
	timeType = reflect.TypeFor[time.Time]()
)

// typeKey is the message for a value that does not fit type t.
func typeKey(t reflect.Type) string {
	switch t {
	case dateType:
		return "field.date_invalid"
	case timeType:
		return "field.time_invalid"
	}
	return "error.field_type"
}

// badField finds the first value in raw (in the order of the JSON names)
// that does not decode into its place in t, and returns its JSON path and
// type. encoding/json reports neither for errors of UnmarshalJSON and
// UnmarshalText methods (easyjob.Date, time.Time), and names embedded
// structs by their Go names.
func badField(t reflect.Type, raw json.RawMessage, path string) (string, reflect.Type, bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if string(bytes.TrimSpace(raw)) == "null" {
		return "", nil, false
	}
	pt := reflect.PointerTo(t)
	custom := pt.Implements(reflect.TypeFor[json.Unmarshaler]()) || pt.Implements(reflect.TypeFor[encoding.TextUnmarshaler]())
	switch {
	case !custom && t.Kind() == reflect.Struct:
		var m map[string]json.RawMessage
		if json.Unmarshal(raw, &m) != nil {
			return path, t, true
		}
		fields := jsonFields(t)
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			ft, name, ok := lookupField(fields, k)
			if !ok {
				continue
			}
			if p, bt, bad := badField(ft, m[k], easyjob.FieldPath(path, name)); bad {
				return p, bt, true
			}
		}
		return "", nil, false
	case !custom && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) && t.Elem().Kind() != reflect.Uint8:
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			return path, t, true
		}
		for _, it := range items {
			if p, bt, bad := badField(t.Elem(), it, path); bad {
				return p, bt, true
			}
		}
		return "", nil, false
	case !custom && t.Kind() == reflect.Map && t.Key().Kind() == reflect.String:
		var m map[string]json.RawMessage
		if json.Unmarshal(raw, &m) != nil {
			return path, t, true
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if p, bt, bad := badField(t.Elem(), m[k], easyjob.FieldPath(path, k)); bad {
				return p, bt, true
			}
		}
		return "", nil, false
	}
	if json.Unmarshal(raw, reflect.New(t).Interface()) != nil {
		return path, t, true
	}
	return "", nil, false
}

type jsonField struct {
	name string
	typ  reflect.Type
}

// jsonFields lists the JSON names of a struct's fields, promoted ones
// included, as encoding/json sees them (shallower fields first).
func jsonFields(t reflect.Type) []jsonField {
	var out, deeper []jsonField
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		ft := sf.Type
		if sf.Anonymous && name == "" {
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				deeper = append(deeper, jsonFields(ft)...)
				continue
			}
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		out = append(out, jsonField{name, sf.Type})
	}
	return append(out, deeper...)
}

// lookupField finds key as encoding/json does: the exact name first, then
// ignoring case.
func lookupField(fields []jsonField, key string) (reflect.Type, string, bool) {
	for _, f := range fields {
		if f.name == key {
			return f.typ, f.name, true
		}
	}
	for _, f := range fields {
		if strings.EqualFold(f.name, key) {
			return f.typ, f.name, true
		}
	}
	return nil, "", false
}

// QueryInt reads an integer query parameter with bounds; def when absent.
func QueryInt(r *http.Request, name string, def, lo, hi int) (int, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		f := easyjob.Fields{}
		f.Add(name, "error.range", "min", lo, "max", hi)
		return 0, f.Err()
	}
	return n, nil
}

// PathID reads a positive integer path value.
func PathID(r *http.Request, name string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, easyjob.NotFound("resource")
	}
	return n, nil
}

func newID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// statusWriter remembers the status for the access log.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Metrics are the HTTP metrics, on a private registry.
type Metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewMetrics registers the HTTP metrics on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "easyjob_http_requests_total", Help: "HTTP requests by route pattern and status.",
		}, []string{"route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "easyjob_http_request_seconds", Help: "HTTP request duration by route pattern.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

// Middleware gives every request an ID and a language, recovers panics,
// logs one line per request (path only: no query, which may hold personal
// data) and records metrics.
func Middleware(log *slog.Logger, m *Metrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-ID")
		if id == "" || len(id) > 64 {
			id = newID()
		}
		w.Header().Set("X-Request-ID", id)
		ctx := context.WithValue(r.Context(), keyRequestID, id)
		ctx = WithLang(ctx, chooseLang(r))
		ctx, rt := withRouteHolder(ctx)
		rememberLang(w, r)
		sw := &statusWriter{ResponseWriter: w}
		r = r.WithContext(ctx)
		defer func() {
			if p := recover(); p != nil {
				log.ErrorContext(ctx, "panic", "request_id", id, "panic", p)
				if sw.status == 0 {
					http.Error(sw, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
				}
			}
			route := rt.route(r)
			d := time.Since(start)
			if m != nil {
				m.requests.WithLabelValues(route, strconv.Itoa(sw.status)).Inc()
				m.duration.WithLabelValues(route).Observe(d.Seconds())
			}
			log.LogAttrs(ctx, slog.LevelInfo, "request", slog.String("request_id", id),
				slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.String("route", route), slog.Int("status", sw.status),
				slog.Int("bytes", sw.bytes), slog.Duration("duration", d))
		}()
		next.ServeHTTP(sw, r)
	})
}

// LangCookie is the cookie that remembers the chosen language.
const LangCookie = "lang"

// rememberLang keeps a language picked with ?lang= on any page, so the
// next tap stays in it (the cookie is read on every request).
func rememberLang(w http.ResponseWriter, r *http.Request) {
	l := r.URL.Query().Get("lang")
	if l == "" {
		return
	}
	if c, err := r.Cookie(LangCookie); err == nil && c.Value == i18n.Match(l) {
		return
	}
	http.SetCookie(w, &http.Cookie{Name: LangCookie, Value: i18n.Match(l), Path: "/",
		MaxAge: 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

func chooseLang(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l != "" {
		return i18n.Match(l)
	}
	if c, err := r.Cookie(LangCookie); err == nil {
		return i18n.Match(c.Value)
	}
	return i18n.FromAcceptLanguage(r.Header.Get("Accept-Language"))
}
