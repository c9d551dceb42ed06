package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"unicode/utf8"

	"easyjob/internal/easyjob"
	"easyjob/internal/httpx"
	"easyjob/internal/search"
	"easyjob/internal/store"
)

// Lists of postings (recommendations, search) write each posting's card
// (PostingCard), and a posting's detail the whole posting, from bytes
// encoded once per version of the posting (store.Matching.PostingJSON: the
// card once, the detail once per language): the same bytes httpx.JSON
// writes for the types the OpenAPI document names (Recommendations,
// PostingList, easyjob.Posting; TestEncodedAsBefore).

// encodeJSON is v as httpx.JSON writes it, without the final newline.
func encodeJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// encodePosting is p as httpx.JSON writes it, without the final newline.
func encodePosting(p easyjob.Posting) ([]byte, error) { return encodeJSON(p) }

// postingJSON is p with its checks in the reader's language, encoded: the
// live posting's bytes from memory when it is held there, else encoded now.
func (h *Handler) postingJSON(r *http.Request, p easyjob.Posting) (json.RawMessage, error) {
	enc := func(p easyjob.Posting) ([]byte, error) { return encodePosting(localiseChecks(h, r, p)) }
	if m := h.S.Matching; m != nil && m.IsBuilt() {
		b, ok, err := m.PostingJSON(p.ID, httpx.Lang(r.Context()), enc)
		if err != nil || ok {
			return b, err
		}
	}
	return enc(p)
}

// The lists are written by hand around the encoded cards: encoding/json
// would scan each json.RawMessage again to compact it (a tenth of the CPU
// of the API mix). What is not a posting is encoded by encoding/json, as
// an object whose members follow the postings'.

// recommendationRest is store.Recommendation after its posting.
type recommendationRest struct {
	Score   float64        `json:"score"`
	Reasons []store.Reason `json:"reasons"`
	Kind    string         `json:"kind"`
}

// encodeRest encodes v (an object) as httpx.JSON does, without the final
// newline.
func encodeRest(b *bytes.Buffer, v any) error {
	n := b.Len()
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	b.Truncate(b.Len() - 1) // the newline
	if b.Len()-n < 2 || b.Bytes()[n] != '{' {
		return fmt.Errorf("api: %T is not written as an object", v)
	}
	return nil
}

// spliceRest writes the members of the object v after what b holds, with
// a comma when it has members.
func spliceRest(b *bytes.Buffer, v any) error {
	var rest bytes.Buffer
	if err := encodeRest(&rest, v); err != nil {
		return err
	}
	members := rest.Bytes()[1:] // after "{"
	if len(members) > 1 {
		b.WriteByte(',')
	}
	b.Write(members)
	return nil
}

// answerBufs keeps the buffers that list answers are written into. A
// recommendation page is some 30 KB: growing a new buffer to it for every
// answer was two fifths of the bytes the server allocated in the API mix,
// so of its collections, whose marking slows every request while it runs.
var answerBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// answerBufMax is the largest buffer kept: a rare long list does not pin
// its memory for good.
const answerBufMax = 1 << 20

// writeEncoded writes, with status 200, the JSON answer that encode writes
// into a kept buffer (the ResponseWriter copies it, as every io.Writer
// must not keep what it is given).
func writeEncoded(w http.ResponseWriter, encode func(*bytes.Buffer) error) error {
	b := answerBufs.Get().(*bytes.Buffer)
	defer func() {
		if b.Cap() <= answerBufMax {
			b.Reset()
			answerBufs.Put(b)
		}
	}()
	if err := encode(b); err != nil {
		return err
	}
	httpx.JSONBytes(w, http.StatusOK, b.Bytes())
	return nil
}

// encodedRecommendations writes into b the Recommendations of items and
// empty as httpx.JSON would, each posting's card encoded by card.
func encodedRecommendations(b *bytes.Buffer, items []store.Recommendation, empty *store.EmptyPage, card func(easyjob.Posting) (json.RawMessage, error)) error {
	err := writeItems(b, items, func(x store.Recommendation) error {
		p, err := card(x.Posting)
		if err != nil {
			return err
		}
		b.WriteString(`{"posting":`)
		b.Write(p)
		return appendRecommendationRest(b, x)
	})
	if err != nil {
		return err
	}
	if err := spliceRest(b, struct {
		Empty *store.EmptyPage `json:"empty,omitempty"`
	}{empty}); err != nil {
		return err
	}
	b.WriteByte('\n')
	return nil
}

// encodedSearch writes into b the PostingList of v as httpx.JSON would,
// each posting's card encoded by card.
func encodedSearch(b *bytes.Buffer, v store.SearchResult, card func(easyjob.Posting) (json.RawMessage, error)) error {
	err := writeItems(b, v.Items, func(x easyjob.Posting) error {
		p, err := card(x)
		if err == nil {
			b.Write(p)
		}
		return err
	})
	if err != nil {
		return err
	}
	if err := spliceRest(b, struct {
		Total      int           `json:"total"`
		Facets     search.Facets `json:"facets"`
		NextCursor string        `json:"next_cursor"`
	}{v.Total, v.Facets, v.NextCursor}); err != nil {
		return err
	}
	b.WriteByte('\n')
	return nil
}

