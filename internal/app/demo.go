package app

import (
	"context"
	"errors"
	"io"
)

func runDemo(env Env, args []string) error { return errors.New("demo: not built yet") }

// LoadDemoIfEmpty loads the demo data set when the database has none.
func (a *App) LoadDemoIfEmpty(ctx context.Context, out io.Writer) error { return nil }
