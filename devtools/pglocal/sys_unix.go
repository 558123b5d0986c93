//go:build unix

package pglocal

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
)

// An account is the OS user that runs initdb and postgres when the calling
// process is root.
type account struct {
	name     string
	uid, gid int
	groups   []int // every group the user is in, the primary one included
}

// serverAccount returns the account to run the server as: nil (the calling
// user) unless the process is root, which PostgreSQL refuses to run as.
func serverAccount() (*account, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup(User)
	if err != nil {
		return nil, fmt.Errorf("pglocal: running as root, which PostgreSQL refuses to run as, and there is no %q OS user to run it as (%v); create one (useradd --system postgres) or run as another user", User, err)
	}
	a := &account{name: u.Username}
	if a.uid, err = strconv.Atoi(u.Uid); err != nil {
		return nil, fmt.Errorf("pglocal: user %s: uid %q: %w", User, u.Uid, err)
	}
	if a.gid, err = strconv.Atoi(u.Gid); err != nil {
		return nil, fmt.Errorf("pglocal: user %s: gid %q: %w", User, u.Gid, err)
	}
	a.groups = []int{a.gid}
	if ids, err := u.GroupIds(); err == nil {
		for _, id := range ids {
			if gid, err := strconv.Atoi(id); err == nil {
				a.groups = append(a.groups, gid)
			}
		}
	}
	return a, nil
}

// checkReach reports an error unless a can search every directory from the
// root down to dir, so that initdb and postgres, run as a, reach it.
func (a *account) checkReach(dir string) error {
	for p := dir; ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("pglocal: %w", err)
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok {
			return nil
		}
		perm := fi.Mode().Perm()
		var can bool
		switch {
		case int(st.Uid) == a.uid:
			can = perm&0o100 != 0
		case slices.Contains(a.groups, int(st.Gid)):
			can = perm&0o010 != 0
		default:
			can = perm&0o001 != 0
		}
		if !can {
			return fmt.Errorf("pglocal: user %s (uid %d), which runs PostgreSQL because it refuses to run as root, cannot enter %s on the way to %s; put the cluster elsewhere (Options.Dir, TMPDIR) or chmod o+x %[3]s", a.name, a.uid, p, dir)
		}
		if parent := filepath.Dir(p); parent == p {
			return nil
		}
	}
}

// procAttr returns the process attributes of initdb and postgres. The server
// gets its own process group, so a Ctrl-C at the terminal reaches only the
// parent, which then stops the server cleanly.
func procAttr(runAs *account) *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{Setpgid: true}
	if runAs != nil {
		attr.Credential = &syscall.Credential{Uid: uint32(runAs.uid), Gid: uint32(runAs.gid)}
	}
	setParentDeathSignal(attr)
	return attr
}

// processAlive reports whether a process with this pid exists.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