// writeItems starts an answer's object with its "items" as httpx.JSON
// would write them (null for a nil list), each written by item.
func writeItems[T any](b *bytes.Buffer, items []T, item func(T) error) error {
	b.WriteString(`{"items":`)
	if items == nil {
		b.WriteString("null")
		return nil
	}
	b.WriteByte('[')
	for i, x := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := item(x); err != nil {
			return err
		}
	}
	b.WriteByte(']')
	return nil
}

// appendRecommendationRest writes x's members after its posting and closes
// the object, as spliceRest(b, recommendationRest{…}) does, by hand:
// encoding/json took four times as long with 14 allocations an item
// (BenchmarkRecommendationRest), some 7 % of a page's CPU.
// TestRestAsEncodingJSON holds the bytes to encoding/json's.
func appendRecommendationRest(b *bytes.Buffer, x store.Recommendation) error {
	if math.IsNaN(x.Score) || math.IsInf(x.Score, 0) {
		return spliceRest(b, recommendationRest{Score: x.Score, Reasons: x.Reasons, Kind: x.Kind}) // encoding/json's error
	}
	buf := b.AvailableBuffer()
	buf = append(buf, `,"score":`...)
	buf = appendJSONFloat(buf, x.Score)
	buf = append(buf, `,"reasons":`...)
	if x.Reasons == nil {
		buf = append(buf, "null"...)
	} else {
		buf = append(buf, '[')
		for i, r := range x.Reasons {
			if i > 0 {
				buf = append(buf, ',')
			}
			var err error
			if buf, err = appendReason(buf, r); err != nil {
				return err
			}
		}
		buf = append(buf, ']')
	}
	buf = append(buf, `,"kind":`...)
	buf = appendJSONString(buf, x.Kind)
	buf = append(buf, '}')
	b.Write(buf)
	return nil
}

// appendReason writes r as encoding/json does (Args omitted when empty, its
// keys sorted); an argument of a type it does not know is left to
// encoding/json.
func appendReason(buf []byte, r store.Reason) ([]byte, error) {
	buf = append(buf, `{"key":`...)
	buf = appendJSONString(buf, r.Key)
	if len(r.Args) > 0 {
		buf = append(buf, `,"args":{`...)
		keys := make([]string, 0, len(r.Args))
		for k := range r.Args {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendJSONString(buf, k)
			buf = append(buf, ':')
			switch v := r.Args[k].(type) {
			case nil:
				buf = append(buf, "null"...)
			case string:
				buf = appendJSONString(buf, v)
			case bool:
				buf = strconv.AppendBool(buf, v)
			case int:
				buf = strconv.AppendInt(buf, int64(v), 10)
			case int64:
				buf = strconv.AppendInt(buf, v, 10)
			case int32:
				buf = strconv.AppendInt(buf, int64(v), 10)
			default:
				var b bytes.Buffer
				if err := encodeRest(&b, map[string]any{"": v}); err != nil {
					return nil, err
				}
				buf = append(buf, b.Bytes()[len(`{"":`):b.Len()-1]...)
			}
		}
		buf = append(buf, '}')
	}
	buf = append(buf, `,"message":`...)
	buf = appendJSONString(buf, r.Message)
	return append(buf, '}'), nil
}

// appendJSONFloat writes a finite f as encoding/json writes a float64.
func appendJSONFloat(buf []byte, f float64) []byte {
	format := byte('f')
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		format = 'e'
	}
	buf = strconv.AppendFloat(buf, f, format, -1, 64)
	if format == 'e' {
		// e-09 → e-9, as encoding/json writes it.
		if n := len(buf); n >= 4 && buf[n-4] == 'e' && buf[n-3] == '-' && buf[n-2] == '0' {
			buf[n-2] = buf[n-1]
			buf = buf[:n-1]
		}
	}
	return buf
}

// appendJSONString writes s as encoding/json does with HTML escaping off:
// quotes, backslashes and control characters escaped, U+2028 and U+2029
// escaped, invalid UTF-8 as U+FFFD.
func appendJSONString(buf []byte, s string) []byte {
	const hex = "0123456789abcdef"
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			buf = append(buf, s[start:i]...)
			switch c {
			case '"', '\\':
				buf = append(buf, '\\', c)
			case '\b':
				buf = append(buf, '\\', 'b')
			case '\f':
				buf = append(buf, '\\', 'f')
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, s[start:i]...)
			buf = append(buf, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			buf = append(buf, s[start:i]...)
			buf = append(buf, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}
