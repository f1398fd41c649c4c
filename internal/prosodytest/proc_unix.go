//go:build unix

package prosodytest

import (
	"os"
	"os/exec"
	"strconv"
	"syscall"
)

// terminate asks the process to shut down cleanly.
func terminate(p *os.Process) error { return p.Signal(syscall.SIGTERM) }

// raiseFileLimit returns cmd run through /bin/sh after raising the soft
// open-file limit to want (capped at the hard limit). Go restores the
// limit it found at start in children, so the parent's raised limit is
// not inherited.
func raiseFileLimit(cmd *exec.Cmd, want uint64) *exec.Cmd {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err == nil && lim.Max < want {
		want = lim.Max
	}
	script := `ulimit -S -n ` + strconv.FormatUint(want, 10) + ` && exec "$0" "$@"`
	return exec.Command("/bin/sh", append([]string{"-c", script}, cmd.Args...)...)
}
