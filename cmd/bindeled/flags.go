package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/bindeled/bindeled/internal/auth"
	"github.com/bindeled/bindeled/internal/media"
)

// envFlags is a flag set whose flags fall back to BINDELED_* variables.
type envFlags struct {
	*flag.FlagSet
}

func newFlags(name, summary string, stderr io.Writer) envFlags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: bindeled %s [flags]\n\n%s\n\nFlags (each also read from the environment variable shown):\n", name, summary)
		fs.VisitAll(func(f *flag.Flag) {
			fmt.Fprintf(stderr, "  --%s (%s", f.Name, envName(f.Name))
			if f.DefValue != "" {
				fmt.Fprintf(stderr, ", default %s", f.DefValue)
			}
			fmt.Fprintf(stderr, ")\n      %s\n", strings.ReplaceAll(f.Usage, "\n", "\n      "))
		})
	}
	return envFlags{fs}
}

func envName(flagName string) string {
	return "BINDELED_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parse applies the environment first, then the command line, so a flag
// given on the command line wins.
func (f envFlags) parse(args []string) error {
	var err error
	f.VisitAll(func(fl *flag.Flag) {
		if v, ok := os.LookupEnv(envName(fl.Name)); ok && err == nil {
			if e := fl.Value.Set(v); e != nil {
				err = fmt.Errorf("%s=%q: %w", envName(fl.Name), v, e)
			}
		}
	})
	if err != nil {
		return err
	}
	return f.Parse(args)
}

// passwordFlags registers the cost of password hashing.
func passwordFlags(f envFlags) *auth.Params {
	p := auth.DefaultParams()
	f.Func("password-memory", fmt.Sprintf("argon2id memory in KiB (default %d); lower only for tests", p.Memory),
		uintSetter(&p.Memory))
	f.Func("password-iterations", fmt.Sprintf("argon2id passes (default %d); lower only for tests", p.Iterations),
		uintSetter(&p.Iterations))
	return &p
}

func uintSetter(dst *uint32) func(string) error {
	return func(s string) error {
		var v uint32
		if _, err := fmt.Sscan(s, &v); err != nil || v == 0 {
			return fmt.Errorf("want a positive whole number")
		}
		*dst = v
		return nil
	}
}

// uploadFlags registers the upload size limits in megabytes.
func uploadFlags(f envFlags) *media.Limits {
	l := media.DefaultLimits()
	for _, c := range []media.Class{media.Image, media.Video, media.Captions, media.Document} {
		name := "max-" + string(c) + "-mb"
		def := l.MaxBytes[c] >> 20
		f.Func(name, fmt.Sprintf("largest %s upload in MB (default %d)", c, def), func(s string) error {
			var mb int64
			if _, err := fmt.Sscan(s, &mb); err != nil || mb <= 0 {
				return fmt.Errorf("want a positive number of megabytes")
			}
			l.MaxBytes[c] = mb << 20
			return nil
		})
	}
	return &l
}
