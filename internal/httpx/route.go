package httpx

import (
	"context"
	"net/http"
)

// The route of a request (its ServeMux pattern, as "GET /seekers/{id}") is
// set by the mux on the request it is handed. Handlers between Middleware
// and the mux (Authenticate) hand on a copy of the request, so Middleware
// would never see the pattern; Routed, just outside the mux, writes it
// back into a holder that Middleware put in the context.

const keyRoute ctxKey = 101

type routeHolder struct{ pattern string }

func withRouteHolder(ctx context.Context) (context.Context, *routeHolder) {
	h := &routeHolder{}
	return context.WithValue(ctx, keyRoute, h), h
}

// Routed wraps the mux so that Middleware learns the pattern it matched,
// also when the handler panics.
func Routed(mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if h, ok := r.Context().Value(keyRoute).(*routeHolder); ok {
				h.pattern = r.Pattern
			}
		}()
		mux.ServeHTTP(w, r)
	})
}

// route is the pattern the request matched: from the holder, else from
// the request itself (when Middleware wraps the mux directly), else
// "unmatched".
func (h *routeHolder) route(r *http.Request) string {
	switch {
	case h.pattern != "":
		return h.pattern
	case r.Pattern != "":
		return r.Pattern
	}
	return "unmatched"
}
