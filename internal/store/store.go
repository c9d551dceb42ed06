package store

import (
	"context"
	"encoding/base64"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"easyjob/internal/auth"
	"easyjob/internal/easyjob"
	"easyjob/internal/i18n"
	"easyjob/internal/ident"
)

// Sender delivers a message to a person (an SMS gateway in production).
// Messages are first written to the outbox table in the transaction that
// causes them; a background task hands them to the Sender.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Message is one notification.
type Message struct {
	ID        int64
	Channel   string // "sms"
	Recipient string // the phone number
	Subject   string
	Body      string
	CreatedAt time.Time
}

// Store implements easyjob's services on a DB.
type Store struct {
	DB      *DB
	Sealer  *ident.Sealer
	Clock   easyjob.Clock
	Ref     easyjob.Reference
	Log     *slog.Logger
	MinWage int
	// Password are the argon2id parameters of new password hashes.
	Password auth.Params
	// Hashing bounds the password hashes run at once (default: GOMAXPROCS
	// slots, HashWait); set it before the first sign-in.
	Hashing  *auth.Gate
	gateOnce sync.Once
	dummy    struct {
		once sync.Once
		hash string
	}
	// Catalogue words the text messages (Send).
	Catalogue *i18n.Catalogue
	// OnChange, when set, is told after commit that a posting or a seeker
	// changed, so in-memory indexes can follow.
	OnChange func(kind string, id int64)
	// OnQueued, when set, is told after commit that messages went into the
	// outbox, so the queue can deliver them now rather than at its next
	// periodic look (tasks.New sets it).
	OnQueued func()
	// Matching serves recommendations, candidates, search and match days
	// from memory; StartMatching sets it.
	Matching *Matching
	// InvitationsPerDay is an employer's daily number of invitations to
	// apply (0: DefaultInvitationsPerDay).
	InvitationsPerDay int
	// sessions keeps recently seen session tokens (sessions.go).
	sessions sessionCache
	// afterImportRow, set by tests, is called after each row of a "valid"
	// import is committed, with the number written by this call so far.
	afterImportRow func(n int)
}

// New returns a Store with the defaults: system clock, embedded reference
// data, outbox sender, Shenzhen's 2020 minimum wage.
func New(db *DB, sealer *ident.Sealer, log *slog.Logger) *Store {
	return &Store{DB: db, Sealer: sealer, Clock: easyjob.SystemClock{}, Ref: Reference{},
		Log: log, MinWage: 2200, Password: auth.Default, Catalogue: i18n.MustLoad()}
}

func (s *Store) now() int64 { return easyjob.Millis(s.Clock.Now()) }

func (s *Store) today() easyjob.Date { return easyjob.DateOf(s.Clock.Now()) }

func (s *Store) changed(kind string, id int64) {
	if s.OnChange != nil {
		s.OnChange(kind, id)
	}
}

// Cursors are opaque to clients: the last id seen, base64.
func encodeCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(id, 10)))
}

func decodeCursor(c string) (int64, error) {
	if c == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil {
		if n, err := strconv.ParseInt(string(b), 10, 64); err == nil && n > 0 {
			return n, nil
		}
	}
	f := easyjob.Fields{}
	f.Add("cursor", "field.cursor")
	return 0, f.Err()
}

// ListOptions are the common list parameters.
type ListOptions struct {
	Limit  int
	Cursor string
}

func (o ListOptions) limit() int {
	if o.Limit <= 0 || o.Limit > 100 {
		return 20
	}
	return o.Limit
}

// page trims one look-ahead row and sets the next cursor.
func page[T any](items []T, limit int, id func(T) int64) easyjob.Page[T] {
	p := easyjob.Page[T]{Items: items}
	if len(items) > limit {
		p.Items = items[:limit]
		p.NextCursor = encodeCursor(id(p.Items[limit-1]))
	}
	if p.Items == nil {
		p.Items = []T{}
	}
	return p
}

// placeholders returns "$n, $n+1, …" for k values starting at n.
func placeholders(n, k int) string {
	var b strings.Builder
	for i := range k {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(n+i))
	}
	return b.String()
}

// Send writes a message to the outbox inside tx, worded by the message
// catalogue's key in the recipients' language (zh-CN: seekers are
// registered in Chinese), with alternating name, value arguments.
func (s *Store) Send(ctx context.Context, tx *Tx, phone, subject, key string, kv ...any) (err error) {
	defer wrapErr(&err, "store.Send")
	return s.send(ctx, tx, phone, subject, s.Catalogue.T(MessageLang, key, kv...))
}

// MessageLang is the language of text messages.
const MessageLang = "zh-CN"

