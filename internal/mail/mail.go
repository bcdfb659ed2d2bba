// Package mail sends the hub's e-mail over SMTP: invitations, password
// links and notifications, as plain UTF-8 text. It only sends; queueing
// and retrying is the job runner's work (internal/jobs), so a request
// never waits for a mail server.
package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	netmail "net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// TLSMode is how the connection to the SMTP server is protected.
type TLSMode string

// The TLS modes.
const (
	// TLSNone sends in the clear; only for a relay on the same machine or
	// network.
	TLSNone TLSMode = "none"
	// TLSStartTLS starts in the clear and must upgrade with STARTTLS
	// before anything else is said (port 587).
	TLSStartTLS TLSMode = "starttls"
	// TLSImplicit speaks TLS from the first byte (port 465).
	TLSImplicit TLSMode = "tls"
)

// ParseTLSMode reads a TLS mode as the command line gives it.
func ParseTLSMode(s string) (TLSMode, error) {
	switch m := TLSMode(strings.ToLower(strings.TrimSpace(s))); m {
	case TLSNone, TLSStartTLS, TLSImplicit:
		return m, nil
	}
	return "", fmt.Errorf("TLS mode %q: want none, starttls or tls", s)
}

// Config says which server to send through and as whom.
type Config struct {
	Host     string // empty: no mail is sent
	Port     int    // 0: 587 for STARTTLS, 465 for implicit TLS, 25 without TLS
	TLS      TLSMode
	Username string // empty: no authentication
	Password string
	From     string // the sender address, e.g. "Skole og hjem <noreply@kommune.dk>"
	// Timeout bounds connecting and each exchange with the server.
	Timeout time.Duration
	// TLSConfig overrides the TLS settings; tests use it to trust their
	// own certificate. Nil verifies the server against the system's roots.
	TLSConfig *tls.Config
}

// Enabled reports whether mail is configured.
func (c Config) Enabled() bool { return c.Host != "" }

// Message is one plain-text e-mail to one recipient.
type Message struct {
	To      string
	Subject string
	Body    string
}

// Sender sends messages through one SMTP server. It is safe for
// concurrent use; each Send opens its own connection.
type Sender struct {
	cfg  Config
	from *netmail.Address
}

// NewSender checks cfg and returns a Sender for it.
func NewSender(cfg Config) (*Sender, error) {
	if cfg.Host == "" {
		return nil, errors.New("mail: no SMTP host")
	}
	if cfg.TLS == "" {
		cfg.TLS = TLSStartTLS
	}
	if _, err := ParseTLSMode(string(cfg.TLS)); err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	if cfg.Port == 0 {
		cfg.Port = map[TLSMode]int{TLSNone: 25, TLSStartTLS: 587, TLSImplicit: 465}[cfg.TLS]
	}
	if cfg.Port < 1 || cfg.Port > 65535 {
		return nil, fmt.Errorf("mail: port %d is out of range", cfg.Port)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	from, err := netmail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("mail: sender address %q: %w", cfg.From, err)
	}
	if cfg.Username == "" && cfg.Password != "" {
		return nil, errors.New("mail: a password without a user name")
	}
	return &Sender{cfg: cfg, from: from}, nil
}

// Send delivers m. It returns when the server has accepted the message or
// refused it; ctx bounds the whole exchange.
func (s *Sender) Send(ctx context.Context, m Message) error {
	msg, err := s.compose(m)
	if err != nil {
		return err
	}
	c, err := gomail.NewClient(s.cfg.Host, s.options()...)
	if err != nil {
		return fmt.Errorf("mail: client: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("mail: send to %s:%d: %w", s.cfg.Host, s.cfg.Port, err)
	}
	return nil
}

func (s *Sender) options() []gomail.Option {
	tc := s.cfg.TLSConfig
	if tc == nil {
		tc = &tls.Config{ServerName: s.cfg.Host, MinVersion: tls.VersionTLS12}
	}
	opts := []gomail.Option{gomail.WithPort(s.cfg.Port), gomail.WithTimeout(s.cfg.Timeout),
		gomail.WithTLSConfig(tc)}
	switch s.cfg.TLS {
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	case TLSStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if s.cfg.Username != "" {
		// PLAIN refuses to send the password over a connection without
		// TLS, except to the machine itself.
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain),
			gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	return opts
}

// compose builds the MIME message: UTF-8 plain text, quoted-printable,
// with Date and Message-ID.
func (s *Sender) compose(m Message) (*gomail.Msg, error) {
	to, err := netmail.ParseAddress(m.To)
	if err != nil {
		return nil, fmt.Errorf("mail: recipient: %w", err)
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return nil, errors.New("mail: line break in subject")
	}
	msg := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingQP))
	msg.FromMailAddress(s.from)
	msg.ToMailAddress(to)
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetGenHeader(gomail.HeaderXAutoResponseSuppress, "All")
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, m.Body)
	return msg, nil
}
