package testproc

import "syscall"

// SysProcAttr makes the kernel kill the server when the test binary dies
// (a panic, a timeout, SIGKILL), so no server outlives its test.
func SysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
