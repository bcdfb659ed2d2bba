// Command bindeled runs the Bindeled hub: the public site, the editors'
// workspace and the tools to manage them.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = ""

const usage = `Bindeled – inspiration og viden om samarbejdet mellem skole og hjem.

Usage:
  bindeled serve [flags]       run the hub (public site and workspace)
  bindeled user add [flags]    create a user
  bindeled user reset-2fa [flags]
                               remove a user's two-step verification
  bindeled copy-db [flags]     copy a whole hub between SQLite and PostgreSQL
  bindeled reindex [flags]     build the search index again
  bindeled import FORMAT PATH  import material from another system (see import help)
  bindeled import bindeled DIR restore an export into a hub without materials
  bindeled export [flags] DIR  write everything the hub holds into a folder
  bindeled backup [flags] DIR  write a backup of the database and media while serving
  bindeled restore [flags] DIR bring a backup back into an empty data folder
  bindeled check [flags]       check the database and media files after a crash
  bindeled version             print the version

Run "bindeled COMMAND --help" for the flags of a command. Every flag can also
be set with an environment variable named BINDELED_ and the flag's name in
capitals, for example BINDELED_ADDR=:9000.
`

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "bindeled:", err)
		}
		os.Exit(exitCode(err))
	}
}

func exitCode(err error) int {
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	return 1
}

var errUsage = errors.New("unknown command; run bindeled help")

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stdout, stderr)
	case "user":
		if len(args) > 1 && args[1] == "add" {
			return userAdd(ctx, args[2:], stdin, stdout, stderr)
		}
		if len(args) > 1 && args[1] == "reset-2fa" {
			return userResetSecondFactor(ctx, args[2:], stdout, stderr)
		}
		if len(args) > 1 && slices.Contains([]string{"help", "--help", "-h", "-help"}, args[1]) {
			fmt.Fprint(stdout, usage)
			return nil
		}
		fmt.Fprint(stderr, usage)
		return errUsage
	case "copy-db":
		return copyDB(ctx, args[1:], stdout, stderr)
	case "reindex":
		return reindex(ctx, args[1:], stdout, stderr)
	case "import":
		return importCmd(ctx, args[1:], stdout, stderr)
	case "export":
		return exportHub(ctx, args[1:], stdout, stderr)
	case "backup":
		return backupCmd(ctx, args[1:], stdout, stderr)
	case "restore":
		return restoreCmd(ctx, args[1:], stdout, stderr)
	case "check":
		return checkCmd(ctx, args[1:], stdout, stderr)
	case "serve-file": // not in the usage: a reference for scripts/load
		return serveFile(ctx, args[1:], stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "bindeled", versionString())
		return nil
	case "help", "--help", "-h", "-help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return errUsage
}

func versionString() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "dev"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	return rev
}
