package storage

import (
	"errors"
	"strings"
	"syscall"
)

// IsUnwritable reports whether err says that the database or the disk
// under it cannot take a write: the disk or a quota is full, or the file
// system or database is read-only. Such a failure is the operator's to
// fix, not the request's; nothing was written.
func IsUnwritable(err error) bool {
	if err == nil {
		return false
	}
	for _, errno := range []syscall.Errno{syscall.ENOSPC, syscall.EDQUOT, syscall.EROFS} {
		if errors.Is(err, errno) {
			return true
		}
	}
	msg := err.Error()
	for _, s := range []string{
		"database or disk is full",             // SQLITE_FULL
		"attempt to write a readonly database", // SQLITE_READONLY
		"SQLSTATE 53100",                       // PostgreSQL disk_full
		"SQLSTATE 25006",                       // PostgreSQL read_only_sql_transaction
		"no space left on device",              // wrapped as text by a driver
		"read-only file system",                // likewise
	} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
