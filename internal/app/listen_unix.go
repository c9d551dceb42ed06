//go:build unix

package app

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// canReusePort tells whether --reuse-port works here.
const canReusePort = true

func reusePortControl(network, address string, c syscall.RawConn) error {
	var serr error
	err := c.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEPORT, 1)
	})
	if err != nil {
		return err
	}
	return serr
}
