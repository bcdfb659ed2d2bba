package material

import (
	"net/url"
	"regexp"
	"strings"
)

// ExternalVideo is a film hosted by YouTube or Vimeo.
type ExternalVideo struct {
	Provider string // "YouTube" or "Vimeo"
	ID       string
}

var (
	youTubeID = regexp.MustCompile(`^[A-Za-z0-9_-]{11}$`)
	vimeoID   = regexp.MustCompile(`^[0-9]{1,12}$`)
)

// ParseExternalVideo recognises the common forms of YouTube and Vimeo links.
func ParseExternalVideo(raw string) (ExternalVideo, bool) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return ExternalVideo{}, false
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	path := strings.Trim(u.Path, "/")
	var v ExternalVideo
	switch host {
	case "youtube.com", "m.youtube.com", "youtube-nocookie.com":
		v.Provider = "YouTube"
		if path == "watch" {
			v.ID = u.Query().Get("v")
		} else if rest, ok := strings.CutPrefix(path, "embed/"); ok {
			v.ID = rest
		} else if rest, ok := strings.CutPrefix(path, "shorts/"); ok {
			v.ID = rest
		}
	case "youtu.be":
		v.Provider, v.ID = "YouTube", path
	case "vimeo.com", "player.vimeo.com":
		v.Provider = "Vimeo"
		v.ID = strings.TrimPrefix(path, "video/")
	default:
		return ExternalVideo{}, false
	}
	if v.Provider == "YouTube" && youTubeID.MatchString(v.ID) ||
		v.Provider == "Vimeo" && vimeoID.MatchString(v.ID) {
		return v, true
	}
	return ExternalVideo{}, false
}

// EmbedURL is the player address in the provider's privacy mode: no cookies
// from YouTube until the reader plays, and Vimeo's do-not-track.
func (v ExternalVideo) EmbedURL() string {
	if v.Provider == "Vimeo" {
		return "https://player.vimeo.com/video/" + v.ID + "?dnt=1"
	}
	return "https://www.youtube-nocookie.com/embed/" + v.ID
}