// send writes a message to the outbox inside tx. The phone and the body
// are stored sealed (AES-256-GCM, the column's name as associated data),
// with a blind index of the phone so a person's messages can be found.
func (s *Store) send(ctx context.Context, tx *Tx, phone, subject, body string) error {
	to, err := s.Sealer.Seal([]byte(phone), []byte("outbox.recipient"))
	if err != nil {
		return err
	}
	text, err := s.Sealer.Seal([]byte(body), []byte("outbox.body"))
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO outbox (channel, recipient_hash, recipient_cipher, subject, body, body_cipher, created_at)
		VALUES ('sms', $1, $2, $3, '', $4, $5)`, s.Sealer.BlindIndex(phone), to, subject, text, tx.At)
	if err == nil && s.OnQueued != nil && !tx.queued {
		tx.queued = true
		tx.AfterCommit(s.OnQueued)
	}
	return err
}

// erasedOnDelivery are the subjects of messages whose body is deleted once
// delivered, not kept sealed: a sign-in code is of no use to anyone
// afterwards but someone who would sign in as its recipient.
var erasedOnDelivery = map[string]bool{"login_code": true}

// body is a message's text: the sealed body, or the plain body of rows
// written before bodies were sealed; "" once erased.
func (s *Store) body(plain string, sealed []byte) (string, error) {
	if len(sealed) == 0 {
		return plain, nil
	}
	b, err := s.Sealer.Open(sealed, []byte("outbox.body"))
	return string(b), err
}

// Outbox lists the newest messages to a phone, newest first (tests and the
// demo read sign-in codes from here before they are delivered; a delivered
// sign-in code's Body is "").
func (s *Store) Outbox(ctx context.Context, phone string, limit int) (_ []Message, err error) {
	defer wrapErr(&err, "store.Outbox")
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, channel, subject, body, body_cipher, created_at FROM outbox
		WHERE recipient_hash = $1 ORDER BY id DESC LIMIT $2`, s.Sealer.BlindIndex(phone), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		m := Message{Recipient: phone}
		var at int64
		var plain string
		var sealed []byte
		if err := rows.Scan(&m.ID, &m.Channel, &m.Subject, &plain, &sealed, &at); err != nil {
			return nil, err
		}
		if m.Body, err = s.body(plain, sealed); err != nil {
			return nil, err
		}
		m.CreatedAt = easyjob.FromMillis(at)
		out = append(out, m)
	}
	return out, rows.Err()
}

// Deliver hands up to limit unsent messages to sender and marks those sent.
// It returns how many were delivered. A delivered message keeps only what
// a record needs: the recipient's blind index, the subject, the times and
// (for notices) the sealed body; the sealed phone is emptied, and a
// sign-in code's body is erased.
func (s *Store) Deliver(ctx context.Context, sender Sender, limit int) (_ int, err error) {
	defer wrapErr(&err, "store.Deliver")
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, channel, recipient_cipher, subject, body, body_cipher, created_at
		FROM outbox WHERE sent_at = 0 ORDER BY id LIMIT $1`, limit)
	if err != nil {
		return 0, err
	}
	var batch []Message
	for rows.Next() {
		var m Message
		var to, text []byte
		var plain string
		var at int64
		if err := rows.Scan(&m.ID, &m.Channel, &to, &m.Subject, &plain, &text, &at); err != nil {
			rows.Close()
			return 0, err
		}
		p, err := s.Sealer.Open(to, []byte("outbox.recipient"))
		if err != nil {
			rows.Close()
			return 0, err
		}
		if m.Body, err = s.body(plain, text); err != nil {
			rows.Close()
			return 0, err
		}
		m.Recipient, m.CreatedAt = string(p), easyjob.FromMillis(at)
		batch = append(batch, m)
	}
	rows.Close()
	n := 0
	for _, m := range batch {
		if err := sender.Send(ctx, m); err != nil {
			return n, err
		}
		var kept []byte // nil: the body is erased
		if !erasedOnDelivery[m.Subject] {
			if kept, err = s.Sealer.Seal([]byte(m.Body), []byte("outbox.body")); err != nil {
				return n, err
			}
		}
		if _, err := s.DB.W.ExecContext(ctx, `UPDATE outbox SET sent_at = $1, body = '', body_cipher = $2, recipient_cipher = $3
			WHERE id = $4`, s.now(), kept, []byte{}, m.ID); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// PruneSignIn deletes what sign-in no longer needs: attempt counters whose
// window has passed and codes older than a day.
func (s *Store) PruneSignIn(ctx context.Context) (err error) {
	defer wrapErr(&err, "store.PruneSignIn")
	now := s.now()
	if _, err := s.DB.W.ExecContext(ctx, `DELETE FROM login_attempts WHERE since < $1`, now-PasswordWindow.Milliseconds()); err != nil {
		return err
	}
	_, err = s.DB.W.ExecContext(ctx, `DELETE FROM login_codes WHERE created_at < $1`, now-(24*time.Hour).Milliseconds())
	return err
}

// LogSender "delivers" by logging: in development it logs the message
// body (sign-in codes included) with the phone masked; otherwise only that a
// message went out.
type LogSender struct {
	Log *slog.Logger
	Dev bool
}

func (l LogSender) Send(ctx context.Context, m Message) error {
	if l.Dev {
		l.Log.InfoContext(ctx, "message (development: not sent)", "to", ident.MaskPhone(m.Recipient), "body", m.Body)
	} else {
		l.Log.InfoContext(ctx, "message queued for the SMS gateway", "outbox_id", m.ID)
	}
	return nil
}

func itoa(n int) string { return strconv.Itoa(n) }
