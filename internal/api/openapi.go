package api

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"

	"easyjob/internal/briefing"
	"easyjob/internal/easyjob"
	"easyjob/internal/epidemic"
	"easyjob/internal/httpx"
	"easyjob/internal/support"
)

// OpenAPI builds the OpenAPI 3.1 document from the route table, with
// schemas reflected from the Go types the handlers read and write, so the
// document cannot drift from the code.
//
// How Go becomes JSON Schema: a field with omitempty or omitzero may be
// absent; every other field of a response is required (encoding/json always
// writes it). A pointer without omitempty may be null, so its type is
// [T, "null"]. Types that are also read from requests mark nothing
// required, since clients may leave out what the handlers default.
// Parameters are typed by name (paramSchemas, pathSchemas).
func OpenAPI(routes []Route, version string) map[string]any {
	// A first pass finds every type reachable from the routes, so that
	// types of different packages sharing a name get distinct schemas.
	first := &gen{schemas: map[string]any{}, input: map[reflect.Type]bool{}, byName: map[string][]reflect.Type{}}
	first.document(routes, version)
	return (&gen{schemas: map[string]any{}, input: map[reflect.Type]bool{}, names: schemaNames(first.byName)}).document(routes, version)
}

// corePackages keep the bare type name for their schema when types of
// other packages share it (earliest first); the others are named with
// their package: Status is api.Status, epidemic_Status epidemic.Status.
var corePackages = []string{"easyjob/internal/api", "easyjob/internal/easyjob", "easyjob/internal/store", "easyjob/internal/charter"}

// laterPackages are systems added after the names in the recorded contract
// (testdata/openapi-contract.json): a type of theirs whose bare name is
// shared always takes its qualified name (equipment_Entry) and leaves the
// names recorded before it as they were (retention's Entry stays Entry).
var laterPackages = map[string]bool{"easyjob/internal/equipment": true, "easyjob/internal/goodwill": true}

// bareNames keep a name for the package that had it first, when no core
// package has a type of that name: support.Item was Item before
// briefing.Item came, and the recorded contract keeps it.
var bareNames = map[string]string{"Item": "easyjob/internal/support"}

// schemaNames names the schemas of types whose bare name is shared.
func schemaNames(byName map[string][]reflect.Type) map[reflect.Type]string {
	out := map[reflect.Type]string{}
	for _, all := range byName {
		if len(all) < 2 {
			continue
		}
		var ts []reflect.Type
		for _, t := range all {
			if laterPackages[t.PkgPath()] {
				out[t] = qualified(t)
			} else {
				ts = append(ts, t)
			}
		}
		if len(ts) < 2 {
			continue
		}
		keep := -1
		for _, pkg := range corePackages {
			var in []int
			for i, t := range ts {
				if t.PkgPath() == pkg {
					in = append(in, i)
				}
			}
			if len(in) > 0 {
				if len(in) == 1 {
					keep = in[0]
				}
				break
			}
		}
		if keep < 0 {
			for i, t := range ts {
				if bareNames[t.Name()] == t.PkgPath() {
					keep = i
				}
			}
		}
		for i, t := range ts {
			if i != keep {
				out[t] = qualified(t)
			}
		}
	}
	return out
}

// qualified names a type's schema with its package: epidemic_Status.
func qualified(t reflect.Type) string {
	return strings.NewReplacer("[", "_", "]", "", ".", "_", "/", "_").Replace(t.String())
}

