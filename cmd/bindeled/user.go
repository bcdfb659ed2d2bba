package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/bindeled/bindeled/internal/auth"
	"github.com/bindeled/bindeled/internal/hub"
	"github.com/bindeled/bindeled/internal/storage"
	"golang.org/x/term"
	"golang.org/x/text/unicode/norm"
)

const userAddSummary = `Creates a user. The password is read from the terminal (asked twice, not
shown), or as the first line of standard input when it is not a terminal:

  printf '%s\n' "$PASSWORD" | bindeled user add --email ed@example.dk --role editor`

func userAdd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	f := newFlags("user add", userAddSummary, stderr)
	email := f.String("email", "", "the user's e-mail address (required)")
	name := f.String("name", "", "the user's name")
	role := f.String("role", "editor", "admin, editor, reviewer or contributor")
	schoolList := f.String("school", "",
		"for a contributor: the school's address name (slug); several separated by commas")
	data, database, s3 := hubFlags(f)
	passwords := passwordFlags(f)
	if err := f.parse(args); err != nil {
		return err
	}
	s3cfg, err := s3.config()
	if err != nil {
		return err
	}

	if !auth.ValidEmail(*email) {
		return fmt.Errorf("--email %q is not an e-mail address", *email)
	}
	if !storage.Role(*role).Valid() {
		return fmt.Errorf("--role %q: want admin, editor, reviewer or contributor", *role)
	}
	if (*role == string(storage.RoleContributor)) != (*schoolList != "") {
		return fmt.Errorf("a contributor needs --school, and only a contributor takes it")
	}
	password, err := readPassword(stdin, stderr)
	if err != nil {
		return err
	}
	if key := auth.PasswordProblem(password); key != "" {
		reason := map[string]string{
			auth.ProblemShort:  fmt.Sprintf("it must have at least %d characters", auth.MinPasswordRunes),
			auth.ProblemLong:   fmt.Sprintf("it may have at most %d characters", auth.MaxPasswordRunes),
			auth.ProblemCommon: "it is too common",
		}[key]
		return fmt.Errorf("password refused: %s", reason)
	}
	hash, err := auth.HashPassword(*passwords, password)
	if err != nil {
		return err
	}

	h, err := openQuiet(ctx, hub.Config{DataDir: *data, Database: *database, MediaS3: s3cfg, Passwords: *passwords})
	if err != nil {
		return err
	}
	defer h.Close()
	var schoolIDs []int64
	for _, slug := range strings.Split(*schoolList, ",") {
		if slug = strings.TrimSpace(slug); slug == "" {
			continue
		}
		sc, err := h.Store.SchoolBySlug(ctx, slug)
		if err != nil {
			return fmt.Errorf("--school %q: no such school (see /skoler)", slug)
		}
		schoolIDs = append(schoolIDs, sc.ID)
	}
	u := &storage.User{Email: *email, Name: *name, Role: storage.Role(*role), PasswordHash: hash, Active: true}
	if err := h.Store.CreateUser(ctx, u); errors.Is(err, storage.ErrConflict) {
		return fmt.Errorf("a user with e-mail %s already exists", *email)
	} else if err != nil {
		return err
	}
	if err := h.Store.SetUserSchools(ctx, u.ID, schoolIDs); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Created %s %s (id %d).\n", *role, u.Email, u.ID)
	return nil
}

const userResetSummary = `Removes a user's two-step verification and recovery codes, for the one
admin who lost both the phone and the codes; other users ask an admin, who
resets it on the user's page. The reset is written to the audit log.`

func userResetSecondFactor(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("user reset-2fa", userResetSummary, stderr)
	email := f.String("email", "", "the user's e-mail address (required)")
	data, database, s3 := hubFlags(f)
	if err := f.parse(args); err != nil {
		return err
	}
	s3cfg, err := s3.config()
	if err != nil {
		return err
	}
	h, err := openQuiet(ctx, hub.Config{DataDir: *data, Database: *database, MediaS3: s3cfg})
	if err != nil {
		return err
	}
	defer h.Close()

	u, err := h.Store.UserByEmail(ctx, *email)
	if errors.Is(err, storage.ErrNotFound) {
		return fmt.Errorf("no user with e-mail %q", *email)
	}
	if err != nil {
		return err
	}
	had, err := h.Store.DisableTOTP(ctx, u.ID)
	if err != nil {
		return err
	}
	if !had {
		fmt.Fprintf(stdout, "%s has no two-step verification.\n", u.Email)
		return nil
	}
	if err := h.Store.Audit(ctx, &storage.AuditEntry{Action: "user:second_factor_reset",
		Subject: fmt.Sprintf("bruger %d: %s (%s)", u.ID, u.Email, u.Role), Client: "bindeled user reset-2fa"}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Removed the two-step verification of %s.\n", u.Email)
	return nil
}

// readPassword asks twice on a terminal, or reads one line otherwise.
func readPassword(stdin io.Reader, stderr io.Writer) (string, error) {
	if file, ok := stdin.(*os.File); ok && term.IsTerminal(int(file.Fd())) {
		fmt.Fprint(stderr, "Password: ")
		a, err := term.ReadPassword(int(file.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(stderr, "Repeat password: ")
		b, err := term.ReadPassword(int(file.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		if string(a) != string(b) {
			return "", errors.New("the passwords differ")
		}
		return norm.NFC.String(string(a)), nil
	}
	line, err := bufio.NewReader(io.LimitReader(stdin, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return norm.NFC.String(strings.TrimRight(line, "\r\n")), nil
}
