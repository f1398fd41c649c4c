//go:build !unix

package prosodytest

import (
	"os"
	"os/exec"
)

// terminate ends the process: there is no SIGTERM here.
func terminate(p *os.Process) error { return p.Kill() }

// raiseFileLimit returns cmd unchanged: there is no ulimit here.
func raiseFileLimit(cmd *exec.Cmd, _ uint64) *exec.Cmd { return cmd }
