//go:build !unix

package pglocal

import (
	"fmt"
	"runtime"
	"syscall"
)

// account is the OS user that runs the server; unused off Unix.
type account struct{ uid, gid int }

// serverAccount reports that pglocal does not run here.
func serverAccount() (*account, error) {
	return nil, fmt.Errorf("pglocal: not supported on %s; set DATABASE_URL to an existing server", runtime.GOOS)
}

func (a *account) checkReach(string) error   { return nil }
func procAttr(*account) *syscall.SysProcAttr { return nil }
func processAlive(int) bool                  { return false }
func memoryDir() string                      { return "" }
