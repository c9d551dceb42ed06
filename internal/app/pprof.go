package app

import (
	"net/http"
	"net/http/pprof"
)

// mountProfiler serves Go's profiler under /debug/pprof/ to admins only
// (docs/PERFORMANCE.md: where the time goes under load). It is never public:
// a profile shows the program's inner workings and costs CPU.
func mountProfiler(mux *http.ServeMux) {
	mux.Handle("GET /debug/pprof/", adminOnly(http.HandlerFunc(pprof.Index)))
	mux.Handle("GET /debug/pprof/cmdline", adminOnly(http.HandlerFunc(pprof.Cmdline)))
	mux.Handle("GET /debug/pprof/profile", adminOnly(http.HandlerFunc(pprof.Profile)))
	mux.Handle("GET /debug/pprof/symbol", adminOnly(http.HandlerFunc(pprof.Symbol)))
	mux.Handle("GET /debug/pprof/trace", adminOnly(http.HandlerFunc(pprof.Trace)))
}
