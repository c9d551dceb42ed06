package policy

import (
	"embed"
	"slices"
	"sync"
)

//go:embed measures/*.yaml
var embedded embed.FS

// Rules is a set of measures, loaded and checked. It is immutable: WithParam derives a new
// one, so a Rules may be shared by goroutines.
type Rules struct {
	measures []*Measure // by No
}

// Default returns the 16 measures embedded in the binary, loaded once.
var Default = sync.OnceValues(func() (*Rules, error) { return Load(embedded, "measures") })

// Embedded returns the embedded rule files (for a CLI that prints or copies them).
func Embedded() embed.FS { return embedded }

// Measures returns the measures in the order of the document.
func (r *Rules) Measures() []*Measure { return slices.Clone(r.measures) }

// Measure returns the measure with the slug, or nil.
func (r *Rules) Measure(slug string) *Measure {
	for _, m := range r.measures {
		if m.Slug == slug {
			return m
		}
	}
	return nil
}

// with returns a copy of r with m in place of the measure of the same slug.
func (r *Rules) with(m *Measure) *Rules {
	ms := slices.Clone(r.measures)
	for i := range ms {
		if ms[i].Slug == m.Slug {
			ms[i] = m
		}
	}
	return &Rules{measures: ms}
}

// Only returns the rules of the measures with the slugs, in the order of the document (for a
// run that evaluates a few measures over many profiles). Unknown slugs are ignored.
func (r *Rules) Only(slugs ...string) *Rules {
	var ms []*Measure
	for _, m := range r.measures {
		if slices.Contains(slugs, m.Slug) {
			ms = append(ms, m)
		}
	}
	return &Rules{measures: ms}
}
