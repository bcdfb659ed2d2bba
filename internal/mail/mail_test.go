package mail_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/mail"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// received is one message as the test server got it.
type received struct {
	from, to string
	data     []byte
	tls      bool
	authUser string
}

// smtpServer is a real SMTP server on loopback, in the test process.
type smtpServer struct {
	srv  *smtp.Server
	addr string

	mu   sync.Mutex
	got  []received
	user string // required login, "" for none
	pass string
}

func (s *smtpServer) NewSession(c *smtp.Conn) (smtp.Session, error) {
	_, isTLS := c.TLSConnectionState()
	return &session{s: s, tls: isTLS, conn: c}, nil
}

func (s *smtpServer) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.got...)
}

type session struct {
	s        *smtpServer
	conn     *smtp.Conn
	tls      bool
	authUser string
	cur      received
}

func (ss *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != ss.s.user || pass != ss.s.pass {
			return errors.New("wrong login")
		}
		ss.authUser = user
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.user != "" && ss.authUser == "" {
		return smtp.ErrAuthRequired
	}
	ss.cur = received{from: from}
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error { ss.cur.to = to; return nil }

func (ss *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, isTLS := ss.conn.TLSConnectionState()
	ss.cur.data, ss.cur.tls, ss.cur.authUser = b, isTLS || ss.tls, ss.authUser
	ss.s.mu.Lock()
	ss.s.got = append(ss.s.got, ss.cur)
	ss.s.mu.Unlock()
	return nil
}

func (ss *session) Reset()        {}
func (ss *session) Logout() error { return nil }

// startSMTP runs a server on 127.0.0.1:0. With cert, it offers STARTTLS,
// or speaks TLS from the start when implicit is set.
func startSMTP(t *testing.T, cert *tls.Certificate, implicit bool, user, pass string) *smtpServer {
	t.Helper()
	s := &smtpServer{user: user, pass: pass}
	s.srv = smtp.NewServer(s)
	s.srv.Domain = "localhost"
	s.srv.ReadTimeout, s.srv.WriteTimeout = 10*time.Second, 10*time.Second
	s.srv.MaxMessageBytes = 1 << 20
	if cert != nil {
		s.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*cert}, MinVersion: tls.VersionTLS12}
	}
	var ln net.Listener
	var err error
	if implicit {
		ln, err = tls.Listen("tcp", "127.0.0.1:0", s.srv.TLSConfig)
	} else {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	go func() { _ = s.srv.Serve(ln) }() // ends with Close below
	t.Cleanup(func() { s.srv.Close() })
	return s
}

// selfSigned makes a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "bindeled test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(parsed)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

func hostPort(t *testing.T, addr string) (string, int) {
	t.Helper()
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	port, _ := strconv.Atoi(p)
	return h, port
}

var danish = mail.Message{
	To:      "Søren Ærø <soren@example.dk>",
	Subject: "Til gennemsyn: Første skoledag på Åbyskolen",
	Body:    "Hej Søren\n\nRedaktøren har sendt »Første skoledag« til gennemsyn.\n\nMed venlig hilsen\n",
}

