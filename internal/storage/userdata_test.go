package storage_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
)

// userColumn matches the names of columns that may name a user.
var userColumn = regexp.MustCompile(`(^|_)user_id$|_by$|^actor_id$|email|^to_addr$`)

// TestEveryTableIsClassifiedForPrivacy: every table of the schema says
// whether it holds something about a user, and every column that may name
// one is among those the export and the anonymisation read. A new table or
// column fails here until it is classified in storage/userdata.go.
func TestEveryTableIsClassifiedForPrivacy(t *testing.T) {
	refs, none := storage.PrivacyClassification()
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		schema, err := st.SchemaTables(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, table := range schema {
			_, ref := refs[table]
			if ref == slices.Contains(none, table) {
				t.Errorf("table %s must be classified once, in userRefs or noUserTables (storage/userdata.go)", table)
			}
			cols, err := st.SchemaColumns(ctx, table)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range refs[table] {
				if !slices.Contains(cols, c) {
					t.Errorf("%s.%s is classified but not in the schema", table, c)
				}
			}
			for _, c := range cols {
				if table != "users" && userColumn.MatchString(c) && !slices.Contains(refs[table], c) {
					t.Errorf("%s.%s may name a user but is not classified", table, c)
				}
			}
		}
		for table := range refs {
			if !slices.Contains(schema, table) {
				t.Errorf("%s is classified but not in the schema", table)
			}
		}
	})
}

// ada returns the admin that fill makes, and the inactive editor.
func ada(t *testing.T, st *storage.Store) (*storage.User, *storage.User) {
	t.Helper()
	a, err := st.UserByEmail(ctx, "a@example.dk")
	if err != nil {
		t.Fatal(err)
	}
	b, err := st.UserByEmail(ctx, "b@example.dk")
	if err != nil {
		t.Fatal(err)
	}
	return a, b
}

// secretToken stands for a link's token in a mail body.
const secretToken = "Zq8v3Kd0TOKENxY7wL2mN9pR4sT6uV1aB5cE0fG3hJ8"

func TestExportUser(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		fill(t, st)
		a, _ := ada(t, st)
		// A password link in a mail still waiting to be sent, or sent
		// within the mail retention, may still work: the export, a file
		// that travels, keeps the mail but not the link's token.
		// Another admin's entry about Ada names her address in its subject.
		if err := st.Audit(ctx, &storage.AuditEntry{UserEmail: "chef@example.dk", Action: "user:update",
			Subject: "bruger 1: " + a.Email + " (admin)"}); err != nil {
			t.Fatal(err)
		}
		// An entry about an address that ends with Ada's is not hers.
		if err := st.Audit(ctx, &storage.AuditEntry{UserEmail: "chef@example.dk", Action: "user:invite",
			Subject: "bruger 7: ad" + a.Email + " (editor)"}); err != nil {
			t.Fatal(err)
		}
		link := "https://hub.example.dk/redaktion/adgangskode?token=" + secretToken
		if err := st.QueueMail(ctx, &storage.Mail{To: a.Email, Subject: "Ny adgangskode",
			Body: "Vælg en ny adgangskode her:\n" + link + "\n"}); err != nil {
			t.Fatal(err)
		}
		data, err := st.ExportUser(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		refs, _ := storage.PrivacyClassification()
		for table := range refs {
			if _, ok := data[table]; !ok {
				t.Errorf("the export has no entry for %s", table)
			}
		}
		// What fill gives Ada is there; what it gives the other user is not.
		for _, table := range []string{"users", "sessions", "audit_log", "material_transitions", "review_rounds",
			"review_reviewers", "comments", "pending_versions", "notifications", "mail_optouts", "mails",
			"materials", "social_channels", "social_posts", "social_grants"} {
			if len(data[table]) == 0 {
				t.Errorf("the export has no rows of %s", table)
			}
		}
		for _, table := range []string{"user_tokens", "user_schools"} {
			if len(data[table]) != 0 {
				t.Errorf("the export has another user's %s: %v", table, data[table])
			}
		}
		if got := data["users"][0]["email"]; got != "a@example.dk" {
			t.Errorf("exported e-mail %v", got)
		}
		if got := data["audit_log"][0]["at"]; !strings.HasSuffix(fmt.Sprint(got), "Z") {
			t.Errorf("a time is exported as %v, want RFC 3339", got)
		}
		b, err := json.Marshal(data)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "Ny adgangskode") {
			t.Error("the export lacks the queued mail")
		}
		if !strings.Contains(string(b), "chef@example.dk") {
			t.Error("the export lacks the audit entry that names the user in its subject")
		}
		if strings.Contains(string(b), "bruger 7") {
			t.Error("the export holds an entry about another address that ends with the user's")
		}
		for _, secret := range []string{"password_hash", "id_hash", "token_hash", "state_hash", `"v1.x"`,
			secretToken} {
			if strings.Contains(string(b), secret) {
				t.Errorf("the export holds %s", secret)
			}
		}
		if _, err := st.ExportUser(ctx, 9999); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("an unknown user: %v", err)
		}
	})
}

