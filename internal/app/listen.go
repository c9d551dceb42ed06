package app

import (
	"context"
	"net"
)

// listen opens the server's socket. With reusePort (serve --reuse-port, on
// systems that have SO_REUSEPORT), several `easyjob serve` processes listen
// on one address and the kernel spreads new connections among them: one
// port for a machine's processes on PostgreSQL, no proxy needed.
func listen(ctx context.Context, addr string, reusePort bool) (net.Listener, error) {
	lc := net.ListenConfig{}
	if reusePort {
		lc.Control = reusePortControl
	}
	return lc.Listen(ctx, "tcp", addr)
}
