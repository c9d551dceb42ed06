package goodwill

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/ident"
	"easyjob/internal/store"
)

// Counselling courses (goodwill_courses) with sessions (goodwill_sessions), participants
// (goodwill_participants: a nickname and a sealed phone, nothing else) and attendance marks
// (goodwill_attendance). Privacy first: no diagnosis, no story, no name; staff see the
// nickname and a masked phone; attendance leaves the system only as counts.

// Course is a counselling course.
type Course struct {
	ID         int64     `json:"id"`
	OrgID      int64     `json:"org_id"`
	OrgName    string    `json:"org_name"`
	Title      string    `json:"title"`
	Mode       string    `json:"mode"` // online or place
	Place      string    `json:"place,omitempty"`
	Counsellor string    `json:"counsellor"`
	Capacity   int       `json:"capacity"`
	Enrolled   int       `json:"enrolled"`
	Waiting    int       `json:"waiting"`
	Sessions   []Session `json:"sessions"`
}

// Full tells whether every place is taken (newcomers wait).
func (c Course) Full() bool { return c.Enrolled >= c.Capacity }

// Session is one meeting of a course.
type Session struct {
	ID       int64     `json:"id"`
	StartsAt time.Time `json:"starts_at"`
	Minutes  int       `json:"minutes"`
	Attended int       `json:"attended"`
}

// Start is the session's start in Asia/Shanghai, for pages.
func (s Session) Start() string { return s.StartsAt.In(easyjob.Shanghai).Format("2006-01-02 15:04") }

// CourseInput creates a course with its sessions.
type CourseInput struct {
	Title      string      `json:"title"`
	Mode       string      `json:"mode"`
	Place      string      `json:"place"`
	Counsellor string      `json:"counsellor"`
	Capacity   int         `json:"capacity"`
	Sessions   []time.Time `json:"sessions"` // starts
	Minutes    int         `json:"minutes"`
}

// CreateCourse adds a course.
func (s *Service) CreateCourse(ctx context.Context, a easyjob.Actor, in CourseInput) (_ Course, err error) {
	defer func() { err = store.Wrap(err, "goodwill.CreateCourse") }()
	org, err := s.staff(ctx, a, true)
	if err != nil {
		return Course{}, err
	}
	f := easyjob.Fields{}
	trimmed(f, "title", &in.Title, 60, true)
	trimmed(f, "counsellor", &in.Counsellor, 40, true)
	switch in.Mode {
	case "online":
		trimmed(f, "place", &in.Place, 120, false)
	case "place":
		trimmed(f, "place", &in.Place, 120, true)
	default:
		f.Add("mode", "goodwill.mode_invalid")
	}
	if in.Capacity <= 0 || in.Capacity > 500 {
		f.Add("capacity", "goodwill.capacity_range")
	}
	if in.Minutes <= 0 || in.Minutes > 480 {
		f.Add("minutes", "goodwill.minutes_range")
	}
	if len(in.Sessions) == 0 || len(in.Sessions) > 50 {
		f.Add("sessions", "goodwill.sessions_required")
	}
	now := s.S.Now()
	for i, t := range in.Sessions {
		if !t.After(now) {
			f.Add("sessions["+strconv.Itoa(i)+"]", "goodwill.session_past")
		}
	}
	if err := f.Err(); err != nil {
		return Course{}, err
	}
	var id int64
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO goodwill_courses (org_id, title, mode, place, counsellor, capacity, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, org, in.Title, in.Mode, in.Place, in.Counsellor, in.Capacity, tx.At).Scan(&id); err != nil {
			return err
		}
		for _, t := range in.Sessions {
			if _, err := tx.ExecContext(ctx, `INSERT INTO goodwill_sessions (course_id, starts_at, minutes) VALUES ($1, $2, $3)`,
				id, easyjob.Millis(t), in.Minutes); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Course{}, err
	}
	return s.Course(ctx, id)
}

