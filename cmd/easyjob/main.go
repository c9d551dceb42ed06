// Command easyjob runs the easyjob public employment platform.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"easyjob/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := app.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}
