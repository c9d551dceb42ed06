package region

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
)

//go:embed data/regions/*.csv data/geo/coordinates_wgs84.csv data/twinning/*.csv
var files embed.FS

// tables holds the parsed data; it is built once and never modified afterwards.
type tables struct {
	divs     map[string]Division
	children map[string][]string // parent code → child codes, sorted; "" → provinces
	points   map[string]Point    // current code → seat of government
	pairings map[string]Pairing  // county code → pairing
	paired   []Pairing           // sorted by county code
}

var (
	loadOnce sync.Once
	loaded   *tables
)

// table returns the parsed data, parsing the embedded files on first use. The
// embedded files are part of the build, so a parse error is a programming error and
// panics (TestLoad catches it).
func table() *tables {
	loadOnce.Do(func() {
		t, err := load(files)
		if err != nil {
			panic("region: embedded data: " + err.Error())
		}
		loaded = t
	})
	return loaded
}

func load(fsys embed.FS) (*tables, error) {
	t := &tables{
		divs:     make(map[string]Division, 4000),
		children: make(map[string][]string, 400),
		points:   make(map[string]Point, 3300),
		pairings: make(map[string]Pairing, 32),
	}
	type source struct {
		file   string
		level  Level
		parent string // column holding the parent code
	}
	for _, s := range []source{
		{"data/regions/provinces.csv", Province, ""},
		{"data/regions/cities.csv", Prefecture, "provinceCode"},
		{"data/regions/areas.csv", County, "cityCode"},
		{"data/regions/streets_shenzhen.csv", Street, "areaCode"},
		{"data/regions/townships_paired_counties.csv", Township, "areaCode"},
	} {
		err := eachRow(fsys, s.file, func(r row) error {
			d := Division{Code: r.get("code"), Name: r.get("name"), Level: s.level}
			if s.parent != "" {
				d.Parent = r.get(s.parent)
			}
			if len(d.Code) != codeLen(s.level) || !digits(d.Code) || d.Name == "" {
				return fmt.Errorf("bad %s row %q %q", s.level, d.Code, d.Name)
			}
			if _, dup := t.divs[d.Code]; dup {
				return fmt.Errorf("duplicate code %s", d.Code)
			}
			t.divs[d.Code] = d
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for code, d := range t.divs {
		if d.Parent != "" {
			p, ok := t.divs[d.Parent]
			if !ok || p.Level >= d.Level || !strings.HasPrefix(code, d.Parent) {
				return nil, fmt.Errorf("%s: bad parent %q", code, d.Parent)
			}
		}
		t.children[d.Parent] = append(t.children[d.Parent], code)
	}
	for _, kids := range t.children {
		slices.Sort(kids)
	}

	err := eachRow(fsys, "data/geo/coordinates_wgs84.csv", func(r row) error {
		code := r.get("code")
		switch r.get("level") {
		case "province":
			code = strings.TrimSuffix(code, "0000")
		case "prefecture":
			code = strings.TrimSuffix(code, "00")
		}
		lat, err1 := strconv.ParseFloat(r.get("lat"), 64)
		lng, err2 := strconv.ParseFloat(r.get("lng"), 64)
		if err1 != nil || err2 != nil || lat < 3 || lat > 54 || lng < 73 || lng > 136 {
			return fmt.Errorf("bad point for %s", code)
		}
		// Points for codes outside the 2020 table (Hong Kong, Macao, Taiwan and units
		// created after mid-2020) are not needed.
		if _, ok := t.divs[code]; ok {
			t.points[code] = Point{Lat: lat, Lng: lng}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}

	if err := loadPairings(fsys, t); err != nil {
		return nil, err
	}
	return t, nil
}

func codeLen(l Level) int {
	switch l {
	case Province:
		return 2
	case Prefecture:
		return 4
	case County:
		return 6
	}
	return 9
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// row gives access to one CSV record by column name.
type row struct {
	cols   map[string]int
	record []string
}

func (r row) get(name string) string {
	i, ok := r.cols[name]
	if !ok || i >= len(r.record) {
		return ""
	}
	return strings.TrimSpace(r.record[i])
}

// eachRow calls fn for every record of the CSV file after its header.
func eachRow(fsys embed.FS, name string, fn func(row) error) error {
	b, err := fsys.ReadFile(name)
	if err != nil {
		return err
	}
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	cols := make(map[string]int, len(header))
	for i, h := range header {
		cols[strings.TrimSpace(h)] = i
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := fn(row{cols: cols, record: rec}); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
}
