package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/transfer"
	"github.com/bindeled/bindeled/internal/transfer/readers"
	"github.com/bindeled/bindeled/internal/transfer/wordpress"
)

func init() {
	importFormats["wordpress"] = importFormat{
		usage: "bindeled import wordpress [flags] EXPORT.xml\n" +
			"Reads a WordPress export file (Tools → Export → All content; WXR 1.1 and 1.2).",
		flags: wordpressFlags,
	}
	importFormats["markdown"] = importFormat{
		usage: "bindeled import markdown [flags] DIR|FILE.zip\n" +
			"Reads a folder of Markdown files with YAML or TOML front matter (Hugo, Jekyll, Decap CMS).",
		flags: func(fs *flag.FlagSet) importReader { return readerWithAudiences(fs, "markdown", "files") },
	}
	importFormats["links"] = importFormat{
		usage: "bindeled import links [flags] FILE.csv\n" +
			"Reads a spreadsheet of links saved as CSV (url, title, description, audience, theme).",
		flags: func(fs *flag.FlagSet) importReader { return readerWithAudiences(fs, "links", "rows") },
	}
}

func wordpressFlags(fs *flag.FlagSet) importReader {
	mediaDir := fs.String("media-dir", "", "a local copy of the site's wp-content/uploads folder")
	fetchMedia := fs.Bool("fetch-media", false, "fetch the files --media-dir lacks from the old site, through the\n"+
		"guarded fetcher: public addresses only, and the hosts the settings allow")
	audiences := fs.String("audiences", "parents,teachers,pedagogues,leaders",
		"audiences of every imported material, comma separated")
	var kinds wordpress.KindRules
	fs.Var(&kinds, "kind", "which posts become another kind than article, such as\n"+
		"category:vejledninger=guide, tag:film=film or type:page=article (repeatable)")
	return func(ctx context.Context, path string, env importEnv) (*transfer.Bundle, error) {
		aud, err := parseAudiences(*audiences)
		if err != nil {
			return nil, err
		}
		opts := readers.Options{Audiences: aud, MediaDir: *mediaDir, Kinds: kinds}
		if *fetchMedia {
			settings, err := env.store.Settings(ctx)
			if err != nil {
				return nil, err
			}
			opts.Getter = readers.Fetcher(settings, env.limits, env.log)
		}
		b, c, err := readers.Read(ctx, "wordpress", path, opts)
		env.keep(c)
		return b, err
	}
}

// readerWithAudiences adds --audiences and returns the reader of format.
func readerWithAudiences(fs *flag.FlagSet, format, what string) importReader {
	audiences := fs.String("audiences", "parents", "audiences of the "+what+" that name none, comma separated")
	var source *string
	if format == "markdown" {
		source = fs.String("source", "", "a name for this folder, when the hub imports more than one\n"+
			"folder whose files have the same names (the files of one name update each other)")
	}
	return func(ctx context.Context, path string, env importEnv) (*transfer.Bundle, error) {
		aud, err := parseAudiences(*audiences)
		if err != nil {
			return nil, err
		}
		opts := readers.Options{Audiences: aud}
		if source != nil {
			opts.Source = *source
		}
		b, c, err := readers.Read(ctx, format, path, opts)
		env.keep(c)
		return b, err
	}
}

func parseAudiences(s string) ([]material.Audience, error) {
	var out []material.Audience
	for _, name := range transfer.SplitList(s) {
		a, ok := transfer.ParseAudience(name)
		if !ok {
			return nil, fmt.Errorf("--audiences: %q is not an audience (%s)", name,
				strings.Trim(fmt.Sprint(material.Audiences), "[]"))
		}
		out = append(out, a)
	}
	return out, nil
}
