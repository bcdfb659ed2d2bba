package material

import (
	"slices"
	"time"
)

// Consent is what the sender confirms about rights and consent when a
// material is submitted for review. An editor cannot publish a material
// while an answer is missing.
type Consent struct {
	// Rights: the sender may publish every text, picture and film in it.
	Rights bool `json:"rights"`
	// Children: identifiable children in photos or films. "none" when there
	// are none, "consented" when their guardians have consented.
	Children string `json:"children"`
	// Names: pupils named in the material, "none" or "consented".
	Names string `json:"names"`
	// Licences holds the licence of every file, by media id.
	Licences map[int64]string `json:"licences,omitempty"`

	By int64     `json:"by,omitempty"` // who answered
	At time.Time `json:"at,omitzero"`
}

// The answers to the two consent questions.
const (
	ConsentNone      = "none"
	ConsentConsented = "consented"
)

// Licences are the licences a file can be published under.
var Licences = []string{"own", "cc-by", "cc-by-sa", "cc0", "permission"}

// Files lists the media ids of m's files that need a licence: its cover,
// film, poster and attachments.
func (m *Material) Files() []int64 {
	var ids []int64
	for _, id := range []int64{m.CoverID, m.VideoID, m.PosterID} {
		if id != 0 {
			ids = append(ids, id)
		}
	}
	for _, a := range m.Attachments {
		ids = append(ids, a.MediaID)
	}
	return ids
}

// ConsentProblems adds a problem for every consent answer m lacks.
func ConsentProblems(m *Material, p Problems) {
	c := m.Consent
	if !c.Rights {
		p.Add("consent_rights", "error.consent_rights")
	}
	answered := []string{ConsentNone, ConsentConsented}
	if !slices.Contains(answered, c.Children) {
		p.Add("consent_children", "error.consent_children")
	}
	if !slices.Contains(answered, c.Names) {
		p.Add("consent_names", "error.consent_names")
	}
	for _, id := range m.Files() {
		if !slices.Contains(Licences, c.Licences[id]) {
			p.Add("consent_licences", "error.consent_licence")
			break
		}
	}
}

// DropMedia takes the file with the given media id off m, reporting
// whether m used it.
func (m *Material) DropMedia(id int64) bool {
	found := false
	for _, f := range []*int64{&m.CoverID, &m.VideoID, &m.CaptionsID, &m.PosterID} {
		if *f == id {
			*f, found = 0, true
		}
	}
	if m.CoverID == 0 {
		m.CoverAlt = ""
	}
	n := len(m.Attachments)
	m.Attachments = slices.DeleteFunc(m.Attachments, func(a Attachment) bool { return a.MediaID == id })
	delete(m.Consent.Licences, id)
	return found || len(m.Attachments) != n
}

// OwnWork answers the consent questions for material the hub publishes as
// its own work, such as the starter collection: all rights held, no
// identifiable children, no named pupils, every file its own.
func OwnWork(m *Material) {
	m.Consent = Consent{Rights: true, Children: ConsentNone, Names: ConsentNone, Licences: map[int64]string{}}
	for _, id := range m.Files() {
		m.Consent.Licences[id] = "own"
	}
}

// Clone returns a copy of m that shares nothing with it.
func (m *Material) Clone() *Material {
	c := *m
	c.Audiences = slices.Clone(m.Audiences)
	c.ThemeIDs = slices.Clone(m.ThemeIDs)
	c.GradeBands = slices.Clone(m.GradeBands)
	c.Attachments = slices.Clone(m.Attachments)
	if m.Consent.Licences != nil {
		c.Consent.Licences = make(map[int64]string, len(m.Consent.Licences))
		for k, v := range m.Consent.Licences {
			c.Consent.Licences[k] = v
		}
	}
	return &c
}
