// Package occupation provides China's Occupational Classification, 2022 edition
// (职业分类大典): 8 major groups (大类), 79 middle groups (中类), 450 minor groups (小类) and
// 1,639 occupations (细类). Codes look like "6-25-04-07" (电子设备装接工); each level adds
// one dash-separated part.
//
// The data is embedded (see data/README.md for provenance) and parsed once on first use;
// lookups are map reads and safe for concurrent use. The package also carries a curated
// list of blue-collar trades with pay bands for Shenzhen in 2020 (see Trades).
package occupation

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Levels of the classification.
const (
	LevelMajor      = 1 // 大类
	LevelMiddle     = 2 // 中类
	LevelMinor      = 3 // 小类
	LevelOccupation = 4 // 细类 (职业)
)

// Occupation is one node of the classification tree.
type Occupation struct {
	Code   string // e.g. "6-25-04-07"
	Name   string // e.g. "电子设备装接工"
	Level  int    // LevelMajor … LevelOccupation
	Parent string // "" for a major group
	Major  string // code of the major group, e.g. "6"
	GBM    string // GB/T 6565 numeric code of a group, e.g. "62504"; "" for occupations
}

//go:embed data/occupations_2022.csv
var csvData []byte

type tables struct {
	byCode   map[string]Occupation
	children map[string][]string // parent → child codes, sorted; "" → major groups
	leaves   []Occupation        // sorted by code
}

var (
	loadOnce sync.Once
	loaded   *tables
)

// table returns the parsed data. The CSV is part of the build, so a parse error is a
// programming error and panics (TestLoad catches it).
func table() *tables {
	loadOnce.Do(func() {
		t, err := load(csvData)
		if err != nil {
			panic("occupation: embedded data: " + err.Error())
		}
		loaded = t
	})
	return loaded
}

func load(b []byte) (*tables, error) {
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
	header, err := cr.Read()
	if err != nil {
		return nil, err
	}
	want := []string{"code", "level", "level_name", "gbm", "name", "parent_code", "major_code"}
	if !slices.Equal(header, want) {
		return nil, fmt.Errorf("header %v, want %v", header, want)
	}
	t := &tables{
		byCode:   make(map[string]Occupation, 2200),
		children: make(map[string][]string, 600),
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		level, err := strconv.Atoi(rec[1])
		if err != nil || level < LevelMajor || level > LevelOccupation {
			return nil, fmt.Errorf("code %s: bad level %q", rec[0], rec[1])
		}
		o := Occupation{
			Code:   strings.TrimSpace(rec[0]),
			Level:  level,
			GBM:    strings.TrimSpace(rec[3]),
			Name:   strings.TrimSpace(rec[4]),
			Parent: strings.TrimSpace(rec[5]),
			Major:  strings.TrimSpace(rec[6]),
		}
		if levelOf(o.Code) != level || o.Name == "" || parentOf(o.Code) != o.Parent || o.Code[:1] != o.Major {
			return nil, fmt.Errorf("inconsistent row %v", rec)
		}
		if _, dup := t.byCode[o.Code]; dup {
			return nil, fmt.Errorf("duplicate code %s", o.Code)
		}
		t.byCode[o.Code] = o
	}
	for code, o := range t.byCode {
		if o.Parent != "" {
			if _, ok := t.byCode[o.Parent]; !ok {
				return nil, fmt.Errorf("%s: unknown parent %s", code, o.Parent)
			}
		}
		t.children[o.Parent] = append(t.children[o.Parent], code)
		if o.Level == LevelOccupation {
			t.leaves = append(t.leaves, o)
		}
	}
	for _, kids := range t.children {
		slices.Sort(kids)
	}
	slices.SortFunc(t.leaves, func(a, b Occupation) int { return strings.Compare(a.Code, b.Code) })
	return t, nil
}

// levelOf returns the level implied by the shape of code ("6", "6-25", "6-25-04",
// "6-25-04-07"), or 0 when it has no valid shape.
func levelOf(code string) int {
	parts := strings.Split(code, "-")
	if len(parts) > LevelOccupation || len(parts[0]) != 1 {
		return 0
	}
	for i, p := range parts {
		if (i > 0 && len(p) != 2) || strings.Trim(p, "0123456789") != "" {
			return 0
		}
	}
	return len(parts)
}

func parentOf(code string) string {
	i := strings.LastIndexByte(code, '-')
	if i < 0 {
		return ""
	}
	return code[:i]
}

// Lookup returns the node with the given code (surrounding space is ignored).
func Lookup(code string) (Occupation, bool) {
	t := table()
	o, ok := t.byCode[code]
	if !ok {
		o, ok = t.byCode[strings.TrimSpace(code)]
	}
	return o, ok
}

// Valid reports whether code is a node of the classification at any level.
func Valid(code string) bool {
	_, ok := Lookup(code)
	return ok
}

