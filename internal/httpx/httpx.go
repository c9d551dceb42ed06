// Package httpx holds the HTTP helpers shared by the web UI and the API:
// JSON in and out, domain errors to statuses, request IDs, access logs and
// metrics.
package httpx

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
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

// Errors renders domain errors in the request's language and logs internal ones.
type Errors struct {
	Cat *i18n.Catalogue
	Log *slog.Logger
}

// Detail turns err into its public form.
func (e Errors) Detail(ctx context.Context, err error) (int, ErrorDetail) {
	lang := Lang(ctx)
	var de *easyjob.Error
	if !errors.As(err, &de) {
		de = easyjob.Internal(err)
	}
	if de.Code == easyjob.EINTERNAL {
		e.Log.ErrorContext(ctx, "internal error", "request_id", RequestID(ctx), "err", err)
	}
	d := ErrorDetail{Code: de.Code, Message: e.Cat.Msg(lang, de.Msg)}
	if len(de.Fields) > 0 {
		d.Fields = make(map[string]string, len(de.Fields))
		for f, m := range de.Fields {
			d.Fields[f] = e.Cat.Msg(lang, m)
		}
	}
	return Status(de.Code), d
}

// JSONError writes err as JSON.
func (e Errors) JSONError(w http.ResponseWriter, r *http.Request, err error) {
	status, d := e.Detail(r.Context(), err)
	JSON(w, status, ErrorBody{Error: d})
}

// JSON writes v with status.
func JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// DecodeJSON reads a JSON body of at most MaxBody bytes into v, refusing
// unknown fields, trailing data and bodies that are not JSON.
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return easyjob.Errorf(easyjob.EBADREQUEST, "error.content_type")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		var ute *json.UnmarshalTypeError
		switch {
		case errors.As(err, &mbe):
			return easyjob.Errorf(easyjob.EBADREQUEST, "error.body_too_large")
		case errors.As(err, &ute) && ute.Field != "":
			f := easyjob.Fields{}
			f.Add(ute.Field, "error.field_type")
			return f.Err()
		case strings.HasPrefix(err.Error(), "json: unknown field"):
			name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			f := easyjob.Fields{}
			f.Add(name, "error.unknown_field")
			return f.Err()
		case errors.Is(err, io.EOF):
			return easyjob.Errorf(easyjob.EBADREQUEST, "error.body_empty")
		}
		return easyjob.Errorf(easyjob.EBADREQUEST, "error.body_malformed")
	}
	if dec.More() {
		return easyjob.Errorf(easyjob.EBADREQUEST, "error.body_malformed")
	}
	return nil
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

func chooseLang(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l != "" {
		return i18n.Match(l)
	}
	if c, err := r.Cookie(LangCookie); err == nil {
		return i18n.Match(c.Value)
	}
	return i18n.FromAcceptLanguage(r.Header.Get("Accept-Language"))
}