func TestSend(t *testing.T) {
	cert, pool := selfSigned(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	tests := []struct {
		name     string
		cert     bool
		implicit bool
		mode     mail.TLSMode
		user     string
		tlsWant  bool
	}{
		{name: "no TLS, no login", mode: mail.TLSNone},
		{name: "STARTTLS with AUTH PLAIN", cert: true, mode: mail.TLSStartTLS, user: "bindeled", tlsWant: true},
		{name: "implicit TLS with AUTH PLAIN", cert: true, implicit: true, mode: mail.TLSImplicit, user: "bindeled",
			tlsWant: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c *tls.Certificate
			if tt.cert {
				c = &cert
			}
			srv := startSMTP(t, c, tt.implicit, tt.user, "hemmeligt kodeord")
			host, port := hostPort(t, srv.addr)
			cfg := mail.Config{Host: host, Port: port, TLS: tt.mode, From: "Skole og hjem <noreply@example.dk>",
				Timeout: 10 * time.Second, TLSConfig: &tls.Config{RootCAs: pool, ServerName: host}}
			if tt.user != "" {
				cfg.Username, cfg.Password = tt.user, "hemmeligt kodeord"
			}
			s, err := mail.NewSender(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Send(ctx, danish); err != nil {
				t.Fatalf("send: %v", err)
			}
			got := srv.messages()
			if len(got) != 1 {
				t.Fatalf("server got %d messages, want 1", len(got))
			}
			m := got[0]
			if m.from != "noreply@example.dk" || m.to != "soren@example.dk" {
				t.Errorf("envelope from %q to %q", m.from, m.to)
			}
			if m.tls != tt.tlsWant || m.authUser != tt.user {
				t.Errorf("tls %v (want %v), logged in as %q (want %q)", m.tls, tt.tlsWant, m.authUser, tt.user)
			}
			checkMessage(t, m.data)
		})
	}
}

// checkMessage parses what the server received and compares it with what
// was sent, decoded.
func checkMessage(t *testing.T, data []byte) {
	t.Helper()
	msg, err := netmail.ReadMessage(strings.NewReader(string(data)))
	if err != nil {
		t.Fatalf("received an unreadable message: %v", err)
	}
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subject != danish.Subject {
		t.Errorf("subject %q (%v), want %q", subject, err, danish.Subject)
	}
	to, err := msg.Header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Name != "Søren Ærø" || to[0].Address != "soren@example.dk" {
		t.Errorf("To: %v (%v)", to, err)
	}
	if ct := msg.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") ||
		!strings.Contains(strings.ToLower(ct), "utf-8") {
		t.Errorf("Content-Type %q", ct)
	}
	for _, h := range []string{"Date", "Message-Id", "Mime-Version", "From"} {
		if msg.Header.Get(h) == "" {
			t.Errorf("header %s is missing", h)
		}
	}
	if msg.Header.Get("Auto-Submitted") != "auto-generated" {
		t.Errorf("Auto-Submitted %q", msg.Header.Get("Auto-Submitted"))
	}
	body, _ := io.ReadAll(msg.Body)
	if cte := msg.Header.Get("Content-Transfer-Encoding"); strings.EqualFold(cte, "quoted-printable") {
		body, _ = io.ReadAll(quotedPrintable(body))
	}
	if got := strings.ReplaceAll(string(body), "\r\n", "\n"); strings.TrimSpace(got) != strings.TrimSpace(danish.Body) {
		t.Errorf("body %q, want %q", got, danish.Body)
	}
}

func TestSendRefusals(t *testing.T) {
	cert, pool := selfSigned(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	tests := []struct {
		name   string
		cert   bool
		user   string // the server's
		cfg    func(c *mail.Config)
		reason string
	}{
		{name: "wrong password", cert: true, user: "bindeled",
			cfg: func(c *mail.Config) { c.Username, c.Password = "bindeled", "forkert" }},
		{name: "STARTTLS required but not offered", cert: false,
			cfg: func(c *mail.Config) {}},
		{name: "certificate not trusted", cert: true,
			cfg: func(c *mail.Config) { c.TLSConfig = &tls.Config{ServerName: "127.0.0.1"} }},
		{name: "login required but none given", cert: true, user: "bindeled",
			cfg: func(c *mail.Config) {}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c *tls.Certificate
			if tt.cert {
				c = &cert
			}
			srv := startSMTP(t, c, false, tt.user, "hemmeligt kodeord")
			host, port := hostPort(t, srv.addr)
			cfg := mail.Config{Host: host, Port: port, TLS: mail.TLSStartTLS, From: "noreply@example.dk",
				Timeout: 5 * time.Second, TLSConfig: &tls.Config{RootCAs: pool, ServerName: host}}
			tt.cfg(&cfg)
			s, err := mail.NewSender(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Send(ctx, danish); err == nil {
				t.Error("send succeeded, want an error")
			}
			if n := len(srv.messages()); n != 0 {
				t.Errorf("the server got %d messages", n)
			}
		})
	}
}

func TestNewSenderChecksConfig(t *testing.T) {
	for _, cfg := range []mail.Config{
		{Host: "", From: "a@example.dk"},
		{Host: "smtp.example.dk", From: "not an address"},
		{Host: "smtp.example.dk", From: "a@example.dk", TLS: "ssl3"},
		{Host: "smtp.example.dk", From: "a@example.dk", Port: 70000},
		{Host: "smtp.example.dk", From: "a@example.dk", Password: "x"},
	} {
		if _, err := mail.NewSender(cfg); err == nil {
			t.Errorf("NewSender(%+v) accepted it", cfg)
		}
	}
	s, err := mail.NewSender(mail.Config{Host: "smtp.example.dk", From: "a@example.dk"})
	if err != nil {
		t.Fatal(err)
	}
	// Nothing is sent by building a sender; a bad recipient fails before dialling.
	if err := s.Send(context.Background(), mail.Message{To: "nobody", Subject: "x"}); err == nil {
		t.Error("a bad recipient was accepted")
	}
	if err := s.Send(context.Background(), mail.Message{To: "a@example.dk",
		Subject: "x\r\nBcc: b@example.dk"}); err == nil {
		t.Error("a header injection was accepted")
	}
}

func TestParseTLSMode(t *testing.T) {
	for in, want := range map[string]mail.TLSMode{"none": mail.TLSNone, "STARTTLS": mail.TLSStartTLS,
		"tls": mail.TLSImplicit} {
		if got, err := mail.ParseTLSMode(in); err != nil || got != want {
			t.Errorf("ParseTLSMode(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := mail.ParseTLSMode("ssl"); err == nil {
		t.Error("ssl accepted")
	}
}

func quotedPrintable(b []byte) io.Reader {
	return quotedprintable.NewReader(strings.NewReader(string(b)))
}
