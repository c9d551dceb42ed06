package api

import (
	"reflect"
	"strings"
	"time"

	"easyjob/internal/easyjob"
)

// OpenAPI builds the OpenAPI 3.1 document from the route table, with
// schemas reflected from the Go types the handlers read and write, so the
// document cannot drift from the code.
func OpenAPI(routes []Route, version string) map[string]any {
	schemas := map[string]any{}
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
				params = append(params, map[string]any{"name": strings.Trim(seg, "{}"), "in": "path", "required": true,
					"schema": map[string]any{"type": "integer", "minimum": 1}})
			}
		}
		for _, q := range r.Query {
			params = append(params, map[string]any{"name": q, "in": "query", "schema": map[string]any{"type": "string"}})
		}
		if params != nil {
			op["parameters"] = params
		}
		if r.In != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": schemaRef(reflect.TypeOf(r.In), schemas)}}}
		}
		ok := map[string]any{"description": "OK"}
		if r.Out != nil {
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": schemaRef(reflect.TypeOf(r.Out), schemas)}}
		}
		status := "200"
		if r.Created {
			status = "201"
		}
		resp := map[string]any{status: ok}
		for _, code := range []string{"400", "401", "403", "404", "409", "422"} {
			resp[code] = map[string]any{"$ref": "#/components/responses/Error"}
		}
		op["responses"] = resp
		if paths[r.Path] == nil {
			paths[r.Path] = map[string]any{}
		}
		paths[r.Path][strings.ToLower(r.Method)] = op
	}
	schemas["Error"] = map[string]any{"type": "object", "required": []string{"error"}, "properties": map[string]any{
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
			"schemas":         schemas,
			"responses":       map[string]any{"Error": map[string]any{"description": "An error", "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}},
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}, "cookie": map[string]any{"type": "apiKey", "in": "cookie", "name": "session"}},
		},
		"security": []any{map[string]any{"bearer": []any{}}, map[string]any{"cookie": []any{}}},
	}
}

var timeType = reflect.TypeOf(time.Time{})
var dateType = reflect.TypeOf(easyjob.Date{})

func schemaRef(t reflect.Type, schemas map[string]any) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
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
		return map[string]any{"type": "array", "items": schemaRef(t.Elem(), schemas)}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaRef(t.Elem(), schemas)}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Struct:
		name := t.Name()
		if name == "" || strings.Contains(name, "[") {
			name = strings.NewReplacer("[", "_", "]", "", ".", "_", "/", "_").Replace(t.String())
		}
		if _, ok := schemas[name]; !ok {
			schemas[name] = map[string]any{} // break cycles
			props := map[string]any{}
			addFields(t, props, schemas)
			schemas[name] = map[string]any{"type": "object", "properties": props}
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}

func addFields(t reflect.Type, props map[string]any, schemas map[string]any) {
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		name := strings.Split(tag, ",")[0]
		if tag == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			addFields(f.Type, props, schemas)
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = schemaRef(f.Type, schemas)
	}
}
