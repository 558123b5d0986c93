//go:build unix && !linux

package pglocal

import "syscall"

// setParentDeathSignal does nothing: only Linux can signal a child when its
// parent dies. Stop the cluster before exiting.
func setParentDeathSignal(*syscall.SysProcAttr) {}

// memoryDir returns "": throwaway clusters live in os.TempDir().
func memoryDir() string { return "" }
