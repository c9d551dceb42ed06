package store

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"runtime"
	"strconv"
	"strings"
	"time"

	"easyjob/internal/auth"
	"easyjob/internal/easyjob"
)

// Sign-in limits.
const (
	CodeTTL          = 5 * time.Minute
	CodeResendAfter  = 60 * time.Second
	CodesPerHour     = 5
	CodeAttempts     = 5
	SessionTTLWeb    = 7 * 24 * time.Hour
	SessionTTLAPI    = 30 * 24 * time.Hour
	PasswordFailures = 10 // per username and client address in PasswordWindow
	PasswordWindow   = 15 * time.Minute
	// HashWait is how long a password check waits for a hashing slot
	// before the answer is "busy, retry in HashBusyRetry".
	HashWait      = 2 * time.Second
	HashBusyRetry = 2 * time.Second
)

// NewUser is an account an admin (or the demo) creates.
type NewUser struct {
	Username   string       `json:"username"`
	Password   string       `json:"password"`
	Name       string       `json:"name"`
	Role       easyjob.Role `json:"role"`
	Region     string       `json:"region"`
	EmployerID int64        `json:"employer_id"`
}

func (s *Store) validateNewUser(in *NewUser) error {
	f := easyjob.Fields{}
	in.Username = strings.TrimSpace(in.Username)
	if len(in.Username) < 3 || len(in.Username) > 40 || strings.ContainsAny(in.Username, " \t@/") {
		f.Add("username", "field.username")
	}
	if !auth.ValidPassword(in.Password) {
		f.Add("password", "field.password")
	}
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		f.Add("name", "field.required")
	}
	switch in.Role {
	case easyjob.RoleOfficer:
		if !(in.Region == easyjob.CityRegion || s.Ref.ShenzhenDistrict(in.Region) || s.Ref.County(in.Region)) {
			f.Add("region", "field.region")
		}
	case easyjob.RoleEmployer:
		if in.EmployerID <= 0 {
			f.Add("employer_id", "field.required")
		}
	case easyjob.RoleAdmin, easyjob.RoleResearcher, easyjob.RoleOrg: // researcher, org: their institution or organisation is a row of their system
	default:
		f.Add("role", "field.role")
	}
	return f.Err()
}

// CreateUser creates a password account. Admins create officers and admins;
// an employer's account may add accounts for its own enterprise.
func (s *Store) CreateUser(ctx context.Context, a easyjob.Actor, in NewUser) (_ easyjob.User, err error) {
	defer wrapErr(&err, "store.CreateUser")
	if err := s.validateNewUser(&in); err != nil {
		return easyjob.User{}, err
	}
	switch {
	case a.Role == easyjob.RoleAdmin:
	case a.Role == easyjob.RoleEmployer && in.Role == easyjob.RoleEmployer && in.EmployerID == a.EmployerID:
	default:
		return easyjob.User{}, Forbidden()
	}
	return s.createUser(ctx, s.DB.W, s.now(), in)
}

// CreateUserTx validates and creates a password account inside a system's
// transaction (the goodwill system registers an organisation and its first
// account together). The caller decides who may create it.
func (s *Store) CreateUserTx(ctx context.Context, tx *Tx, in NewUser) (_ easyjob.User, err error) {
	defer wrapErr(&err, "store.CreateUserTx")
	if err := s.validateNewUser(&in); err != nil {
		return easyjob.User{}, err
	}
	return s.createUser(ctx, tx, tx.At, in)
}

// ValidateNewUser checks an account's fields without creating it.
func (s *Store) ValidateNewUser(in *NewUser) error { return s.validateNewUser(in) }

