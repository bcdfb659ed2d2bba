package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// The peer benchmark's WordPress (docs/performance.md): its address and
// the files its setup leaves.
const (
	peerBase     = "http://127.0.0.1:8081"
	peerNginx    = "/etc/nginx/peerbench.conf"
	peerHostConf = "/etc/wordpress/config-127.0.0.1.php"
)

type peerResult struct {
	// State is "measured", "stopped" (installed, not answering) or
	// "missing" (not installed).
	State      string
	Dir        string
	Home, Post target
	Err        error
}

// measurePeer loads the peer's home page and a post with the same
// settings as the hub's pages, when the peer is installed and running.
// It never installs or starts it.
func measurePeer(ctx context.Context, o options, work string, logf func(string, ...any)) peerResult {
	p := peerResult{Dir: o.peers}
	installed := exists(peerNginx) && exists(peerHostConf)
	home, _, err := fetch(peerBase+"/", "")
	running := err == nil && strings.Contains(string(home), "wp-content")
	switch {
	case running:
		p.State = "measured"
	case installed:
		p.State = "stopped"
		return p
	default:
		p.State = "missing"
		return p
	}
	post := peerPost(string(home))
	p.Home = target{Name: "WordPress home", Path: "/"}
	p.Post = target{Name: "WordPress post", Path: post}
	for _, t := range []*target{&p.Post, &p.Home} {
		logf("loading the peer: %s (%s)", t.Name, t.Path)
		if t.Result, _, err = runWrk(ctx, o.load, peerBase+t.Path, nil, work); err != nil {
			p.Err = err
			return p
		}
	}
	return p
}

// peerPost is the post the peer benchmark measures (the 500th of its
// corpus), or else the first post the home page links to.
func peerPost(home string) string {
	dir := os.Getenv("PEERBENCH_WORK")
	if dir == "" {
		dir = "/tmp/peerbench"
	}
	var corpus struct {
		Posts []struct{ Slug string } `json:"posts"`
	}
	if data, err := os.ReadFile(filepath.Join(dir, "content", "posts.json")); err == nil &&
		json.Unmarshal(data, &corpus) == nil && len(corpus.Posts) >= 500 {
		return "/" + corpus.Posts[499].Slug + "/"
	}
	const mark = `rel="bookmark"`
	for _, part := range strings.Split(home, "<a ")[1:] {
		if !strings.Contains(part, mark) {
			continue
		}
		if _, rest, ok := strings.Cut(part, `href="`+peerBase); ok {
			if href, _, ok := strings.Cut(rest, `"`); ok {
				return href
			}
		}
	}
	return "/"
}

func exists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}

// peerHowTo says how to set the peer up or start it.
func (p peerResult) howTo() string {
	setup := fmt.Sprintf("bash %s/setup.sh", p.Dir)
	startCmd := fmt.Sprintf("bash -c '. %s/common.sh && start_mariadb && start_phpfpm && start_nginx'", p.Dir)
	stopCmd := fmt.Sprintf("bash %s/run.sh stop", p.Dir)
	switch p.State {
	case "missing":
		return fmt.Sprintf("The peer (a default WordPress on %s) is not installed on this machine. Set it up as root "+
			"with `%s` (about two minutes; installs nginx, PHP and MariaDB from Debian, see its README), start "+
			"it with `%s`, run this again, and stop it with `%s`.", peerBase, setup, startCmd, stopCmd)
	case "stopped":
		return fmt.Sprintf("The peer (WordPress on %s) is installed but not running. Start it with `%s`, run "+
			"this again, and stop it with `%s`.", peerBase, startCmd, stopCmd)
	}
	return ""
}
