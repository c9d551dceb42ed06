package demo

import (
	"context"

	"easyjob/internal/easyjob"
	"easyjob/internal/store"
)

// loadBriefingAccounts adds a writer and an editor of the daily briefing,
// officers of the city, so that the editorial workflow can be tried: one
// drafts and edits, the other approves.
func loadBriefingAccounts(ctx context.Context, s *store.Store, g *gen, hash string, sum *Summary) error {
	for _, a := range []Account{
		{Username: WriterUser, Role: easyjob.RoleOfficer, Name: "市人社局通报撰稿人", Region: easyjob.CityRegion},
		{Username: EditorUser, Role: easyjob.RoleOfficer, Name: "市人社局通报审核人", Region: easyjob.CityRegion},
	} {
		if _, err := s.DB.W.ExecContext(ctx, `INSERT INTO users (username, password_hash, name, role, region, created_at)
			VALUES ($1, $2, $3, 'officer', $4, $5)`, a.Username, hash, a.Name, a.Region, g.employers[0].Created); err != nil {
			return err
		}
		sum.Accounts = append(sum.Accounts, a)
		sum.Users++
	}
	return nil
}
