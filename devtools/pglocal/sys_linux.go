package pglocal

import (
	"os"
	"syscall"
)

// setParentDeathSignal makes the kernel send SIGQUIT (PostgreSQL's immediate
// shutdown) to the child when the thread that started it dies, so a killed
// parent leaves no server behind. Go sets it after switching credentials,
// which would otherwise clear it.
func setParentDeathSignal(attr *syscall.SysProcAttr) {
	attr.Pdeathsig = syscall.SIGQUIT
}

// memoryDir returns /dev/shm if it is a world-writable tmpfs with 1 GiB
// free, else "". Creating a database writes some 300 files: measured on a
// VM's ext4 disk, 135 ms against 15 ms in tmpfs.
func memoryDir() string {
	const dir, minFree = "/dev/shm", 1 << 30
	var fs syscall.Statfs_t
	if err := syscall.Statfs(dir, &fs); err != nil || fs.Type != 0x01021994 /* TMPFS_MAGIC */ {
		return ""
	}
	if uint64(fs.Bavail)*uint64(fs.Bsize) < minFree {
		return ""
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm()&0o003 != 0o003 {
		return ""
	}
	return dir
}
