package support

import (
	"context"
	"database/sql"
	"errors"

	"easyjob/internal/easyjob"
	"easyjob/internal/store"
)

// Department members (support_members): an officer's account belongs to at most one of the
// six departments, for the whole city or for one district, and may be its head (who
// receives escalations).

// Member is an officer's place in a department.
type Member struct {
	UserID     int64  `json:"user_id"`
	Name       string `json:"name"`
	Department string `json:"department"`
	District   string `json:"district"` // "" for the whole city
	Head       bool   `json:"head"`
}

// Membership returns the user's department membership, or nil.
func (s *Service) Membership(ctx context.Context, userID int64) (*Member, error) {
	m := Member{UserID: userID}
	err := s.S.DB.R.QueryRowContext(ctx, `SELECT m.department, m.district, m.head, u.name FROM support_members m
		JOIN users u ON u.id = m.user_id WHERE m.user_id = $1`, userID).Scan(&m.Department, &m.District, &m.Head, &m.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, store.Wrap(err, "support.Membership", "user", userID)
	}
	return &m, nil
}

// SetMember makes an officer a member of a department (admins). district is "" or a
// Shenzhen district code.
func (s *Service) SetMember(ctx context.Context, a easyjob.Actor, m Member) (err error) {
	defer func() { err = store.Wrap(err, "support.SetMember", "user", m.UserID) }()
	if a.Role != easyjob.RoleAdmin {
		return forbidden()
	}
	f := easyjob.Fields{}
	if _, ok := DepartmentOf(m.Department); !ok {
		f.Add("department", "support.department_unknown")
	}
	if m.District != "" && !knownDistrict(m.District) {
		f.Add("district", "policy.field.unknown_key", "value", m.District)
	}
	var role string
	err = s.S.DB.R.QueryRowContext(ctx, `SELECT role FROM users WHERE id = $1`, m.UserID).Scan(&role)
	if errors.Is(err, sql.ErrNoRows) {
		return easyjob.NotFound("user")
	}
	if err != nil {
		return err
	}
	if easyjob.Role(role) != easyjob.RoleOfficer {
		f.Add("user_id", "support.member_not_officer")
	}
	if err := f.Err(); err != nil {
		return err
	}
	return s.S.Tx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO support_members (user_id, department, district, head, added_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id) DO UPDATE SET department = excluded.department,
			district = excluded.district, head = excluded.head`, m.UserID, m.Department, m.District, m.Head, tx.At)
		return err
	})
}

// Members lists a department's members.
func (s *Service) Members(ctx context.Context, department string) ([]Member, error) {
	ms, err := store.Select(ctx, s.S.DB.R, func(row store.Scanner) (Member, error) {
		var m Member
		err := row.Scan(&m.UserID, &m.Name, &m.Department, &m.District, &m.Head)
		return m, err
	}, `SELECT m.user_id, u.name, m.department, m.district, m.head FROM support_members m JOIN users u ON u.id = m.user_id
		WHERE m.department = $1 ORDER BY m.head DESC, m.user_id`, department)
	return ms, store.Wrap(err, "support.Members", "department", department)
}

// covers tells whether the member answers tickets of the department in the district.
func (m *Member) covers(department, district string) bool {
	return m != nil && m.Department == department && (m.District == "" || m.District == district)
}
