package httpx

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"

	"easyjob/internal/easyjob"

	"github.com/jackc/pgx/v5/pgconn"
)

// RetryAfter is how long, in seconds, a client is asked to wait when the
// database does not answer.
const RetryAfter = 5

// Unavailable tells whether err says that the database cannot be reached
// or cannot take the request now (so the same request may well succeed
// later), rather than that the request or the code is wrong: a closed or
// broken connection, a network error, a pool that gave no connection in
// time, a PostgreSQL server that is starting, stopping or full, an SQLite
// file still locked when the busy timeout ran out.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) || pgconn.Timeout(err) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// Class 08: connection exception; 57P01–57P03: the server shuts
		// down or starts; 53300: too many connections.
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03" || pe.Code == "53300"
	}
	var se interface{ Code() int } // modernc.org/sqlite's *Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case 5, 6: // SQLITE_BUSY, SQLITE_LOCKED
			return true
		}
		return false
	}
	// database/sql's error for a closed pool is not exported.
	msg := err.Error()
	return strings.Contains(msg, "sql: database is closed") || strings.Contains(msg, "database is locked")
}

// Classify returns err as a domain error: a domain error as it is, a
// database that does not answer as EUNAVAILABLE, anything else as
// EINTERNAL.
func Classify(err error) *easyjob.Error {
	var de *easyjob.Error
	if errors.As(err, &de) && de.Code != easyjob.EINTERNAL {
		return de
	}
	if Unavailable(err) {
		return &easyjob.Error{Code: easyjob.EUNAVAILABLE, Msg: easyjob.M("error.unavailable"), Err: err}
	}
	if de != nil {
		return de
	}
	return easyjob.Internal(err)
}

// SetRetryAfterStatus asks the client to come back later when status is 503.
func SetRetryAfterStatus(w http.ResponseWriter, status int) {
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", strconv.Itoa(RetryAfter))
	}
}