func (g *gen) document(routes []Route, version string) map[string]any {
	for _, r := range routes {
		if r.In != nil {
			g.markInput(reflect.TypeOf(r.In))
		}
	}
	paths := map[string]map[string]any{}
	for _, r := range routes {
		op := map[string]any{
			"summary":     r.Summary,
			"operationId": r.ID,
			"tags":        []string{r.Tag},
		}
		if r.Public {
			op["security"] = []any{}
		}
		var params []any
		for _, seg := range strings.Split(r.Path, "/") {
			if strings.HasPrefix(seg, "{") {
				name := strings.Trim(seg, "{}")
				params = append(params, map[string]any{"name": name, "in": "path", "required": true, "schema": r.param(name, pathSchema)})
			}
		}
		for _, q := range r.Query {
			params = append(params, map[string]any{"name": q, "in": "query", "schema": r.param(q, paramSchema)})
		}
		if params != nil {
			op["parameters"] = params
		}
		if r.In != nil {
			op["requestBody"] = map[string]any{"required": !r.OptionalBody, "content": map[string]any{
				"application/json": map[string]any{"schema": g.ref(reflect.TypeOf(r.In))}}}
		}
		ok := map[string]any{"description": "OK"}
		if r.Out != nil {
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": g.ref(reflect.TypeOf(r.Out))}}
		}
		status := "200"
		switch {
		case r.Created:
			status = "201"
		case r.Accepted:
			status = "202"
		}
		resp := map[string]any{status: ok}
		for _, code := range errorStatuses {
			resp[code] = map[string]any{"$ref": "#/components/responses/Error"}
		}
		op["responses"] = resp
		if paths[r.Path] == nil {
			paths[r.Path] = map[string]any{}
		}
		paths[r.Path][strings.ToLower(r.Method)] = op
	}
	g.schemas["Error"] = map[string]any{"type": "object", "required": []string{"error"}, "properties": map[string]any{
		"error": map[string]any{"type": "object", "required": []string{"code", "message"}, "properties": map[string]any{
			"code":    map[string]any{"type": "string", "enum": []string{easyjob.EBADREQUEST, easyjob.EUNAUTHORIZED, easyjob.EFORBIDDEN, easyjob.ENOTFOUND, easyjob.ECONFLICT, easyjob.EINVALID, easyjob.ERATELIMIT, easyjob.EINTERNAL, easyjob.EUNAVAILABLE}},
			"message": map[string]any{"type": "string"},
			"fields":  map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}},
		}}}}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "easyjob API", "version": version,
			"description": "易就业 public employment platform. Lists paginate with limit and cursor and answer {items, next_cursor}. " +
				"Errors answer {error: {code, message, fields}} with messages in the language of Accept-Language (zh-CN by default)."},
		"servers": []any{map[string]any{"url": "/api/v1"}},
		"paths":   paths,
		"components": map[string]any{
			"schemas":         g.schemas,
			"responses":       map[string]any{"Error": map[string]any{"description": "An error", "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}},
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}, "cookie": map[string]any{"type": "apiKey", "in": "cookie", "name": httpx.SessionCookie}},
		},
		"security": []any{map[string]any{"bearer": []any{}}, map[string]any{"cookie": []any{}}},
	}
}

// errorStatuses are the error answers every operation may give, in the
// Error shape.
var errorStatuses = []string{"400", "401", "403", "404", "409", "422", "429", "500", "503"}

// param is the schema of the route's parameter name: the route's own type
// (Params) or the one the name has everywhere (byName).
func (r Route) param(name string, byName func(string) map[string]any) map[string]any {
	if s, ok := r.Params[name]; ok {
		return s
	}
	return byName(name)
}

// regionCode is a six-digit administrative division code (GB/T 2260).
var regionCode = map[string]any{"type": "string", "pattern": "^[0-9]{6}$"}

// pathSchemas types the path parameters by name; any other is a string.
var pathSchemas = map[string]map[string]any{
	"id":     {"type": "integer", "minimum": 1},
	"county": regionCode,
	"code":   regionCode,
	"date":   dateParam,
	"token":  {"type": "string", "minLength": 1},
}

func pathSchema(name string) map[string]any {
	if s, ok := pathSchemas[name]; ok {
		return s
	}
	return map[string]any{"type": "string"}
}

var (
	idParam   = map[string]any{"type": "integer", "minimum": 1}
	dateParam = map[string]any{"type": "string", "format": "date"}
	boolParam = map[string]any{"type": "boolean"}
)

