package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/httpx"
	"easyjob/internal/i18n"
	"easyjob/internal/region"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Renderer holds every page of every language, each parsed with its
// language's t function bound, so that nothing is bound per request.
type Renderer struct {
	// Log receives template failures, with the request ID; the person sees
	// the generic error page.
	Log   *slog.Logger
	cat   *i18n.Catalogue
	pages map[string]map[string]*page // lang → page
}

// page is a page's template, kept from its first use on. Each page holds
// its own copy of the layout and partials: all of them parsed in both
// languages were 370,000 objects that every garbage collection marked
// (issue #11), for pages an officer or a seeker may never open.
type page struct {
	once  sync.Once
	parse func() (*template.Template, error)
	t     *template.Template
	err   error
}

func (p *page) template() (*template.Template, error) {
	p.once.Do(func() { p.t, p.err = p.parse() })
	return p.t, p.err
}

// NewRenderer checks that every page parses with the layout (once: the
// text and the functions' names are the same in every language); each
// language's template is parsed on its first use and kept.
func NewRenderer(cat *i18n.Catalogue) (*Renderer, error) {
	r := &Renderer{Log: slog.Default(), cat: cat, pages: map[string]map[string]*page{}}
	entries, err := templateFiles.ReadDir("templates")
	if err != nil {
		return nil, err
	}
	for _, lang := range i18n.Languages {
		r.pages[lang] = map[string]*page{}
		fm := funcs(cat, lang)
		for _, e := range entries {
			name := strings.TrimSuffix(e.Name(), ".html")
			if name == "layout" || strings.HasPrefix(name, "_") {
				continue
			}
			parse := func() (*template.Template, error) {
				return template.New(name).Funcs(fm).ParseFS(templateFiles,
					"templates/layout.html", "templates/_*.html", "templates/"+e.Name())
			}
			if lang == i18n.Languages[0] { // the same text and function names in every language
				if _, err := parse(); err != nil {
					return nil, fmt.Errorf("template %s: %w", e.Name(), err)
				}
			}
			r.pages[lang][name] = &page{parse: parse}
		}
	}
	return r, nil
}

func funcs(cat *i18n.Catalogue, lang string) template.FuncMap {
	return template.FuncMap{
		"t":     func(key string, kv ...any) string { return cat.T(lang, key, kv...) },
		"money": func(n int) string { return i18n.Thousands(int64(n)) },
		"date": func(d easyjob.Date) string {
			return d.String()
		},
		"list":       func(v ...string) []string { return v },
		"yuan":       func(n int64) string { return i18n.Thousands(n) },
		"regionName": region.Name,
		"clock":      func(t time.Time) string { return t.In(easyjob.Shanghai).Format("2006-01-02 15:04") },
		// asset is a static file's address with its content's hash, so a
		// browser keeps it for a year and fetches it again only when it changes.
		"asset": Asset,
		"days": func(v *float64) string {
			if v == nil {
				return "—"
			}
			return strconv.FormatFloat(*v, 'f', 1, 64)
		},
		"shanghai": func(t time.Time) string { return t.In(easyjob.Shanghai).Format("2006-01-02 15:04") },
		"countyName": func(code string) string {
			return region.FullNameIn(lang, code)
		},
		// placeName is a division's own name in the page's language
		// (English where the reference data has one).
		"placeName": func(code string) string { return region.NameIn(lang, code) },
	}
}

// Page is what every page template receives.
type Page struct {
	Lang  string
	Title string
	User  *easyjob.User
	CSRF  string
	Flash string
	// FlashError marks the flash as an error.
	FlashError bool
	Errors     map[string]string // field → message, shown next to the field
	Form       map[string]string // the values the user typed, to refill the form
	Data       any
	// Path is the address asked for, LangURL the same page in the other
	// language (Render sets both).
	Path    string
	LangURL string
}

// OfficerTabs are the officer's tabs with this page's marked.
func (p Page) OfficerTabs() []TabLink { return tabs(officerTabs, p.Path) }

// SeekerTabs are a seeker's tabs with this page's marked.
func (p Page) SeekerTabs() []TabLink { return tabs(seekerTabs, p.Path) }

// Render writes page name with status.
func (r *Renderer) Render(w http.ResponseWriter, req *http.Request, status int, name string, p Page) {
	lang := httpx.Lang(req.Context())
	p.Lang = lang
	p.Path = req.URL.Path
	other := "en"
	if lang == "en" {
		other = "zh-CN"
	}
	p.LangURL = langURL(req, other)
	var buf bytes.Buffer
	t, err := r.template(lang, name)
	if err == nil {
		err = t.ExecuteTemplate(&buf, "layout", p)
	}
	if err != nil {
		r.failed(w, req, name, err)
		return
	}
	if _, err := req.Cookie(flashCookie); err == nil {
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", lang)
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// failed logs a template failure and answers the generic error page; when
// even that fails, a plain line in the person's language.
func (r *Renderer) failed(w http.ResponseWriter, req *http.Request, name string, err error) {
	ctx := req.Context()
	r.Log.ErrorContext(ctx, "page template failed", "request_id", httpx.RequestID(ctx), "page", name, "err", err)
	lang := httpx.Lang(ctx)
	msg := r.cat.T(lang, "error.internal")
	var buf bytes.Buffer
	if t, err := r.template(lang, "error"); err == nil && name != "error" &&
		t.ExecuteTemplate(&buf, "layout", Page{Lang: lang, Title: r.cat.T(lang, "error.title"), Flash: msg, FlashError: true}) == nil {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		w.Write(buf.Bytes())
		return
	}
	http.Error(w, msg, http.StatusInternalServerError)
}

// template is a page's template in a language, parsed on its first use.
func (r *Renderer) template(lang, name string) (*template.Template, error) {
	pg, ok := r.pages[lang][name]
	if !ok {
		return nil, fmt.Errorf("no page %q", name)
	}
	return pg.template()
}

// Pages lists the page names (for tests).
func (r *Renderer) Pages() []string {
	var out []string
	for name := range r.pages[i18n.Languages[0]] {
		out = append(out, name)
	}
	return out
}
