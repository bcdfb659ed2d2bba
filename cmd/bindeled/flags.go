package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/bindeled/bindeled/internal/auth"
	"github.com/bindeled/bindeled/internal/hub"
	"github.com/bindeled/bindeled/internal/mail"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/social"
)

// envFlags is a flag set whose flags fall back to BINDELED_* variables.
type envFlags struct {
	*flag.FlagSet
}

func newFlags(name, summary string, stderr io.Writer) envFlags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr,
			"Usage: bindeled %s [flags]\n\n%s\n\nFlags (each also read from the environment "+
				"variable shown):\n", name, summary)
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

// hubFlags adds the flags that name the hub a command works on: its data
// folder, for PostgreSQL its database, and for media in S3 its bucket.
func hubFlags(f envFlags) (data, database *string, s3 *s3Flags) {
	data = f.String("data", "./data", "folder for the SQLite database and media files")
	database = f.String("database", "", "PostgreSQL URL (postgres://…); empty uses SQLite in --data")
	return data, database, mediaS3Flags(f)
}

// The environment variables that hold the S3 credentials. They are never
// flags, so they do not show in the process list.
const (
	envS3AccessKey = "BINDELED_S3_ACCESS_KEY"
	envS3SecretKey = "BINDELED_S3_SECRET_KEY"
)

// s3Flags is where media are kept when not in the data folder.
type s3Flags struct {
	cfg media.S3Config
}

// mediaS3Flags registers the S3-compatible bucket for media.
func mediaS3Flags(f envFlags) *s3Flags {
	s := &s3Flags{}
	f.StringVar(&s.cfg.Endpoint, "media-s3-endpoint", "",
		"S3-compatible server for media as host[:port], e.g. s3.eu-north-1.amazonaws.com;\n"+
			"empty keeps media in --data. The keys come from "+envS3AccessKey+" and "+envS3SecretKey)
	f.StringVar(&s.cfg.Bucket, "media-s3-bucket", "", "bucket for media (required with --media-s3-endpoint)")
	f.StringVar(&s.cfg.Prefix, "media-s3-prefix", "",
		"the folder of the files in the bucket, e.g. media/ (a slash is added at its end)")
	f.StringVar(&s.cfg.Region, "media-s3-region", "", "the bucket's region; empty asks the server")
	f.BoolVar(&s.cfg.PathStyle, "media-s3-path-style", false,
		"address the bucket in the path (host/bucket/key), as MinIO and most servers but AWS need")
	f.BoolVar(&s.cfg.Insecure, "media-s3-insecure", false,
		"speak plain HTTP instead of HTTPS; only to a server on this machine (loopback)")
	return s
}

// config returns the S3 store's configuration with its keys from the
// environment, or a zero one when no S3 flag was given.
func (s *s3Flags) config() (media.S3Config, error) {
	c := s.cfg
	if !c.Enabled() && c.Prefix == "" && c.Region == "" && !c.PathStyle && !c.Insecure {
		return media.S3Config{}, nil
	}
	c.AccessKey, c.SecretKey = os.Getenv(envS3AccessKey), os.Getenv(envS3SecretKey)
	if err := c.Check(); err != nil {
		return media.S3Config{}, fmt.Errorf("--media-s3-*: %w", err)
	}
	return c, nil
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

// mailFlags registers the SMTP server. With no --smtp-host, no mail is
// sent and nothing connects anywhere.
func mailFlags(f envFlags) *mail.Config {
	c := mail.Config{TLS: mail.TLSStartTLS}
	f.StringVar(&c.Host, "smtp-host", "",
		"SMTP server for invitations, password links and notifications; empty sends no mail")
	f.Func("smtp-port", "SMTP port (default 587 with starttls, 465 with tls, 25 with none)", func(s string) error {
		var p int
		if _, err := fmt.Sscan(s, &p); err != nil || p < 1 || p > 65535 {
			return fmt.Errorf("want a port number from 1 to 65535")
		}
		c.Port = p
		return nil
	})
	f.Func("smtp-tls", "how the SMTP connection is protected: starttls (default), tls (from the first byte) or none",
		func(s string) error {
			m, err := mail.ParseTLSMode(s)
			c.TLS = m
			return err
		})
	f.StringVar(&c.Username, "smtp-user", "", "SMTP user name; empty logs in as nobody")
	f.StringVar(&c.Password, "smtp-password", "", "SMTP password; better given as BINDELED_SMTP_PASSWORD")
	f.StringVar(&c.From, "smtp-from", "", "sender of the hub's mail, e.g. \"Skole og hjem <noreply@kommune.dk>\"")
	return &c
}

// socialFlags registers the platforms' addresses and versions, which
// default to the real hosts, and the key that seals their tokens.
func socialFlags(f envFlags) (*social.Config, *string) {
	c := social.DefaultConfig()
	f.StringVar(&c.GraphURL, "facebook-graph-url", c.GraphURL, "Facebook Graph API address")
	f.StringVar(&c.FacebookURL, "facebook-dialog-url", c.FacebookURL, "Facebook login dialog address")
	f.StringVar(&c.GraphVersion, "facebook-api-version", c.GraphVersion, "Graph API version in every path")
	f.StringVar(&c.LinkedInAPIURL, "linkedin-api-url", c.LinkedInAPIURL, "LinkedIn REST API address")
	f.StringVar(&c.LinkedInOAuthURL, "linkedin-oauth-url", c.LinkedInOAuthURL, "LinkedIn OAuth address")
	f.StringVar(&c.LinkedInVersion, "linkedin-api-version", c.LinkedInVersion,
		"LinkedIn-Version header (YYYYMM); LinkedIn serves each version for about a year")
	key := f.String("secret-key", "", "32-byte key that encrypts the Facebook and LinkedIn tokens, as base64 or hex\n"+
		"(openssl rand -base64 32); better given as BINDELED_SECRET_KEY. Without it tokens cannot be stored.")
	return &c, key
}

// openQuiet opens the hub a command works on, with the log discarded:
// commands say what they did themselves.
func openQuiet(ctx context.Context, cfg hub.Config) (*hub.Hub, error) {
	cfg.Logger = slog.New(slog.DiscardHandler)
	return hub.Open(ctx, cfg)
}