// paramSchemas types the query parameters by name, as the handlers parse
// them (TestQueryParametersTyped checks that every one is here).
var paramSchemas = map[string]map[string]any{
	"limit":       {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
	"cursor":      {"type": "string"},
	"employer_id": idParam, "seeker_id": idParam, "posting_id": idParam, "plan_id": idParam,
	"date": dateParam, "start_from": dateParam, "start_to": dateParam,
	"dorm": boolParam, "meals": boolParam, "verified": boolParam,
	"pay_min": {"type": "integer", "minimum": 0}, "pay_max": {"type": "integer", "minimum": 0},
	"state":  {"type": "string", "enum": states()},
	"status": {"type": "string", "enum": []string{string(easyjob.PostingDraft), string(easyjob.PostingPending), string(easyjob.PostingPublished), string(easyjob.PostingReturned), string(easyjob.PostingClosed)}},
	"health": {"type": "string", "enum": []string{easyjob.HealthGreen, easyjob.HealthYellow, easyjob.HealthRed}},
	"county": {"type": "string"}, "district": {"type": "string"}, "q": {"type": "string"},
	"occupation": {"type": "string"}, "reveal": {"type": "string"},
	// Retention, epidemic reports and enterprise support.
	"due_before": dateParam, "from": dateParam, "to": dateParam, "as_of": dateParam,
	"waiting": boolParam, "escalated": boolParam, "disagree": boolParam, "pending": boolParam,
	"open": boolParam, "overdue": boolParam, "confirm": boolParam,
	// Dashboards and the daily briefing.
	"group_by": {"type": "string", "enum": briefing.Groupings, "default": "origin_county"},
	"region":   regionCode, "employer": idParam, "trade": {"type": "string", "minLength": 1},
	"lang":       {"type": "string", "enum": briefing.Languages, "default": "zh-CN"},
	"rule":       {"type": "string", "minLength": 1},
	"month":      {"type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$"},
	"by":         {"type": "string", "enum": []string{"rule", "county", "district", "month"}, "default": "rule"},
	"department": {"type": "string", "enum": departments()},
	"measure":    {"type": "string", "enum": measures()},
	// Goodwill.
	"org_id": idParam,
}

func departments() []string {
	out := make([]string, len(support.Departments))
	for i, d := range support.Departments {
		out[i] = d.Key
	}
	return out
}

func measures() []string {
	return slices.Sorted(maps.Keys(support.Catalogue))
}

func paramSchema(name string) map[string]any {
	if s, ok := paramSchemas[name]; ok {
		return s
	}
	return map[string]any{"type": "string"}
}

func states() []string {
	out := make([]string, len(easyjob.States))
	for i, s := range easyjob.States {
		out[i] = string(s)
	}
	return out
}

// optionalFields are fields always written by their type but absent from
// some answers that share its schema: GET /postings without search
// parameters answers a plain page, without total and facets.
var optionalFields = map[reflect.Type]map[string]bool{
	reflect.TypeOf(PostingList{}): {"total": true, "facets": true},
}

var timeType = reflect.TypeOf(time.Time{})
var dateType = reflect.TypeOf(easyjob.Date{})

// gen reflects Go types into named schemas.
type gen struct {
	schemas map[string]any
	input   map[reflect.Type]bool // struct types read from requests
	// byName, on the first pass, collects the struct types by bare name
	// (each schema then named by its full type, so every type is reached).
	byName map[string][]reflect.Type
	names  map[reflect.Type]string // schema names of types sharing a bare name
}

// schemaHooks are the schemas of types whose JSON encoding is their own.
var schemaHooks = map[reflect.Type]map[string]any{
	// A reported count: a whole number, or missing as null or "" (or absent).
	reflect.TypeOf(epidemic.Value{}): {"anyOf": []any{
		map[string]any{"type": "integer", "minimum": 0, "maximum": epidemic.MaxCount},
		map[string]any{"type": "null"},
		map[string]any{"type": "string", "maxLength": 0}},
		"description": "a whole number, or null or \"\" when missing (never 0 for missing)"},
}

// unions are types documented as any of other types' schemas (they are
// never encoded themselves).
var unions = map[reflect.Type]struct {
	of          []reflect.Type
	description string
}{
	reflect.TypeOf(listedPosting{}): {[]reflect.Type{reflect.TypeOf(PostingCard{}), reflect.TypeOf(easyjob.Posting{})},
		"a posting's card when searching, the whole posting otherwise"},
}

// markInput records every struct type reachable from a request body.
func (g *gen) markInput(t reflect.Type) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t == timeType || t == dateType || g.input[t] {
		return
	}
	g.input[t] = true
	for i := range t.NumField() {
		if f := t.Field(i); f.IsExported() {
			g.markInput(f.Type)
		}
	}
}

func (g *gen) ref(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if s, ok := schemaHooks[t]; ok {
		return s
	}
	if u, ok := unions[t]; ok {
		var of []any
		for _, x := range u.of {
			of = append(of, g.ref(x))
		}
		return map[string]any{"anyOf": of, "description": u.description}
	}
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == dateType:
		return map[string]any{"type": "string", "format": "date"}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": g.ref(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.ref(t.Elem())}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Struct:
		name := t.Name()
		switch {
		case name == "" || strings.Contains(name, "["):
			name = qualified(t)
		case g.byName != nil:
			if _, ok := g.schemas[qualified(t)]; !ok {
				g.byName[name] = append(g.byName[name], t)
			}
			name = qualified(t)
		case g.names[t] != "":
			name = g.names[t]
		}
		if _, ok := g.schemas[name]; !ok {
			g.schemas[name] = map[string]any{} // break cycles
			props := map[string]any{}
			var required []string
			g.addFields(t, props, &required, !g.input[t])
			s := map[string]any{"type": "object", "properties": props}
			if len(required) > 0 {
				s["required"] = required
			}
			g.schemas[name] = s
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}

// addFields adds t's JSON fields to props; with require, the fields
// encoding/json always writes go to required.
func (g *gen) addFields(t reflect.Type, props map[string]any, required *[]string, require bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			et := f.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
				require = false // a nil embedded pointer writes none of its fields
			}
			if et.Kind() == reflect.Struct {
				g.addFields(et, props, required, require && !g.input[et])
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		omit := strings.Contains(","+opts+",", ",omitempty,") || strings.Contains(","+opts+",", ",omitzero,")
		s := g.ref(f.Type)
		if f.Type.Kind() == reflect.Pointer && !omit {
			s = nullable(s)
		}
		props[name] = s
		if require && !omit && !optionalFields[t][name] {
			*required = append(*required, name)
		}
	}
}

// nullable lets s also be null: a type list for plain types, anyOf for a
// reference.
func nullable(s map[string]any) map[string]any {
	if t, ok := s["type"].(string); ok {
		out := map[string]any{}
		for k, v := range s {
			out[k] = v
		}
		out["type"] = []string{t, "null"}
		return out
	}
	return map[string]any{"anyOf": []any{s, map[string]any{"type": "null"}}}
}