// Course returns a course as anyone may see it (the sign-up page is public): its place, its
// counsellor, its sessions and how many places are taken; never who takes them.
func (s *Service) Course(ctx context.Context, id int64) (_ Course, err error) {
	defer func() { err = store.Wrap(err, "goodwill.Course", "course", id) }()
	q := s.S.DB.R
	var c Course
	err = q.QueryRowContext(ctx, `SELECT c.id, c.org_id, o.name, c.title, c.mode, c.place, c.counsellor, c.capacity, c.enrolled,
		(SELECT COUNT(*) FROM goodwill_participants p WHERE p.course_id = c.id AND p.status = 'waiting')
		FROM goodwill_courses c JOIN goodwill_orgs o ON o.id = c.org_id WHERE c.id = $1`, id).
		Scan(&c.ID, &c.OrgID, &c.OrgName, &c.Title, &c.Mode, &c.Place, &c.Counsellor, &c.Capacity, &c.Enrolled, &c.Waiting)
	if err != nil {
		return Course{}, store.NotFound(err, "course")
	}
	c.Sessions, err = store.Select(ctx, q, func(sc store.Scanner) (Session, error) {
		var x Session
		var at int64
		err := sc.Scan(&x.ID, &at, &x.Minutes, &x.Attended)
		x.StartsAt = easyjob.FromMillis(at)
		return x, err
	}, `SELECT s.id, s.starts_at, s.minutes, (SELECT COUNT(*) FROM goodwill_attendance t WHERE t.session_id = s.id)
		FROM goodwill_sessions s WHERE s.course_id = $1 ORDER BY s.starts_at, s.id`, id)
	return c, err
}

// Courses lists an organisation's courses.
func (s *Service) Courses(ctx context.Context, a easyjob.Actor, org int64) (_ []Course, err error) {
	defer func() { err = store.Wrap(err, "goodwill.Courses", "org", org) }()
	if err := s.mustSee(ctx, a, org); err != nil {
		return nil, err
	}
	ids, err := store.Select(ctx, s.S.DB.R, func(sc store.Scanner) (int64, error) {
		var id int64
		return id, sc.Scan(&id)
	}, `SELECT id FROM goodwill_courses WHERE org_id = $1 ORDER BY id`, org)
	out := make([]Course, 0, len(ids))
	for _, id := range ids {
		if err != nil {
			break
		}
		var c Course
		c, err = s.Course(ctx, id)
		out = append(out, c)
	}
	return out, err
}

// JoinInput is a sign-up: a nickname and a phone, nothing else. A unit that refers a
// frontline worker or a patient names itself.
type JoinInput struct {
	Nickname string `json:"nickname"`
	Phone    string `json:"phone"`
	Unit     string `json:"unit"` // the referring unit, or "" for a self sign-up
}

// Participant is a participant as the organiser sees them: a nickname and a masked phone.
type Participant struct {
	ID       int64             `json:"id"`
	Nickname string            `json:"nickname"`
	Phone    string            `json:"phone"` // masked
	Referral string            `json:"referral"`
	Unit     string            `json:"unit,omitempty"`
	Status   ParticipantStatus `json:"status"`
	Position int               `json:"position,omitempty"` // on the waiting list, from 1
}

