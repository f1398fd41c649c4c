package prosodytest

import "syscall"

// sysProcAttr makes the kernel kill prosody when the test binary dies
// (a panic, a timeout, SIGKILL), so no server outlives its test.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
