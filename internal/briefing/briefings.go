package briefing

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"easyjob/internal/easyjob"
	"easyjob/internal/store"
)

// Status is where a briefing is: a draft the writer edits, or published.
type Status string

const (
	StatusDraft     Status = "draft"
	StatusPublished Status = "published"
)

// Published tells whether the briefing is public.
func (s Status) Published() bool { return s == StatusPublished }

// Languages a briefing is written in.
var Languages = []string{"zh-CN", "en"}

// Item is one numbered paragraph: its text, its source, the dashboard view it
// came from, and its figures.
type Item struct {
	ID       int64    `json:"id,omitempty"`
	Provider string   `json:"provider"`
	Body     string   `json:"body"`
	Source   string   `json:"source"`
	Link     string   `json:"link,omitempty"`
	Figures  []Figure `json:"figures"`
}

// Header is the briefing's header line: Writer | Editor | From | Updated.
type Header struct {
	Writer  string    `json:"writer"`
	Editor  string    `json:"editor"`
	From    string    `json:"from"`
	Updated time.Time `json:"updated"`
}

// Body is a published text: the header and the items, frozen.
type Body struct {
	Header Header `json:"header"`
	Items  []Item `json:"items"`
}

// Revision is one published text of a briefing: the first publication, then
// each correction, with its time and note.
type Revision struct {
	Version int       `json:"version"`
	At      time.Time `json:"at"`
	By      string    `json:"by"`
	Note    string    `json:"note,omitempty"`
	Body    Body      `json:"body"`
}

// Briefing is a day's briefing in a language.
type Briefing struct {
	ID          int64        `json:"id"`
	Day         easyjob.Date `json:"day"`
	Lang        string       `json:"lang"`
	Status      Status       `json:"status"`
	WriterID    int64        `json:"writer_id"`
	EditorID    int64        `json:"editor_id,omitempty"`
	Writer      string       `json:"writer"`
	Editor      string       `json:"editor,omitempty"`
	Version     int          `json:"version"`
	UpdatedAt   time.Time    `json:"updated_at"`
	PublishedAt time.Time    `json:"published_at,omitempty"`
	// Items are the draft's items, or the current published text's.
	Items []Item `json:"items"`
	// Revisions are the published texts, newest first.
	Revisions []Revision `json:"revisions,omitempty"`
}

// Current is the published text now in force (the newest revision).
func (b Briefing) Current() (Body, bool) {
	if len(b.Revisions) == 0 {
		return Body{}, false
	}
	return b.Revisions[0].Body, true
}

func mayWrite(a easyjob.Actor) error {
	if !a.IsOfficer() || !a.IsCityWide() {
		return store.Forbidden()
	}
	return nil
}

func checkLang(lang string) error {
	for _, l := range Languages {
		if l == lang {
			return nil
		}
	}
	f := easyjob.Fields{}
	f.Add("lang", "briefing.field.lang")
	return f.Err()
}