// IsLeaf reports whether code is an occupation (level 4, 细类), the level postings and
// seekers are coded at.
func IsLeaf(code string) bool {
	o, ok := Lookup(code)
	return ok && o.Level == LevelOccupation
}

// Name returns the node's name, or "" for an unknown code.
func Name(code string) string {
	o, _ := Lookup(code)
	return o.Name
}

// Chain returns the node and its ancestors, major group first; nil for an unknown code.
func Chain(code string) []Occupation {
	t := table()
	o, ok := Lookup(code)
	if !ok {
		return nil
	}
	chain := make([]Occupation, o.Level)
	for i := o.Level - 1; i >= 0; i-- {
		chain[i] = o
		o = t.byCode[o.Parent]
	}
	return chain
}

// Children returns the nodes directly below code, sorted by code; Children("") returns
// the major groups. Occupations have no children.
func Children(code string) []Occupation {
	t := table()
	kids := t.children[strings.TrimSpace(code)]
	if code != "" && !Valid(code) {
		return nil
	}
	if len(kids) == 0 {
		return nil
	}
	out := make([]Occupation, len(kids))
	for i, k := range kids {
		out[i] = t.byCode[k]
	}
	return out
}

// Siblings returns the other nodes with the same parent as code, sorted by code (for an
// occupation: the other occupations of its minor group). It returns nil for an unknown
// code or an only child.
func Siblings(code string) []Occupation {
	o, ok := Lookup(code)
	if !ok {
		return nil
	}
	var out []Occupation
	for _, s := range Children(o.Parent) {
		if s.Code != o.Code {
			out = append(out, s)
		}
	}
	return out
}

// All returns every occupation (level 4), sorted by code.
func All() []Occupation {
	return slices.Clone(table().leaves)
}

// Related scores how closely two codes relate in the tree, for job matching:
// 3 for the same occupation, 2 for the same minor group (小类), 1 for the same middle
// group (中类), 0 otherwise or when either code is unknown. For group codes the score is
// that of their deepest common node: Related("6-25-04", "6-25-04-07") is 2.
func Related(a, b string) int {
	oa, ok1 := Lookup(a)
	ob, ok2 := Lookup(b)
	if !ok1 || !ok2 {
		return 0
	}
	// Codes are fixed-width per level ("6", "6-25", "6-25-04", "6-25-04-07"), so two
	// codes share a level exactly when they share that level's prefix.
	ca, cb := oa.Code, ob.Code
	shared := 0
	for l := LevelMajor; l <= LevelOccupation; l++ {
		n := 1 + 3*(l-1)
		if n > len(ca) || n > len(cb) || ca[:n] != cb[:n] {
			break
		}
		shared = l
	}
	return max(shared-1, 0)
}

// Search returns the occupations (level 4) whose name contains query or whose code
// starts with it, for a picker. Exact name matches come first, then names starting with
// the query, then other name matches, then occupations found through a trade keyword
// (Trades: "普工", "司机", …; an exact keyword before a partial one, in the curated
// order), then code matches; ties by code. Surrounding space is ignored; an empty query
// returns nil.
func Search(query string) []Occupation {
	q := strings.TrimSpace(query)
	if q == "" {
		return nil
	}
	t := table()
	const (
		exact = iota
		prefix
		contains
		keyword
		code
	)
	type rank struct{ group, sub int }
	ranks := make(map[string]rank)
	for _, o := range t.leaves {
		switch {
		case o.Name == q:
			ranks[o.Code] = rank{exact, 0}
		case strings.HasPrefix(o.Name, q):
			ranks[o.Code] = rank{prefix, 0}
		case strings.Contains(o.Name, q):
			ranks[o.Code] = rank{contains, 0}
		case strings.HasPrefix(o.Code, q):
			ranks[o.Code] = rank{code, 0}
		}
	}
	for i, tr := range trades {
		best := -1
		for _, k := range tr.Keywords {
			switch {
			case k == q:
				best = 0
			case best != 0 && (strings.Contains(k, q) || strings.Contains(q, k)):
				best = 1
			}
		}
		if best < 0 {
			continue
		}
		r := rank{keyword, best*len(trades) + i}
		if old, ok := ranks[tr.Code]; !ok || old.group > keyword {
			ranks[tr.Code] = r
		}
	}
	out := make([]Occupation, 0, len(ranks))
	for c := range ranks {
		out = append(out, t.byCode[c])
	}
	slices.SortFunc(out, func(a, b Occupation) int {
		ra, rb := ranks[a.Code], ranks[b.Code]
		if ra.group != rb.group {
			return ra.group - rb.group
		}
		if ra.sub != rb.sub {
			return ra.sub - rb.sub
		}
		return strings.Compare(a.Code, b.Code)
	})
	return out
}

// Counts returns how many nodes each level holds.
func Counts() map[int]int {
	m := make(map[int]int, 4)
	for _, o := range table().byCode {
		m[o.Level]++
	}
	return m
}