func (s *Store) createUser(ctx context.Context, q queryRower, now int64, in NewUser) (easyjob.User, error) {
	hash, err := s.hashing().HashPassword(ctx, in.Password, s.Password)
	if errors.Is(err, auth.ErrBusy) {
		return easyjob.User{}, busy()
	}
	if err != nil {
		return easyjob.User{}, err
	}
	u := easyjob.User{Username: in.Username, Name: in.Name, Role: in.Role, Region: in.Region,
		EmployerID: in.EmployerID, CreatedAt: easyjob.FromMillis(now), Scope: ScopeOf(in.Role, in.Region)}
	var emp any
	if in.EmployerID > 0 {
		emp = in.EmployerID
	}
	err = q.QueryRowContext(ctx, `INSERT INTO users (username, password_hash, name, role, region, employer_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, in.Username, hash, in.Name, string(in.Role), in.Region, emp, now).Scan(&u.ID)
	if isUnique(err) {
		f := easyjob.Fields{}
		f.Add("username", "field.username_taken")
		return easyjob.User{}, f.Err()
	}
	return u, err
}

const userCols = `u.id, COALESCE(u.username, ''), u.name, u.role, u.region, COALESCE(u.employer_id, 0), COALESCE(u.seeker_id, 0), u.created_at`

func scanUser(row interface{ Scan(...any) error }) (easyjob.User, error) {
	return scanUserAnd(row)
}

// scanUserAnd scans userCols, then more columns into more.
func scanUserAnd(row interface{ Scan(...any) error }, more ...any) (easyjob.User, error) {
	var u easyjob.User
	var role string
	var at int64
	err := row.Scan(append([]any{&u.ID, &u.Username, &u.Name, &role, &u.Region, &u.EmployerID, &u.SeekerID, &at}, more...)...)
	u.Role, u.CreatedAt = easyjob.Role(role), easyjob.FromMillis(at)
	u.Scope = ScopeOf(u.Role, u.Region)
	return u, err
}

// Login is LoginFrom a client whose address is unknown (the demo, tests,
// the account just registered).
func (s *Store) Login(ctx context.Context, username, password, kind string) (string, easyjob.User, error) {
	return s.LoginFrom(ctx, "", username, password, kind)
}

// LoginFrom checks a username and password from a client address and opens
// a session of kind "web" or "api".
//
// Each (username, client) pair may fail PasswordFailures times in
// PasswordWindow; the slot is taken atomically before the password is
// hashed, so simultaneous guesses cannot overrun it. An unknown username
// takes slots and is hashed (against a dummy hash) exactly like a real one,
// so the two cannot be told apart by status, message or time; and a
// client that runs out slows only itself down, not the account's owner
// signing in from elsewhere. Hashing waits for a slot of s.Hashing.
func (s *Store) LoginFrom(ctx context.Context, client, username, password, kind string) (_ string, _ easyjob.User, err error) {
	defer wrapErr(&err, "store.Login")
	f := easyjob.Fields{}
	username = strings.TrimSpace(username)
	if username == "" {
		f.Add("username", "field.required")
	}
	if password == "" {
		f.Add("password", "field.required")
	}
	if err := f.Err(); err != nil {
		return "", easyjob.User{}, err
	}
	subject := s.attemptSubject("password", username, client)
	if err := s.takeAttempt(ctx, subject, PasswordFailures, PasswordWindow); err != nil {
		return "", easyjob.User{}, err
	}
	var hash string
	var disabled bool
	row := s.DB.R.QueryRowContext(ctx, `SELECT `+userCols+`, u.password_hash, u.disabled FROM users u WHERE u.username = $1`, username)
	var u easyjob.User
	var role string
	var at int64
	err = row.Scan(&u.ID, &u.Username, &u.Name, &role, &u.Region, &u.EmployerID, &u.SeekerID, &at, &hash, &disabled)
	u.Role, u.CreatedAt = easyjob.Role(role), easyjob.FromMillis(at)
	known := err == nil
	if errors.Is(err, sql.ErrNoRows) {
		hash = s.dummyHash() // same work, same answer as a real account
	} else if err != nil {
		s.releaseAttempt(ctx, subject)
		return "", easyjob.User{}, err
	}
	switch err := s.hashing().CheckPassword(ctx, hash, password); {
	case errors.Is(err, auth.ErrBusy):
		s.releaseAttempt(ctx, subject)
		return "", easyjob.User{}, busy()
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		s.releaseAttempt(ctx, subject) // gone while waiting: nothing was checked
		return "", easyjob.User{}, err
	case err != nil || !known || disabled:
		return "", easyjob.User{}, easyjob.Errorf(easyjob.EUNAUTHORIZED, "auth.bad_password")
	}
	if _, err := s.DB.W.ExecContext(ctx, `DELETE FROM login_attempts WHERE subject = $1`, subject); err != nil {
		return "", easyjob.User{}, err
	}
	tok, err := s.openSession(ctx, s.DB.W, s.now(), u.ID, kind)
	return tok, u, err
}

// busy is the answer when every hashing slot stays taken.
func busy() error {
	return easyjob.Errorf(easyjob.ERATELIMIT, "auth.busy", "seconds", int(HashBusyRetry.Seconds()))
}

// hashing is the gate password hashes pass through.
func (s *Store) hashing() *auth.Gate {
	s.gateOnce.Do(func() {
		if s.Hashing == nil {
			s.Hashing = auth.NewGate(runtime.GOMAXPROCS(0), HashWait)
		}
	})
	return s.Hashing
}

// attemptSubject names what attempts are counted against: a blind index,
// so neither the username (perhaps a password typed in the wrong box) nor
// the client's address is stored.
func (s *Store) attemptSubject(kind, name, client string) string {
	return kind + ":" + s.Sealer.BlindIndex("signin\x00"+name+"\x00"+client)
}

// takeAttempt takes one of max attempt slots of subject in the window, in
// one statement: the row is created, or restarted when its window has
// passed, or counted up while under max; otherwise nothing changes, no row
// comes back and the answer is "slow down" with the seconds left. One
// statement with a conditional upsert is atomic on SQLite (one writer) and
// on PostgreSQL (the conflicting row is locked and the WHERE re-checked).
func (s *Store) takeAttempt(ctx context.Context, subject string, max int, window time.Duration) error {
	now := s.now()
	old := now - window.Milliseconds()
	var n int
	err := s.DB.W.QueryRowContext(ctx, `INSERT INTO login_attempts (subject, attempts, since) VALUES ($1, 1, $2)
		ON CONFLICT (subject) DO UPDATE SET
			attempts = CASE WHEN login_attempts.since <= $3 THEN 1 ELSE login_attempts.attempts + 1 END,
			since = CASE WHEN login_attempts.since <= $3 THEN $2 ELSE login_attempts.since END
		WHERE login_attempts.since <= $3 OR login_attempts.attempts < $4
		RETURNING attempts`, subject, now, old, max).Scan(&n)
	if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	var since int64
	if err := s.DB.R.QueryRowContext(ctx, `SELECT since FROM login_attempts WHERE subject = $1`, subject).Scan(&since); err != nil {
		return err
	}
	wait := max64((since+window.Milliseconds()-now+999)/1000, 1)
	return easyjob.Errorf(easyjob.ERATELIMIT, "auth.slow_down", "seconds", int(wait), "minutes", int((wait+59)/60))
}

// releaseAttempt gives back a slot that was not used to check a password.
func (s *Store) releaseAttempt(ctx context.Context, subject string) {
	if _, err := s.DB.W.ExecContext(context.WithoutCancel(ctx), `UPDATE login_attempts SET attempts = attempts - 1
		WHERE subject = $1 AND attempts > 0`, subject); err != nil {
		s.Log.WarnContext(ctx, "releasing a sign-in attempt", "err", err)
	}
}

func max64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

// dummyHash is checked when a username does not exist, so that answering
// takes as long as for a real account. It is made on first use, with the
// parameters of real hashes, not at every program start.
func (s *Store) dummyHash() string {
	s.dummy.once.Do(func() { s.dummy.hash, _ = auth.HashPassword("dummy password for timing", s.Password) })
	return s.dummy.hash
}

func (s *Store) openSession(ctx context.Context, q execer, now int64, userID int64, kind string) (string, error) {
	ttl := SessionTTLWeb
	if kind == "api" {
		ttl = SessionTTLAPI
	}
	tok := auth.NewToken()
	_, err := q.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, kind, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		auth.HashToken(tok), userID, kind, now, now+ttl.Milliseconds())
	return tok, err
}

// User returns a user by id.
func (s *Store) User(ctx context.Context, id int64) (_ easyjob.User, err error) {
	defer wrapErr(&err, "store.User", "id", id)
	u, err := scanUser(s.DB.R.QueryRowContext(ctx, `SELECT `+userCols+` FROM users u WHERE u.id = $1`, id))
	return u, NotFound(err, "user")
}

// RequestCode sends a one-time sign-in code to a mainland mobile number:
// at most one a minute and CodesPerHour an hour per number.
func (s *Store) RequestCode(ctx context.Context, phone string) (err error) {
	defer wrapErr(&err, "store.RequestCode")
	p, reason := s.Ref.Phone(phone)
	if reason != "" {
		f := easyjob.Fields{}
		f.Add("phone", reason)
		return f.Err()
	}
	ph := s.Sealer.BlindIndex(p)
	now := s.now()
	return s.Tx(ctx, func(tx *Tx) error {
		var n int
		var last int64
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(created_at), 0) FROM login_codes
			WHERE phone_hash = $1 AND created_at > $2`, ph, now-time.Hour.Milliseconds()).Scan(&n, &last); err != nil {
			return err
		}
		if last > now-CodeResendAfter.Milliseconds() {
			return easyjob.Errorf(easyjob.ERATELIMIT, "auth.code_wait", "seconds", int((last+CodeResendAfter.Milliseconds()-now)/1000)+1)
		}
		if n >= CodesPerHour {
			return easyjob.Errorf(easyjob.ERATELIMIT, "auth.code_hourly", "max", CodesPerHour)
		}
		code := auth.NewCode()
		if _, err := tx.ExecContext(ctx, `INSERT INTO login_codes (phone_hash, code_hash, created_at, expires_at)
			VALUES ($1, $2, $3, $4)`, ph, auth.HashCode(ph, code), now, now+CodeTTL.Milliseconds()); err != nil {
			return err
		}
		return s.Send(ctx, tx, p, "login_code", "sms.login_code", "code", code, "minutes", strconv.Itoa(int(CodeTTL.Minutes())))
	})
}

