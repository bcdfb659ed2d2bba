package web

import (
	"html/template"
	"net/http"
	"regexp"
	"time"

	"github.com/bindeled/bindeled/internal/markdown"
	"github.com/bindeled/bindeled/internal/storage"
)

// keyPrivacyText is the setting that holds the privacy notice's own text
// (Markdown) as the admin completed it.
const keyPrivacyText = "privacy_notice.text"

// privacyStarter is the privacy notice's text until an admin saves their
// own. Its placeholders in square brackets starting with UDFYLD are what
// the admin must fill in; the settings page names those left.
const privacyStarter = `## Dataansvarlig

[UDFYLD: kommunens eller forvaltningens navn, adresse og CVR-nummer] er dataansvarlig for de
personoplysninger, der behandles på denne side.

## Kontakt

Har du spørgsmål til, hvordan vi behandler oplysninger om dig, kan du skrive til
[UDFYLD: e-mailadresse eller kontaktformular] eller ringe på [UDFYLD: telefonnummer].

## Databeskyttelsesrådgiver

Kommunens databeskyttelsesrådgiver (DPO) kan kontaktes på [UDFYLD: DPO'ens navn og e-mailadresse].

## Formål og grundlag

Siden formidler materialer om samarbejdet mellem skole og hjem. Oplysninger om medarbejdere, der skriver
og redigerer, behandles for at drive siden og kunne se, hvem der har gjort hvad
(databeskyttelsesforordningens artikel 6, stk. 1, litra e).

## Dine rettigheder

Du har ret til indsigt i de oplysninger, vi har om dig, og til at få dem rettet eller slettet. Du kan
klage til Datatilsynet, datatilsynet.dk.
`

// privacyPlaceholder matches a placeholder of the starter text that is
// still to be filled in.
var privacyPlaceholder = regexp.MustCompile(`\[UDFYLD:[^\]]*\]`)

// privacyText returns the notice's own text: the admin's, or the starter
// text while they have saved none.
func privacyText(kv map[string]string) string {
	if t, ok := kv[keyPrivacyText]; ok && t != "" {
		return t
	}
	return privacyStarter
}

// retention returns the retention periods in force.
func (s *Server) retention(kv map[string]string) storage.Retention {
	return storage.ReadRetention(kv, storage.DefaultRetention(int(s.cfg.AuditRetention/(24*time.Hour))))
}

// PrivacyPage is the privacy notice: the admin's text, then what the hub
// keeps and for how long, from the settings.
type PrivacyPage struct {
	Base
	Body      template.HTML
	Retention storage.Retention
	// Unfilled reports whether the text still has placeholders.
	Unfilled bool
	// LogReads reports whether the request log names every reader
	// (Config.LogReads).
	LogReads bool
}

// Kept says how long something is kept: for a number of days, or until
// it is deleted by hand when days is zero.
func (p PrivacyPage) Kept(days int) string {
	if days == 0 {
		return p.T("privacy.kept_forever")
	}
	return p.T("privacy.kept_days", days)
}

func (s *Server) privacy(w http.ResponseWriter, r *http.Request) error {
	b, err := s.base(r, "")
	if err != nil {
		return err
	}
	kv, err := s.store.Settings(r.Context())
	if err != nil {
		return err
	}
	b.Title, b.Section = b.T("privacy.title"), "privacy"
	text := privacyText(kv)
	p := PrivacyPage{Base: b, Retention: s.retention(kv), Unfilled: privacyPlaceholder.MatchString(text),
		LogReads: s.cfg.LogReads}
	if p.Body, err = markdown.ToHTML(text); err != nil {
		return err
	}
	s.siteMeta(r, &p.Base, "/privatliv")
	return s.render(w, http.StatusOK, "site/privacy", p)
}
