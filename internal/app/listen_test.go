package app

import (
	"context"
	"testing"
)

// #11: with --reuse-port two serve processes share one address; without it
// the second is refused, as before.
func TestReusePort(t *testing.T) {
	if !canReusePort {
		t.Skip("no SO_REUSEPORT here")
	}
	ctx := context.Background()
	a, err := listen(ctx, "127.0.0.1:0", true)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := listen(ctx, a.Addr().String(), true)
	if err != nil {
		t.Fatalf("a second listener with --reuse-port: %v", err)
	}
	defer b.Close()
	if c, err := listen(ctx, a.Addr().String(), false); err == nil {
		c.Close()
		t.Fatal("a listener without --reuse-port took a used address")
	}
}
