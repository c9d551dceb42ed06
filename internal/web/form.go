package web

import (
	"net/http"
	"sort"

	"easyjob/internal/easyjob"
	"easyjob/internal/httpx"
)

// Form values are checked before any handler reads them: the server wraps
// every request in httpx.Errors.Inputs, which refuses query parameters and
// URL-encoded form values holding text no field may hold (a NUL, an escape
// sequence, invalid UTF-8) and answers through ErrorPage. Multipart forms
// are parsed by their handlers, with their own size limits, which then call
// multipartError.

// ErrorPage answers err with the error page in the user's language, naming
// each refused field with what is wrong with it. The server hands it to
// httpx.Errors for the errors raised before the pages' handlers run: input
// refused by httpx.Errors.Inputs, and a database that does not answer when
// the session is looked up (503, with Retry-After set by httpx).
func (h *Handler) ErrorPage(w http.ResponseWriter, r *http.Request, err error) {
	de := httpx.Classify(err)
	if de.Code == easyjob.EINTERNAL {
		h.Log.ErrorContext(r.Context(), "page error", "request_id", httpx.RequestID(r.Context()), "path", r.URL.Path, "err", err)
	}
	lang := langOf(r)
	p := h.page(r, "error.title", nil)
	p.Flash = h.Cat.Msg(lang, de.Msg)
	names := make([]string, 0, len(de.Fields))
	for f := range de.Fields {
		names = append(names, f)
	}
	sort.Strings(names)
	for _, f := range names {
		p.Flash += " " + f + h.Cat.T(lang, "error.field_sep") + h.Cat.Msg(lang, de.Fields[f])
	}
	p.FlashError = true
	h.R.Render(w, r, httpx.Status(de.Code), "error", p)
}

// multipartError checks the values and file names of a parsed multipart
// form as httpx.Errors.Inputs checks other forms.
func multipartError(r *http.Request) error {
	if r.MultipartForm == nil {
		return nil
	}
	if err := httpx.CheckValues(r.MultipartForm.Value); err != nil {
		return err
	}
	f := easyjob.Fields{}
	for name, files := range r.MultipartForm.File {
		for _, fh := range files {
			if key := easyjob.TextProblem(fh.Filename); key != "" {
				f.Add(name, key)
			}
		}
	}
	return f.Err()
}