// Join signs someone up for a course: a place if one is free, else the end of the waiting
// list. The place is taken by a conditional update of the course's count (enrolled <
// capacity), after locking the course's row, so no course ever holds more than its
// capacity. Anyone may sign themselves up (a = the zero Actor); the organisation's staff sign
// up people their units refer. The same phone cannot be signed up twice while active.
func (s *Service) Join(ctx context.Context, a easyjob.Actor, courseID int64, in JoinInput) (_ Participant, err error) {
	defer func() { err = store.Wrap(err, "goodwill.Join", "course", courseID) }()
	c, err := s.Course(ctx, courseID)
	if err != nil {
		return Participant{}, err
	}
	p := Participant{Referral: "self"}
	f := easyjob.Fields{}
	if in.Unit != "" || a.Role == easyjob.RoleOrg {
		org, err := s.staff(ctx, a, true)
		if err != nil {
			return Participant{}, err
		}
		if org != c.OrgID {
			return Participant{}, store.Forbidden()
		}
		p.Referral = "unit"
		trimmed(f, "unit", &in.Unit, 60, true)
	}
	trimmed(f, "nickname", &in.Nickname, 20, true)
	phone, perr := ident.ParsePhone(in.Phone)
	if perr != nil {
		f.Add("phone", "phone.invalid")
	}
	if err := f.Err(); err != nil {
		return Participant{}, err
	}
	sealed, err := s.S.Sealer.Seal([]byte(phone), []byte("goodwill_participants.phone"))
	if err != nil {
		return Participant{}, err
	}
	hash := s.S.Sealer.BlindIndex(phone)
	p.Nickname, p.Phone, p.Unit = in.Nickname, ident.MaskPhone(phone), in.Unit
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		if err := store.LockRows(ctx, tx, "goodwill_courses", "enrolled", courseID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE goodwill_courses SET enrolled = enrolled + 1 WHERE id = $1 AND enrolled < capacity`, courseID)
		if err != nil {
			return err
		}
		p.Status = Waiting
		if n, _ := res.RowsAffected(); n == 1 {
			p.Status = Enrolled
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO goodwill_participants (course_id, nickname, phone_cipher, phone_hash, referral, unit, status, joined_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, courseID, p.Nickname, sealed, hash, p.Referral, p.Unit, string(p.Status), tx.At).Scan(&p.ID)
		if _, ok := store.UniqueViolation(err); ok {
			return easyjob.Errorf(easyjob.ECONFLICT, "goodwill.course_joined")
		}
		if err != nil {
			return err
		}
		key := "goodwill.sms.enrolled"
		if p.Status == Waiting {
			key = "goodwill.sms.waiting"
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM goodwill_participants WHERE course_id = $1 AND status = 'waiting' AND id <= $2`,
				courseID, p.ID).Scan(&p.Position); err != nil {
				return err
			}
		}
		return s.S.Send(ctx, tx, phone, "goodwill", key, "course", c.Title, "position", p.Position)
	})
	return p, err
}

// Cancel gives up a place or a place on the waiting list. When an enrolled participant
// cancels, the first on the waiting list takes the place (and is told by text message); when
// nobody waits, the count goes down. The course's row is locked first, so two cancellations
// promote two different people and a cancellation racing a sign-up cannot overfill.
// Staff of the organisation may cancel anyone; the participant by their phone.
func (s *Service) Cancel(ctx context.Context, a easyjob.Actor, courseID, participantID int64, phone string) (promoted int64, err error) {
	defer func() { err = store.Wrap(err, "goodwill.Cancel", "course", courseID, "participant", participantID) }()
	c, err := s.Course(ctx, courseID)
	if err != nil {
		return 0, err
	}
	where, arg := "id = $2", any(participantID)
	if a.Role == easyjob.RoleOrg {
		org, err := s.staff(ctx, a, true)
		if err != nil {
			return 0, err
		}
		if org != c.OrgID {
			return 0, store.Forbidden()
		}
	} else {
		ph, perr := ident.ParsePhone(phone)
		if perr != nil {
			f := easyjob.Fields{}
			f.Add("phone", "phone.invalid")
			return 0, f.Err()
		}
		where, arg = "phone_hash = $2 AND status <> 'cancelled'", s.S.Sealer.BlindIndex(ph)
	}
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		promoted = 0
		if err := store.LockRows(ctx, tx, "goodwill_courses", "enrolled", courseID); err != nil {
			return err
		}
		var id int64
		var st string
		err := tx.QueryRowContext(ctx, `SELECT id, status FROM goodwill_participants WHERE course_id = $1 AND `+where, courseID, arg).Scan(&id, &st)
		if errors.Is(err, sql.ErrNoRows) {
			return easyjob.NotFound("participant")
		}
		if err != nil {
			return err
		}
		if !ParticipantStatus(st).Active() {
			return easyjob.Errorf(easyjob.ECONFLICT, "goodwill.already_cancelled")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE goodwill_participants SET status = 'cancelled', cancelled_at = $1 WHERE id = $2 AND status = $3`,
			tx.At, id, st); err != nil {
			return err
		}
		if ParticipantStatus(st) != Enrolled {
			return nil
		}
		var next int64
		var sealed []byte
		err = tx.QueryRowContext(ctx, `SELECT id, phone_cipher FROM goodwill_participants WHERE course_id = $1 AND status = 'waiting' ORDER BY id LIMIT 1`,
			courseID).Scan(&next, &sealed)
		if errors.Is(err, sql.ErrNoRows) {
			_, err = tx.ExecContext(ctx, `UPDATE goodwill_courses SET enrolled = enrolled - 1 WHERE id = $1 AND enrolled > 0`, courseID)
			return err
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE goodwill_participants SET status = 'enrolled', promoted_at = $1 WHERE id = $2 AND status = 'waiting'`,
			tx.At, next); err != nil {
			return err
		}
		promoted = next
		ph, err := s.S.Sealer.Open(sealed, []byte("goodwill_participants.phone"))
		if err != nil {
			return err
		}
		return s.S.Send(ctx, tx, string(ph), "goodwill", "goodwill.sms.promoted", "course", c.Title)
	})
	return promoted, err
}