// LoginWithCode signs a seeker in with a one-time code. A number seen for
// the first time gets a seeker account without a profile; the profile
// follows (easyjob.SeekerInput). Each code allows CodeAttempts tries.
func (s *Store) LoginWithCode(ctx context.Context, phone, code, kind string) (_ string, _ easyjob.User, err error) {
	defer wrapErr(&err, "store.LoginWithCode")
	p, reason := s.Ref.Phone(phone)
	f := easyjob.Fields{}
	if reason != "" {
		f.Add("phone", reason)
	}
	code = strings.TrimSpace(code)
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		f.Add("code", "auth.code_format")
	}
	if err := f.Err(); err != nil {
		return "", easyjob.User{}, err
	}
	ph := s.Sealer.BlindIndex(p)
	now := s.now()
	var tok string
	var u easyjob.User
	var wrong bool
	err = s.Tx(ctx, func(tx *Tx) error {
		var id int64
		var hash string
		err := tx.QueryRowContext(ctx, `SELECT id, code_hash FROM login_codes
			WHERE phone_hash = $1 AND used = FALSE AND expires_at > $2 ORDER BY id DESC LIMIT 1`, ph, now).Scan(&id, &hash)
		if errors.Is(err, sql.ErrNoRows) {
			return easyjob.Errorf(easyjob.EUNAUTHORIZED, "auth.code_expired")
		}
		if err != nil {
			return err
		}
		// Count the attempt before comparing, on a condition whose row count
		// is checked: on PostgreSQL a concurrent attempt waits for this row
		// and then re-checks attempts < CodeAttempts and used = FALSE, so no
		// more than CodeAttempts comparisons are ever made of one code.
		res, err := tx.ExecContext(ctx, `UPDATE login_codes SET attempts = attempts + 1
			WHERE id = $1 AND used = FALSE AND attempts < $2`, id, CodeAttempts)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			var used bool
			if err := tx.QueryRowContext(ctx, `SELECT used FROM login_codes WHERE id = $1`, id).Scan(&used); err != nil {
				return err
			}
			if used {
				return easyjob.Errorf(easyjob.EUNAUTHORIZED, "auth.code_expired")
			}
			return easyjob.Errorf(easyjob.ERATELIMIT, "auth.code_attempts")
		}
		if subtle.ConstantTimeCompare([]byte(hash), []byte(auth.HashCode(ph, code))) != 1 {
			wrong = true
			return nil // commit the attempt
		}
		// One code opens one session: only the attempt that turns used from
		// FALSE to TRUE goes on.
		res, err = tx.ExecContext(ctx, `UPDATE login_codes SET used = TRUE WHERE id = $1 AND used = FALSE`, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return easyjob.Errorf(easyjob.EUNAUTHORIZED, "auth.code_expired")
		}
		u, err = scanUser(tx.QueryRowContext(ctx, `SELECT `+userCols+` FROM users u WHERE u.phone_hash = $1`, ph))
		if errors.Is(err, sql.ErrNoRows) {
			u = easyjob.User{Role: easyjob.RoleSeeker, CreatedAt: easyjob.FromMillis(now)}
			err = tx.QueryRowContext(ctx, `INSERT INTO users (phone_hash, role, created_at) VALUES ($1, 'seeker', $2) RETURNING id`,
				ph, now).Scan(&u.ID)
		}
		if err != nil {
			return err
		}
		tok, err = s.openSession(ctx, tx, tx.At, u.ID, kind)
		return err
	})
	if err == nil && wrong {
		f := easyjob.Fields{}
		f.Add("code", "auth.code_wrong")
		return "", easyjob.User{}, f.Err()
	}
	return tok, u, err
}

// ActorOf is the actor for a signed-in user in a language.
func ActorOf(u easyjob.User, lang string) easyjob.Actor {
	return easyjob.Actor{UserID: u.ID, Role: u.Role, Region: u.Region, EmployerID: u.EmployerID, SeekerID: u.SeekerID, Lang: lang,
		Scope: ScopeOf(u.Role, u.Region)}
}
