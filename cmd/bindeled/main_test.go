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

// TestServeRefusesBadS3Flags: media settings that cannot work stop the
// start with a message that says what to fix.
func TestServeRefusesBadS3Flags(t *testing.T) {
	t.Setenv(envS3AccessKey, "AKID")
	t.Setenv(envS3SecretKey, "secret")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--media-s3-endpoint", "127.0.0.1:9"}, "bucket"},
		{[]string{"--media-s3-bucket", "b"}, "endpoint"},
		{[]string{"--media-s3-region", "eu-north-1"}, "endpoint"},
		{[]string{"--media-s3-endpoint", "https://s3.example", "--media-s3-bucket", "b"}, "without scheme"},
		{[]string{"--media-s3-endpoint", "s3.example", "--media-s3-bucket", "b", "--media-s3-insecure"}, "loopback"},
		{[]string{"--media-s3-endpoint", "s3.example", "--media-s3-bucket", "b", "--media-s3-prefix", "/m"},
			"prefix"},
		{[]string{"--media-s3-endpoint", "127.0.0.1:9000", "--media-s3-bucket", "b", "--media-s3-insecure"},
			"--media-s3-path-style"},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		args := append([]string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0"}, tt.args...)
		err := run(context.Background(), args, strings.NewReader(""), &out, &errOut)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v; want a refusal about %s", tt.args, err, tt.want)
		}
	}

	t.Setenv(envS3SecretKey, "")
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"serve", "--data", t.TempDir(), "--media-s3-endpoint", "s3.example",
		"--media-s3-bucket", "b"}, strings.NewReader(""), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), envS3SecretKey) {
		t.Errorf("no secret: %v; want a refusal naming %s", err, envS3SecretKey)
	}
}