// Participants lists a course's participants for its organisation's staff: nicknames and
// masked phones, places first, then the waiting list in order.
func (s *Service) Participants(ctx context.Context, a easyjob.Actor, courseID int64) (_ []Participant, err error) {
	defer func() { err = store.Wrap(err, "goodwill.Participants", "course", courseID) }()
	c, err := s.Course(ctx, courseID)
	if err != nil {
		return nil, err
	}
	if org, err := s.staff(ctx, a, false); err != nil || org != c.OrgID {
		return nil, cmpErr(err, store.Forbidden())
	}
	ps, err := store.Select(ctx, s.S.DB.R, func(sc store.Scanner) (Participant, error) {
		var p Participant
		var sealed []byte
		var st string
		if err := sc.Scan(&p.ID, &p.Nickname, &sealed, &p.Referral, &p.Unit, &st); err != nil {
			return p, err
		}
		p.Status = ParticipantStatus(st)
		ph, err := s.S.Sealer.Open(sealed, []byte("goodwill_participants.phone"))
		p.Phone = ident.MaskPhone(string(ph))
		return p, err
	}, `SELECT id, nickname, phone_cipher, referral, unit, status FROM goodwill_participants WHERE course_id = $1 AND status <> 'cancelled'
		ORDER BY CASE status WHEN 'enrolled' THEN 0 ELSE 1 END, id`, courseID)
	pos := 0
	for i := range ps {
		if ps[i].Status == Waiting {
			pos++
			ps[i].Position = pos
		}
	}
	return ps, err
}

