// Package easyjob holds the domain: types, validation, error codes and the
// service interfaces that the store implements and the web and API use.
// It imports nothing of ours.
package easyjob

import (
	"errors"
	"fmt"
	"sort"
)

// Error codes. Handlers map them to HTTP statuses in one place (httpx).
const (
	EINVALID      = "invalid"      // a field or the request is wrong: 422
	EBADREQUEST   = "bad_request"  // the body cannot be read at all: 400
	EUNAUTHORIZED = "unauthorized" // not signed in: 401
	EFORBIDDEN    = "forbidden"    // signed in, not allowed: 403
	ENOTFOUND     = "not_found"    // 404
	ECONFLICT     = "conflict"     // state or uniqueness conflict: 409
	ERATELIMIT    = "rate_limited" // too many attempts: 429
	EUNAVAILABLE  = "unavailable"  // the database does not answer; try again: 503 with Retry-After
	EINTERNAL     = "internal"     // everything else: 500
)

// Msg is a message key with its arguments; the i18n catalogue renders it.
type Msg struct {
	Key  string
	Args map[string]any
}

// M builds a Msg from a key and alternating name, value pairs.
func M(key string, kv ...any) Msg {
	m := Msg{Key: key}
	if len(kv) > 0 {
		m.Args = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			m.Args[fmt.Sprint(kv[i])] = kv[i+1]
		}
	}
	return m
}

// Error is the one error type the domain returns to callers.
type Error struct {
	Code   string
	Msg    Msg
	Fields map[string]Msg // field name (the JSON name) → message
	Err    error          // an underlying cause, never shown to users
}

func (e *Error) Error() string {
	s := e.Code + ": " + e.Msg.Key
	if len(e.Fields) > 0 {
		names := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			s += fmt.Sprintf(" [%s: %s]", k, e.Fields[k].Key)
		}
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with a code and a message key.
func Errorf(code, key string, kv ...any) *Error {
	return &Error{Code: code, Msg: M(key, kv...)}
}

// Internal wraps an unexpected error.
func Internal(err error) *Error {
	return &Error{Code: EINTERNAL, Msg: M("error.internal"), Err: err}
}

// ErrorCode returns the code of err, EINTERNAL for foreign errors and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// Fields collects field-level validation messages.
type Fields map[string]Msg

// Add records msg for field unless the field already has one.
func (f Fields) Add(field, key string, kv ...any) {
	if _, ok := f[field]; !ok {
		f[field] = M(key, kv...)
	}
}

// Err returns an EINVALID *Error carrying the fields, or nil when there are none.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Msg: M("error.invalid"), Fields: map[string]Msg(f)}
}

// NotFound is the error for a missing thing of kind (e.g. "posting").
func NotFound(kind string) *Error {
	return Errorf(ENOTFOUND, "notfound."+kind)
}
