//go:build !unix

package app

import (
	"errors"
	"syscall"
)

const canReusePort = false

func reusePortControl(network, address string, c syscall.RawConn) error {
	return errors.New("--reuse-port needs SO_REUSEPORT, which this system does not have")
}
