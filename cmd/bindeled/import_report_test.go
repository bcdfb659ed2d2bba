package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/transfer"
)

// The report names planned materials that fail the publication checks
// with their time, and says they will not be published until fixed.
func TestPrintReportListsPlannedMaterialsToFix(t *testing.T) {
	fix := material.Problems{"consent_rights": {"error.consent_rights"}}
	rep := &transfer.Report{Source: "test", Created: 2, ToFix: []transfer.ItemResult{
		{Title: "Trivsel", Slug: "trivsel", Status: material.Published, Fix: fix},
		{Title: "Skolestart", Slug: "skolestart", Status: material.Scheduled, Fix: fix,
			ScheduledAt: time.Date(2026, 12, 7, 7, 0, 0, 0, time.UTC)},
	}}
	var out bytes.Buffer
	printReport(&out, rep)
	got := out.String()
	for _, want := range []string{
		"Public or planned materials that fail the publication checks (2).",
		"planned ones will not be published until they are fixed",
		"  Trivsel (/materialer/trivsel): ",
		"  Skolestart (/materialer/skolestart, planned for 2026-12-07 08:00 +01:00): ",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
}
