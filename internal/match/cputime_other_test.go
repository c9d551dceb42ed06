//go:build !linux

package match

import "time"

// threadCPU is not available here; CPU-time percentiles read 0.
func threadCPU() time.Duration { return 0 }

// processCPU is not available here.
func processCPU() time.Duration { return 0 }