// Draft returns the day's briefing in a language, drafting it from the
// providers' items when there is none yet (city officers).
func (s *Service) Draft(ctx context.Context, a easyjob.Actor, day easyjob.Date, lang string) (_ Briefing, err error) {
	defer func() { err = store.Wrap(err, "briefing.Draft") }()
	if err := mayWrite(a); err != nil {
		return Briefing{}, err
	}
	if err := checkLang(lang); err != nil {
		return Briefing{}, err
	}
	if day.IsZero() || day.After(easyjob.DateOf(s.S.Now())) || day.Before(FirstDay) {
		f := easyjob.Fields{}
		f.Add("day", "briefing.field.day")
		return Briefing{}, f.Err()
	}
	if b, err := s.byDay(ctx, day, lang); err == nil {
		return b, nil
	} else if easyjob.ErrorCode(err) != easyjob.ENOTFOUND {
		return Briefing{}, err
	}
	if err := s.current(ctx); err != nil {
		return Briefing{}, err
	}
	items, err := s.items(ctx, day, lang)
	if err != nil {
		return Briefing{}, err
	}
	var id int64
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO briefings (day, lang, writer_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id`,
			day.String(), lang, a.UserID, easyjob.Millis(tx.Now)).Scan(&id); err != nil {
			return err
		}
		for i, it := range items {
			if err := insertItem(ctx, tx, id, i+1, it); err != nil {
				return err
			}
		}
		return nil
	})
	if _, ok := store.UniqueViolation(err); ok { // drafted at the same moment by another writer
		return s.byDay(ctx, day, lang)
	}
	if err != nil {
		return Briefing{}, err
	}
	return s.Get(ctx, a, id)
}

// items asks every provider for its items; a provider whose system has no
// figures for the day (a date its rules do not cover) adds none.
func (s *Service) items(ctx context.Context, day easyjob.Date, lang string) ([]Item, error) {
	var out []Item
	for _, p := range s.Providers {
		xs, err := p.Items(ctx, day, lang)
		if easyjob.ErrorCode(err) == easyjob.EINVALID {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, xs...)
	}
	return out, nil
}

func insertItem(ctx context.Context, tx *store.Tx, id int64, seq int, it Item) error {
	figs, err := json.Marshal(it.Figures)
	if err != nil {
		return err
	}
	if it.Figures == nil {
		figs = []byte("[]")
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO briefing_items (briefing_id, seq, provider, body, source, link, figures) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		id, seq, it.Provider, it.Body, it.Source, it.Link, string(figs))
	return err
}

func (s *Service) byDay(ctx context.Context, day easyjob.Date, lang string) (Briefing, error) {
	var id int64
	err := s.S.DB.R.QueryRowContext(ctx, `SELECT id FROM briefings WHERE day = $1 AND lang = $2`, day.String(), lang).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return Briefing{}, easyjob.NotFound("briefing")
	}
	if err != nil {
		return Briefing{}, err
	}
	return s.load(ctx, s.S.DB.R, id)
}

// Get returns a briefing with its items and revisions (city officers).
func (s *Service) Get(ctx context.Context, a easyjob.Actor, id int64) (_ Briefing, err error) {
	defer func() { err = store.Wrap(err, "briefing.Get", "id", id) }()
	if err := mayWrite(a); err != nil {
		return Briefing{}, err
	}
	return s.load(ctx, s.S.DB.R, id)
}

// Published returns the published briefing of a day in a language, for
// everyone; a draft is not found.
func (s *Service) Published(ctx context.Context, day easyjob.Date, lang string) (_ Briefing, err error) {
	defer func() { err = store.Wrap(err, "briefing.Published") }()
	if err := checkLang(lang); err != nil {
		return Briefing{}, err
	}
	b, err := s.byDay(ctx, day, lang)
	if err != nil {
		return Briefing{}, err
	}
	if !b.Status.Published() {
		return Briefing{}, easyjob.NotFound("briefing")
	}
	return b, nil
}

// querier is a pool or a transaction.
type querier interface {
	store.Querier
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *Service) load(ctx context.Context, q querier, id int64) (Briefing, error) {
	var b Briefing
	var day string
	var editor sql.NullInt64
	var writerName, editorName sql.NullString
	var updated, published int64
	err := q.QueryRowContext(ctx, `SELECT b.id, b.day, b.lang, b.status, b.writer_id, b.editor_id, w.name, e.name, b.version, b.updated_at, b.published_at
		FROM briefings b JOIN users w ON w.id = b.writer_id LEFT JOIN users e ON e.id = b.editor_id WHERE b.id = $1`, id).
		Scan(&b.ID, &day, &b.Lang, &b.Status, &b.WriterID, &editor, &writerName, &editorName, &b.Version, &updated, &published)
	if errors.Is(err, sql.ErrNoRows) {
		return b, easyjob.NotFound("briefing")
	}
	if err != nil {
		return b, err
	}
	b.Day, _ = easyjob.ParseDate(day)
	b.EditorID, b.Writer, b.Editor = editor.Int64, writerName.String, editorName.String
	b.UpdatedAt = easyjob.FromMillis(updated)
	if published > 0 {
		b.PublishedAt = easyjob.FromMillis(published)
	}
	b.Items, err = store.Select(ctx, q, func(r store.Scanner) (Item, error) {
		var it Item
		var figs string
		if err := r.Scan(&it.ID, &it.Provider, &it.Body, &it.Source, &it.Link, &figs); err != nil {
			return it, err
		}
		return it, json.Unmarshal([]byte(figs), &it.Figures)
	}, `SELECT id, provider, body, source, link, figures FROM briefing_items WHERE briefing_id = $1 ORDER BY seq, id`, id)
	if err != nil {
		return b, err
	}
	b.Revisions, err = store.Select(ctx, q, func(r store.Scanner) (Revision, error) {
		var v Revision
		var body string
		var at int64
		if err := r.Scan(&v.Version, &at, &v.By, &v.Note, &body); err != nil {
			return v, err
		}
		v.At = easyjob.FromMillis(at)
		return v, json.Unmarshal([]byte(body), &v.Body)
	}, `SELECT v.version, v.at, u.name, v.note, v.body FROM briefing_revisions v JOIN users u ON u.id = v.by_id WHERE v.briefing_id = $1 ORDER BY v.version DESC`, id)
	if err != nil {
		return b, err
	}
	if cur, ok := b.Current(); ok {
		b.Items = cur.Items
	}
	return b, nil
}

// ItemInput is a writer's text of an item; an added item needs a source.
type ItemInput struct {
	Body   string `json:"body"`
	Source string `json:"source"`
	Link   string `json:"link"`
}

func (in ItemInput) check() (ItemInput, error) {
	in.Body, in.Source, in.Link = strings.TrimSpace(in.Body), strings.TrimSpace(in.Source), strings.TrimSpace(in.Link)
	f := easyjob.Fields{}
	switch {
	case in.Body == "":
		f.Add("body", "field.required")
	case utf8.RuneCountInString(in.Body) > 2000:
		f.Add("body", "field.too_long", "max", 2000)
	}
	switch {
	case in.Source == "":
		f.Add("source", "briefing.field.source")
	case utf8.RuneCountInString(in.Source) > 200:
		f.Add("source", "field.too_long", "max", 200)
	}
	if in.Link != "" && (!strings.HasPrefix(in.Link, "/") && !strings.HasPrefix(in.Link, "https://") || len(in.Link) > 500) {
		f.Add("link", "briefing.field.link")
	}
	return in, f.Err()
}

// Edit is one change a writer makes to a draft.
type Edit struct {
	Op     string    `json:"op"` // edit, up, down, remove, add
	ItemID int64     `json:"item_id"`
	Item   ItemInput `json:"item"`
}

// Change applies a writer's change to a draft; the writer becomes the one
// who changed it last.
func (s *Service) Change(ctx context.Context, a easyjob.Actor, id int64, e Edit) (_ Briefing, err error) {
	defer func() { err = store.Wrap(err, "briefing.Change", "id", id) }()
	if err := mayWrite(a); err != nil {
		return Briefing{}, err
	}
	if e.Op == "edit" || e.Op == "add" {
		if e.Item, err = e.Item.check(); err != nil {
			return Briefing{}, err
		}
	}
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		// Only a draft changes; the update holds its row while the items change.
		res, err := tx.ExecContext(ctx, `UPDATE briefings SET writer_id = $1, updated_at = $2 WHERE id = $3 AND status = 'draft'`, a.UserID, easyjob.Millis(tx.Now), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			if _, err := s.load(ctx, tx, id); err != nil {
				return err
			}
			return easyjob.Errorf(easyjob.ECONFLICT, "briefing.not_draft")
		}
		type it struct {
			id  int64
			seq int
		}
		items, err := store.Select(ctx, tx, func(r store.Scanner) (it, error) {
			var x it
			return x, r.Scan(&x.id, &x.seq)
		}, `SELECT id, seq FROM briefing_items WHERE briefing_id = $1 ORDER BY seq, id`, id)
		if err != nil {
			return err
		}
		at := -1
		for i, x := range items {
			if x.id == e.ItemID {
				at = i
			}
		}
		if e.Op != "add" && at < 0 {
			return easyjob.NotFound("item")
		}
		renumber := func(ids []int64) error {
			for i, x := range ids {
				if _, err := tx.ExecContext(ctx, `UPDATE briefing_items SET seq = $1 WHERE id = $2`, i+1, x); err != nil {
					return err
				}
			}
			return nil
		}
		ids := make([]int64, len(items))
		for i, x := range items {
			ids[i] = x.id
		}
		switch e.Op {
		case "edit":
			_, err = tx.ExecContext(ctx, `UPDATE briefing_items SET body = $1, source = $2, link = $3 WHERE id = $4`, e.Item.Body, e.Item.Source, e.Item.Link, e.ItemID)
			return err
		case "add":
			return insertItem(ctx, tx, id, len(items)+1, Item{Provider: "writer", Body: e.Item.Body, Source: e.Item.Source, Link: e.Item.Link})
		case "remove":
			if _, err := tx.ExecContext(ctx, `DELETE FROM briefing_items WHERE id = $1`, e.ItemID); err != nil {
				return err
			}
			return renumber(append(ids[:at:at], ids[at+1:]...))
		case "up", "down":
			to := at - 1
			if e.Op == "down" {
				to = at + 1
			}
			if to < 0 || to >= len(ids) {
				return nil
			}
			ids[at], ids[to] = ids[to], ids[at]
			return renumber(ids)
		}
		f := easyjob.Fields{}
		f.Add("op", "briefing.field.op")
		return f.Err()
	})
	if err != nil {
		return Briefing{}, err
	}
	return s.load(ctx, s.S.DB.R, id)
}

// Approve is the editor's approval, which publishes the draft: the editor
// must not be its writer (409), and of two editors approving at once one
// publishes (a conditional update from draft); the other is told it is
// already published (409). The items' texts and figures are frozen as the
// first revision.
func (s *Service) Approve(ctx context.Context, a easyjob.Actor, id int64) (_ Briefing, err error) {
	defer func() { err = store.Wrap(err, "briefing.Approve", "id", id) }()
	if err := mayWrite(a); err != nil {
		return Briefing{}, err
	}
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		b, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		if b.Status.Published() {
			return easyjob.Errorf(easyjob.ECONFLICT, "briefing.already_published")
		}
		if b.WriterID == a.UserID {
			return easyjob.Errorf(easyjob.ECONFLICT, "briefing.self_approval")
		}
		now := easyjob.Millis(tx.Now)
		res, err := tx.ExecContext(ctx, `UPDATE briefings SET status = 'published', editor_id = $1, version = 1, published_at = $2, updated_at = $2
			WHERE id = $3 AND status = 'draft' AND writer_id <> $1`, a.UserID, now, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return easyjob.Errorf(easyjob.ECONFLICT, "briefing.already_published")
		}
		var editor string
		if err := tx.QueryRowContext(ctx, `SELECT name FROM users WHERE id = $1`, a.UserID).Scan(&editor); err != nil {
			return err
		}
		body := Body{Header: Header{Writer: b.Writer, Editor: editor, From: s.Cat.T(b.Lang, "briefing.from"), Updated: tx.Now}, Items: b.Items}
		return addRevision(ctx, tx, id, 1, body, "", a.UserID)
	})
	if err != nil {
		return Briefing{}, err
	}
	return s.load(ctx, s.S.DB.R, id)
}

// Publish publishes an approved briefing: a draft no editor has approved is
// refused (403). Approval publishes, so this only confirms a published one.
func (s *Service) Publish(ctx context.Context, a easyjob.Actor, id int64) (_ Briefing, err error) {
	defer func() { err = store.Wrap(err, "briefing.Publish", "id", id) }()
	b, err := s.Get(ctx, a, id)
	if err != nil {
		return Briefing{}, err
	}
	if !b.Status.Published() {
		return Briefing{}, easyjob.Errorf(easyjob.EFORBIDDEN, "briefing.not_approved")
	}
	return b, nil
}

func addRevision(ctx context.Context, tx *store.Tx, id int64, version int, body Body, note string, by int64) error {
	j, err := json.Marshal(body)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO briefing_revisions (briefing_id, version, body, note, by_id, at) VALUES ($1, $2, $3, $4, $5, $6)`,
		id, version, string(j), note, by, easyjob.Millis(tx.Now))
	return err
}

