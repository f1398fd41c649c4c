//go:build unix

package testproc

import (
	"os"
	"os/exec"
	"strconv"
	"syscall"
)

// Terminate asks the process to shut down cleanly.
func Terminate(p *os.Process) error { return p.Signal(syscall.SIGTERM) }

// RaiseFileLimit returns cmd run through /bin/sh after raising the soft
// open-file limit to want (capped at the hard limit). Go restores the
// limit it found at start in children, so the parent's raised limit is
// not inherited.
func RaiseFileLimit(cmd *exec.Cmd, want uint64) *exec.Cmd {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err == nil && lim.Max < want {
		want = lim.Max
	}
	script := `ulimit -S -n ` + strconv.FormatUint(want, 10) + ` && exec "$0" "$@"`
	return exec.Command("/bin/sh", append([]string{"-c", script}, cmd.Args...)...)
}
