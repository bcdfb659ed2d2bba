package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

// TestHelpAndUnknownCommands: help is asked for and answered on standard
// output with success; an unknown command is an error with the usage.
func TestHelpAndUnknownCommands(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"--help"}, {"user", "--help"}, {"user", "help"}} {
		var out, errOut bytes.Buffer
		if err := run(context.Background(), args, strings.NewReader(""), &out, &errOut); err != nil ||
			!strings.Contains(out.String(), "bindeled user add") {
			t.Errorf("%q: %v, output %q", args, err, out.String())
		}
	}
	for _, args := range [][]string{{"nonsense"}, {"user"}, {"user", "remove"}} {
		var out, errOut bytes.Buffer
		if err := run(context.Background(), args, strings.NewReader(""), &out, &errOut); !errors.Is(err, errUsage) ||
			!strings.Contains(errOut.String(), "Usage:") {
			t.Errorf("%q: %v, errors %q", args, err, errOut.String())
		}
	}
}

// TestServeRefusesBadMemoryFlags: a cache or memory size that makes no
// sense stops the start with a message that names the flag.
func TestServeRefusesBadMemoryFlags(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--page-cache-mb", "-5"},
		{"serve", "--page-cache-mb", "99999999999"},
		{"serve", "--memory-limit-mb", "-1"},
	} {
		var out, errOut bytes.Buffer
		args = append(args, "--data", t.TempDir(), "--addr", "127.0.0.1:0")
		err := run(context.Background(), args, strings.NewReader(""), &out, &errOut)
		if err == nil || !strings.Contains(err.Error()+errOut.String(), args[1]) {
			t.Errorf("%q: %v, errors %q; want a refusal naming %s", args, err, errOut.String(), args[1])
		}
	}
}
