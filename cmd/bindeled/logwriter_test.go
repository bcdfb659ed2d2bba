package main

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// lockedBuffer is a bytes.Buffer the flushing goroutine and the test may share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestLogWriterKeepsEveryLineWholeAndInOrder(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			var out lockedBuffer
			lw := newLogWriter(&out)
			log, err := newLogger(lw, format)
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			for g := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range 500 {
						log.Info("request", "g", g, "i", i, "pad", strings.Repeat("x", 100))
					}
				}()
			}
			wg.Wait()
			log.Warn("disk nearly full")
			// A warning is written at once, with everything before it.
			got := out.String()
			if !strings.Contains(got, "disk nearly full") {
				t.Fatal("a warning waited for the next flush")
			}
			log.Info("last line")
			if err := lw.Close(); err != nil {
				t.Fatal(err)
			}
			got = out.String()
			lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
			if len(lines) != 8*500+2 {
				t.Fatalf("%d lines, want %d", len(lines), 8*500+2)
			}
			next := map[string]int{}
			for _, line := range lines[:len(lines)-2] {
				var g, i int
				var err error
				if format == "text" {
					_, err = fmt.Sscanf(line[strings.Index(line, " g="):], " g=%d i=%d", &g, &i)
				} else {
					_, err = fmt.Sscanf(line[strings.Index(line, `"g":`):], `"g":%d,"i":%d`, &g, &i)
				}
				if err != nil {
					t.Fatalf("line %q is not whole: %v", line, err)
				}
				if key := fmt.Sprint(g); next[key] != i {
					t.Fatalf("goroutine %d: line %d came where %d was due", g, i, next[key])
				}
				next[fmt.Sprint(g)]++
			}
			if !strings.Contains(lines[len(lines)-1], "last line") {
				t.Errorf("the line before Close was not written: %q", lines[len(lines)-1])
			}
		})
	}
}
