package app

import (
	"context"
	"fmt"

	"easyjob/internal/config"
	"easyjob/internal/store"
	"easyjob/internal/tasks"
)

func runMigrate(env Env, args []string) error {
	fs := config.Quiet("migrate", env.Stderr)
	cfg := config.FlagSet(fs, env.Getenv)
	if err := parse(fs, args); err != nil {
		return err
	}
	if _, _, err := config.ParseDB(cfg.DB); err != nil {
		return usageError{err}
	}
	db, err := store.Open(env.Ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.MigrateThen(env.Ctx, func(ctx context.Context) error { return tasks.Migrate(ctx, db) })
	if err != nil {
		return err
	}
	cur, _, err := db.SchemaStatus(env.Ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "applied %d migration(s); schema version %d\n", n, cur)
	return nil
}