// Correction changes one item of a published briefing, with a note saying
// why; the earlier text stays as a revision with its time.
type Correction struct {
	ItemID int64     `json:"item_id"`
	Item   ItemInput `json:"item"`
	Note   string    `json:"note"`
}

// Correct publishes a corrected text (city officers).
func (s *Service) Correct(ctx context.Context, a easyjob.Actor, id int64, c Correction) (_ Briefing, err error) {
	defer func() { err = store.Wrap(err, "briefing.Correct", "id", id) }()
	if err := mayWrite(a); err != nil {
		return Briefing{}, err
	}
	in, err := c.Item.check()
	f := easyjob.Fields{}
	var fe *easyjob.Error
	if errors.As(err, &fe) && fe.Fields != nil {
		f = fe.Fields
	} else if err != nil {
		return Briefing{}, err
	}
	c.Note = strings.TrimSpace(c.Note)
	if c.Note == "" {
		f.Add("note", "briefing.field.note")
	}
	if err := f.Err(); err != nil {
		return Briefing{}, err
	}
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		b, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		cur, ok := b.Current()
		if !ok {
			return easyjob.Errorf(easyjob.ECONFLICT, "briefing.not_published")
		}
		found := false
		items := make([]Item, len(cur.Items))
		copy(items, cur.Items)
		for i := range items {
			if items[i].ID == c.ItemID {
				items[i].Body, items[i].Source, items[i].Link = in.Body, in.Source, in.Link
				found = true
			}
		}
		if !found {
			return easyjob.NotFound("item")
		}
		res, err := tx.ExecContext(ctx, `UPDATE briefings SET version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3`, easyjob.Millis(tx.Now), id, b.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return easyjob.Errorf(easyjob.ECONFLICT, "briefing.changed")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE briefing_items SET body = $1, source = $2, link = $3 WHERE id = $4 AND briefing_id = $5`, in.Body, in.Source, in.Link, c.ItemID, id); err != nil {
			return err
		}
		cur.Items = items
		cur.Header.Updated = tx.Now
		return addRevision(ctx, tx, id, b.Version+1, cur, c.Note, a.UserID)
	})
	if err != nil {
		return Briefing{}, err
	}
	return s.load(ctx, s.S.DB.R, id)
}

// Entry is a published briefing in the archive.
type Entry struct {
	Day         easyjob.Date `json:"day"`
	Lang        string       `json:"lang"`
	PublishedAt time.Time    `json:"published_at"`
	UpdatedAt   time.Time    `json:"updated_at"`
	Version     int          `json:"version"`
}

// Archive lists the published briefings in a language, newest first
// (at most the last limit).
func (s *Service) Archive(ctx context.Context, lang string, limit int) (_ []Entry, err error) {
	defer func() { err = store.Wrap(err, "briefing.Archive") }()
	if err := checkLang(lang); err != nil {
		return nil, err
	}
	return store.Select(ctx, s.S.DB.R, func(r store.Scanner) (Entry, error) {
		var e Entry
		var day string
		var p, u int64
		err := r.Scan(&day, &e.Lang, &p, &u, &e.Version)
		e.Day, _ = easyjob.ParseDate(day)
		e.PublishedAt, e.UpdatedAt = easyjob.FromMillis(p), easyjob.FromMillis(u)
		return e, err
	}, `SELECT day, lang, published_at, updated_at, version FROM briefings WHERE status = 'published' AND lang = $1 ORDER BY day DESC LIMIT $2`, lang, limit)
}

// Drafts lists the briefings of the last days, both languages, newest first
// (city officers).
func (s *Service) Drafts(ctx context.Context, a easyjob.Actor) (_ []Briefing, err error) {
	defer func() { err = store.Wrap(err, "briefing.Drafts") }()
	if err := mayWrite(a); err != nil {
		return nil, err
	}
	return store.Select(ctx, s.S.DB.R, func(r store.Scanner) (Briefing, error) {
		var b Briefing
		var day string
		var u int64
		err := r.Scan(&b.ID, &day, &b.Lang, &b.Status, &b.Version, &u)
		b.Day, _ = easyjob.ParseDate(day)
		b.UpdatedAt = easyjob.FromMillis(u)
		return b, err
	}, `SELECT id, day, lang, status, version, updated_at FROM briefings ORDER BY day DESC, lang DESC LIMIT 60`)
}
