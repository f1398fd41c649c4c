//go:build !linux

package testproc

import "syscall"

// SysProcAttr returns nil: only Linux can tie the server's life to ours.
func SysProcAttr() *syscall.SysProcAttr { return nil }
