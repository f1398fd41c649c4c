//go:build !unix

package testproc

import (
	"os"
	"os/exec"
)

// Terminate ends the process: there is no SIGTERM here.
func Terminate(p *os.Process) error { return p.Kill() }

// RaiseFileLimit returns cmd unchanged: there is no ulimit here.
func RaiseFileLimit(cmd *exec.Cmd, _ uint64) *exec.Cmd { return cmd }
