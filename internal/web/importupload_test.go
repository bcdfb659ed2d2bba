package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/storage"
)

// importFields is the import form as a browser sends it: the token first.
func importFields(token string, extra ...[2]string) [][2]string {
	return append([][2]string{{"csrf", token}}, extra...)
}

func TestImportNeedsAFileAndKeepsTheChoices(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		c, token := h.login(storage.RoleAdmin)
		p := c.postMultipart("/redaktion/import", importFields(token, [2]string{"format", "links"},
			[2]string{"skip_invalid", "on"}))
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", p.status)
		}
		if got := p.text("#file-problem"); got != "Vælg en fil." {
			t.Errorf("problem %q", got)
		}
		if _, ok := p.doc.Find("#format-links").Attr("checked"); !ok {
			t.Error("the chosen format was not kept")
		}
		if _, ok := p.doc.Find("#skip_invalid").Attr("checked"); !ok {
			t.Error("skip_invalid was not kept")
		}
		if _, ok := p.doc.Find("#dry_run").Attr("checked"); ok {
			t.Error("dry_run came back ticked though it was not sent")
		}

		p = c.postMultipart("/redaktion/import", importFields(token, [2]string{"format", "gopher"}))
		if p.status != http.StatusUnprocessableEntity || p.text(".problem") != "Vælg, hvad du vil hente ind." {
			t.Errorf("unknown format: status %d, problem %q", p.status, p.text(".problem"))
		}
	})
}

func TestKeptUploadBelongsToItsSession(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		a, tokenA := h.login(storage.RoleAdmin)
		p := a.postMultipart("/redaktion/import", importFields(tokenA, [2]string{"format", "links"},
			[2]string{"dry_run", "on"}), file{"file", "links.csv", []byte("url,title\n")})
		kept := p.attr("input[name=kept]", "value")
		if p.status != http.StatusOK || kept == "" {
			t.Fatalf("dry run: status %d, kept %q", p.status, kept)
		}
		if !strings.Contains(p.text(".file-current"), "links.csv") {
			t.Errorf("kept file not named: %q", p.text(".file-current"))
		}
		key, _, _ := strings.Cut(kept, ".imp.")
		key += ".imp"
		if _, err := h.blobs.Open(ctx, key); err != nil {
			t.Fatalf("kept upload not in the media store: %v", err)
		}
		// The media route serves only media: the upload is not public.
		if res := h.client().get("/media/" + key); res.status != http.StatusNotFound {
			t.Errorf("kept upload served publicly: %d", res.status)
		}
		// Its deletion is planned, whoever runs the jobs.
		job, err := h.st.ClaimJob(ctx, time.Now().Add(25*time.Hour), time.Minute)
		if err != nil || job.Kind != storage.JobDeleteUpload || job.Key != storage.JobDeleteUpload+":"+key {
			t.Errorf("planned deletion: %+v, %v", job, err)
		}

		// Another admin cannot use the reference, nor can a changed one.
		b, tokenB := h.login(storage.RoleAdmin)
		for _, ref := range []string{kept, kept[:len(kept)-1] + "0", "../../etc/passwd.imp.x"} {
			p = b.postMultipart("/redaktion/import", importFields(tokenB, [2]string{"format", "links"},
				[2]string{"kept", ref}, [2]string{"kept_name", "links.csv"}))
			if p.status != http.StatusUnprocessableEntity || p.text("#file-problem") != "Vælg en fil." {
				t.Errorf("reference %q: status %d, problem %q", ref, p.status, p.text("#file-problem"))
			}
		}
	})
}

func TestImportIsForAdmins(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		for _, role := range []storage.Role{storage.RoleEditor, storage.RoleReviewer, storage.RoleContributor} {
			c, token := h.login(role)
			if p := c.get("/redaktion/import"); p.status != http.StatusForbidden {
				t.Errorf("%s GET: %d", role, p.status)
			}
			p := c.postMultipart("/redaktion/import", importFields(token, [2]string{"format", "links"}),
				file{"file", "links.csv", []byte("url,title\n")})
			if p.status != http.StatusForbidden {
				t.Errorf("%s POST: %d", role, p.status)
			}
		}
	})
}
