package httpx

import (
	"context"
	"net"
	"net/http"
	"strings"

	"easyjob/internal/easyjob"
)

const keyUser ctxKey = 100

// SessionCookie carries a web session's token.
const SessionCookie = "easyjob_session"

// WithUser stores the signed-in user.
func WithUser(ctx context.Context, u easyjob.User) context.Context {
	return context.WithValue(ctx, keyUser, u)
}

// User returns the signed-in user, if any.
func User(ctx context.Context) (easyjob.User, bool) {
	u, ok := ctx.Value(keyUser).(easyjob.User)
	return u, ok && u.ID != 0
}

// Actor returns who is acting: the signed-in user in the request's language
// (the zero Actor, an anonymous visitor, otherwise).
func Actor(ctx context.Context) easyjob.Actor {
	u, _ := User(ctx)
	return easyjob.Actor{UserID: u.ID, Role: u.Role, Region: u.Region, EmployerID: u.EmployerID, SeekerID: u.SeekerID, Lang: Lang(ctx),
		Scope: u.Scope}
}

// Token returns the bearer token or the session cookie of a request.
func Token(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		if t, ok := strings.CutPrefix(h, "Bearer "); ok {
			return strings.TrimSpace(t)
		}
	}
	if c, err := r.Cookie(SessionCookie); err == nil {
		return c.Value
	}
	return ""
}

// Authenticate resolves the request's token to a user with lookup and puts
// it in the context; an unknown or expired token leaves the visitor
// anonymous (the handler decides whether that is allowed). Errors are
// written without a catalogue; the server uses Errors.Authenticate.
func Authenticate(lookup func(ctx context.Context, token string) (easyjob.User, error), next http.Handler) http.Handler {
	return Errors{}.Authenticate(lookup, next)
}

// Authenticate is the package's Authenticate answering in the request's
// language. Only a token that lookup does not know (a domain error: not
// signed in, not found, forbidden, invalid) leaves the visitor anonymous;
// when the lookup fails otherwise — the database does not answer — a good
// token must not look like a bad one, so the answer is 503 with
// Retry-After, and clients keep their token.
func (e Errors) Authenticate(lookup func(ctx context.Context, token string) (easyjob.User, error), next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tok := Token(r); tok != "" {
			u, err := lookup(r.Context(), tok)
			switch easyjob.ErrorCode(err) {
			case "":
				r = r.WithContext(WithUser(r.Context(), u))
			case easyjob.EUNAUTHORIZED, easyjob.ENOTFOUND, easyjob.EFORBIDDEN, easyjob.EINVALID:
			default:
				de := Classify(err)
				if de.Code == easyjob.EINTERNAL {
					de = &easyjob.Error{Code: easyjob.EUNAVAILABLE, Msg: easyjob.M("error.unavailable"), Err: err}
				}
				e.Write(w, r, de)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// SecureRequest tells whether cookies for this request should be Secure:
// always, except for plain HTTP to a loopback address (a developer's or a
// demo's machine).
func SecureRequest(r *http.Request) bool {
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		return true
	}
	host, _, err := net.SplitHostPort(r.Host)
	if err != nil {
		host = r.Host
	}
	if host == "localhost" {
		return false
	}
	ip := net.ParseIP(host)
	return ip == nil || !ip.IsLoopback()
}

// SetSession sets or clears (token "") the session cookie.
func SetSession(w http.ResponseWriter, r *http.Request, token string) {
	c := &http.Cookie{Name: SessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: SecureRequest(r),
		SameSite: http.SameSiteLaxMode, MaxAge: 7 * 24 * 3600}
	if token == "" {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
}
