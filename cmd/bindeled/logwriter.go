package main

import (
	"bytes"
	"io"
	"sync"
	"time"
)

// logWriter gathers log lines and writes them out together, at least
// every flushEvery and whenever logBufferSize bytes wait, so that a busy
// server makes one write for many requests instead of one each. Lines at
// warning level and above are written at once, with what waits before
// them: a problem reaches the log without delay.
type logWriter struct {
	mu   sync.Mutex
	w    io.Writer
	buf  []byte
	stop chan struct{}
	done chan struct{}
}

const (
	flushEvery    = 100 * time.Millisecond
	logBufferSize = 64 << 10
)

func newLogWriter(w io.Writer) *logWriter {
	l := &logWriter{w: w, buf: make([]byte, 0, logBufferSize), stop: make(chan struct{}), done: make(chan struct{})}
	go l.flushLoop()
	return l
}

// Write keeps one line (slog hands each record over in one call).
func (l *logWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	if len(l.buf) >= logBufferSize || urgent(p) {
		return len(p), l.flushLocked()
	}
	return len(p), nil
}

// urgentMarks are how the text and the JSON format write the levels
// from warning up.
var urgentMarks = [][]byte{[]byte("level=WARN"), []byte("level=ERROR"),
	[]byte(`"level":"WARN"`), []byte(`"level":"ERROR"`)}

// urgent reports whether a line is a warning or an error.
func urgent(line []byte) bool {
	for _, mark := range urgentMarks {
		if bytes.Contains(line, mark) {
			return true
		}
	}
	return false
}

func (l *logWriter) flushLocked() error {
	if len(l.buf) == 0 {
		return nil
	}
	_, err := l.w.Write(l.buf)
	l.buf = l.buf[:0]
	return err
}

func (l *logWriter) flushLoop() {
	defer close(l.done)
	t := time.NewTicker(flushEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			l.mu.Lock()
			_ = l.flushLocked() // a log that cannot be written has nowhere to say so
			l.mu.Unlock()
		case <-l.stop:
			return
		}
	}
}

// Close writes what waits and stops the flushing.
func (l *logWriter) Close() error {
	close(l.stop)
	<-l.done
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.flushLocked()
}
