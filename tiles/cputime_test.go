package tiles

import (
	"syscall"
	"time"
)

// cpuTime is the process's CPU time (user and system) so far.
type cpuTime struct{ d time.Duration }

func (c *cpuTime) read() {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	c.d = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