func TestAnonymiseUser(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		fill(t, st)
		a, other := ada(t, st)
		if err := st.AnonymiseUser(ctx, a.ID, a.ID); !errors.Is(err, storage.ErrSelf) {
			t.Errorf("anonymising oneself: %v", err)
		}
		if err := st.AnonymiseUser(ctx, a.ID, other.ID); !errors.Is(err, storage.ErrLastAdmin) {
			t.Errorf("anonymising the last admin: %v", err)
		}
		if got, _ := st.UserByID(ctx, a.ID); got.Email != "a@example.dk" || !got.Active {
			t.Fatalf("a refused anonymisation changed the user: %+v", got)
		}
		second := &storage.User{Email: "c@example.dk", Role: storage.RoleAdmin, Active: true}
		if err := st.CreateUser(ctx, second); err != nil {
			t.Fatal(err)
		}
		// Another admin's entry about her names her address in its subject.
		if err := st.Audit(ctx, &storage.AuditEntry{UserID: second.ID, UserEmail: second.Email,
			Action: "user:update", Subject: "bruger 1: a@example.dk (admin)"}); err != nil {
			t.Fatal(err)
		}
		// An entry about an address that ends with hers stays as it is.
		notHers := "bruger 7: ada@example.dk (editor)"
		if err := st.Audit(ctx, &storage.AuditEntry{UserID: second.ID, UserEmail: second.Email,
			Action: "user:invite", Subject: notHers}); err != nil {
			t.Fatal(err)
		}
		if err := st.AnonymiseUser(ctx, a.ID, second.ID); err != nil {
			t.Fatal(err)
		}
		if entries, _, err := st.AuditLog(ctx, storage.AuditFilter{}, 100, 0); err != nil ||
			!slices.ContainsFunc(entries, func(e storage.AuditEntry) bool { return e.Subject == notHers }) {
			t.Errorf("the entry about another address was changed: %v %+v", err, entries)
		}

		got, err := st.UserByID(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Anonymised() || got.Active || got.PasswordHash != "" || got.DisplayName() != storage.AnonymousName {
			t.Errorf("after anonymising: %+v", got)
		}
		if u, err := st.SessionUser(ctx, "s", time.Now()); err == nil {
			t.Errorf("the session still logs in %s", u.Email)
		}
		// No table keeps her address or name anywhere.
		for _, table := range storage.TableNames() {
			rows, err := st.TableRows(ctx, table)
			if err != nil {
				t.Fatal(err)
			}
			s := strings.ReplaceAll(fmt.Sprint(rows), notHers, "")
			if strings.Contains(s, "a@example.dk") || strings.Contains(s, "Ada") {
				t.Errorf("%s still holds her: %s", table, s)
			}
		}
		// Her work stays, attributed to a former user.
		data, err := st.ExportUser(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(data["comments"]) != 2 || len(data["review_reviewers"]) != 1 || len(data["materials"]) != 1 {
			t.Errorf("her work: %d comments, %d verdicts, %d materials", len(data["comments"]),
				len(data["review_reviewers"]), len(data["materials"]))
		}
		for _, table := range []string{"sessions", "notifications", "mail_optouts", "mails", "social_grants",
			"user_totp", "recovery_codes", "login_challenges"} {
			if len(data[table]) != 0 {
				t.Errorf("%s kept %d rows", table, len(data[table]))
			}
		}
		// Her own entry, and another admin's that names her former address.
		if got := data["audit_log"]; len(got) != 2 || got[0]["user_email"] == "" ||
			!strings.Contains(fmt.Sprint(got[1]["subject"]), "tidligere-bruger-") {
			t.Errorf("audit entries: %v", got)
		}
		if err := st.AnonymiseUser(ctx, 9999, second.ID); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("an unknown user: %v", err)
		}
	})
}