// MarkAttended records that an enrolled participant came to a session (staff).
func (s *Service) MarkAttended(ctx context.Context, a easyjob.Actor, sessionID, participantID int64) (err error) {
	defer func() {
		err = store.Wrap(err, "goodwill.MarkAttended", "session", sessionID, "participant", participantID)
	}()
	org, err := s.staff(ctx, a, true)
	if err != nil {
		return err
	}
	return s.S.Tx(ctx, func(tx *store.Tx) error {
		var owner int64
		var st string
		err := tx.QueryRowContext(ctx, `SELECT c.org_id, p.status FROM goodwill_sessions x JOIN goodwill_courses c ON c.id = x.course_id
			JOIN goodwill_participants p ON p.course_id = c.id AND p.id = $2 WHERE x.id = $1`, sessionID, participantID).Scan(&owner, &st)
		if err != nil {
			return store.NotFound(err, "participant")
		}
		if owner != org {
			return store.Forbidden()
		}
		if ParticipantStatus(st) != Enrolled {
			return easyjob.Errorf(easyjob.ECONFLICT, "goodwill.not_enrolled")
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO goodwill_attendance (session_id, participant_id, at) VALUES ($1, $2, $3)
			ON CONFLICT (session_id, participant_id) DO NOTHING`, sessionID, participantID, tx.At)
		return err
	})
}

// AttendanceRows is the organiser's export of a course's attendance: per session, how many
// had places and how many came. It holds no nickname, no phone, no participant id.
func (s *Service) AttendanceRows(ctx context.Context, a easyjob.Actor, courseID int64) (header []string, rows [][]string, err error) {
	defer func() { err = store.Wrap(err, "goodwill.AttendanceRows", "course", courseID) }()
	c, err := s.Course(ctx, courseID)
	if err != nil {
		return nil, nil, err
	}
	if err := s.mustSee(ctx, a, c.OrgID); err != nil {
		return nil, nil, err
	}
	header = []string{"session", "starts_at", "minutes", "capacity", "enrolled", "attended"}
	for i, x := range c.Sessions {
		rows = append(rows, []string{strconv.Itoa(i + 1), x.Start(), strconv.Itoa(x.Minutes), strconv.Itoa(c.Capacity),
			strconv.Itoa(c.Enrolled), strconv.Itoa(x.Attended)})
	}
	return header, rows, nil
}

// RemindLead is how long before a session its participants are reminded.
const RemindLead = 24 * time.Hour

// RemindDue sends a text message to every enrolled participant of each session that starts
// within RemindLead of now and has not been reminded, and marks it reminded in the same
// transaction (a conditional update, so two task runners never remind twice). The
// goodwill_reminders periodic task calls it; it reads no clock but now.
func (s *Service) RemindDue(ctx context.Context, now time.Time) (sent int, err error) {
	defer func() { err = store.Wrap(err, "goodwill.RemindDue") }()
	at := easyjob.Millis(now)
	type due struct {
		id, course int64
		start      int64
		title      string
	}
	sessions, err := store.Select(ctx, s.S.DB.R, func(sc store.Scanner) (due, error) {
		var d due
		return d, sc.Scan(&d.id, &d.course, &d.start, &d.title)
	}, `SELECT s.id, s.course_id, s.starts_at, c.title FROM goodwill_sessions s JOIN goodwill_courses c ON c.id = s.course_id
		WHERE s.reminded_at = 0 AND s.starts_at > $1 AND s.starts_at <= $2 ORDER BY s.starts_at`, at, at+RemindLead.Milliseconds())
	if err != nil {
		return 0, err
	}
	for _, d := range sessions {
		var n int
		err := s.S.Tx(ctx, func(tx *store.Tx) error {
			n = 0
			res, err := tx.ExecContext(ctx, `UPDATE goodwill_sessions SET reminded_at = $1 WHERE id = $2 AND reminded_at = 0`, tx.At, d.id)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				return nil
			}
			phones, err := store.Select(ctx, tx, func(sc store.Scanner) ([]byte, error) {
				var b []byte
				return b, sc.Scan(&b)
			}, `SELECT phone_cipher FROM goodwill_participants WHERE course_id = $1 AND status = 'enrolled' ORDER BY id`, d.course)
			if err != nil {
				return err
			}
			when := easyjob.FromMillis(d.start).In(easyjob.Shanghai).Format("01-02 15:04")
			for _, sealed := range phones {
				ph, err := s.S.Sealer.Open(sealed, []byte("goodwill_participants.phone"))
				if err != nil {
					return err
				}
				if err := s.S.Send(ctx, tx, string(ph), "goodwill", "goodwill.sms.reminder", "course", d.title, "when", when); err != nil {
					return err
				}
				n++
			}
			return nil
		})
		if err != nil {
			return sent, fmt.Errorf("session %d: %w", d.id, err)
		}
		sent += n
	}
	return sent, nil
}
