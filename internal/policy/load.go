package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"easyjob/internal/easyjob"
	"go.yaml.in/yaml/v3"
)

// LoadError is a problem in a rule or case file, at a line.
type LoadError struct {
	File string
	Line int
	Msg  string
}

func (e *LoadError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// Load reads and checks every *.yaml file in dir of fsys, one measure per file. All the
// problems found are returned together (errors.Join of *LoadError).
func Load(fsys fs.FS, dir string) (*Rules, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("policy: no rule files in %s", dir)
	}
	var errs []error
	r := &Rules{}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		m, err := parseMeasure(name, b)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, o := range r.measures {
			if o.Slug == m.Slug || o.No == m.No {
				errs = append(errs, &LoadError{name, 1, fmt.Sprintf("slug %q or no %d already used by %s", m.Slug, m.No, o.File)})
			}
		}
		r.measures = append(r.measures, m)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	slices.SortFunc(r.measures, func(a, b *Measure) int { return a.No - b.No })
	return r, nil
}

// The file format; see measures/*.yaml.
type (
	yMeasure struct {
		Slug               string     `yaml:"slug"`
		No                 int        `yaml:"no"`
		Title              Text       `yaml:"title"`
		Department         yDept      `yaml:"department"`
		Source             Source     `yaml:"source"`
		Validity           []yPeriod  `yaml:"validity"`
		WithoutApplication *bool      `yaml:"without_application"`
		Documents          []Text     `yaml:"documents"`
		Params             []yParam   `yaml:"params"`
		Conditions         []yCond    `yaml:"conditions"`
		Benefit            []yPart    `yaml:"benefit"`
		Unknown            []yUnknown `yaml:"unknown"`
	}
	yDept struct {
		Key string `yaml:"key"`
		Zh  string `yaml:"zh"`
		En  string `yaml:"en"`
	}
	yPeriod struct {
		From date `yaml:"from"`
		To   date `yaml:"to"`
	}
	yParam struct {
		Name   string   `yaml:"name"`
		Type   string   `yaml:"type"`
		Text   Text     `yaml:"text"`
		Values []yValue `yaml:"values"`
	}
	yValue struct {
		From       date     `yaml:"from"`
		Value      *float64 `yaml:"value"`
		Source     string   `yaml:"source"`
		Assumption bool     `yaml:"assumption"`
		Note       Text     `yaml:"note"`
	}
	yCond struct {
		ID   string `yaml:"id"`
		When string `yaml:"when"`
		Text Text   `yaml:"text"`
	}
	yPart struct {
		ID     string `yaml:"id"`
		Kind   string `yaml:"kind"`
		When   string `yaml:"when"`
		Text   Text   `yaml:"text"`
		CNY    string `yaml:"cny"`
		AtMost bool   `yaml:"at_most"`
		Months string `yaml:"months"`
		Days   string `yaml:"days"`
		After  Text   `yaml:"after"`
		Note   Text   `yaml:"note"`
	}
	yUnknown struct {
		Field string `yaml:"field"`
		Note  Text   `yaml:"note"`
	}
)

// date reads YYYY-MM-DD and says on which line it could not.
type date struct{ easyjob.Date }

func (d *date) UnmarshalYAML(n *yaml.Node) error {
	v, err := easyjob.ParseDate(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil {
		return fmt.Errorf("line %d: a date must be YYYY-MM-DD", n.Line)
	}
	d.Date = v
	return nil
}

// decodeStrict decodes b into v, refusing unknown fields; errors carry the file and line.
func decodeStrict(file string, b []byte, v any) (*yaml.Node, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return nil, yamlErrors(file, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return nil, yamlErrors(file, err)
	}
	return &root, nil
}

var lineRE = regexp.MustCompile(`line (\d+): `)

func yamlErrors(file string, err error) error {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	var errs []error
	for _, m := range msgs {
		line := 1
		if loc := lineRE.FindStringSubmatchIndex(m); loc != nil {
			line, _ = strconv.Atoi(m[loc[2]:loc[3]])
			m = m[:loc[0]] + m[loc[1]:]
		}
		errs = append(errs, &LoadError{file, line, m})
	}
	return errors.Join(errs...)
}

// at finds the node at a path of keys (string) and indices (int) below root; it returns
// the deepest node found, so a missing field is reported at its parent.
func at(root *yaml.Node, steps ...any) *yaml.Node {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	for _, s := range steps {
		var next *yaml.Node
		switch s := s.(type) {
		case string:
			if n.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(n.Content); i += 2 {
					if n.Content[i].Value == s {
						next = n.Content[i+1]
					}
				}
			}
		case int:
			if n.Kind == yaml.SequenceNode && s < len(n.Content) {
				next = n.Content[s]
			}
		}
		if next == nil {
			return n
		}
		n = next
	}
	return n
}
