package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// process is a server this tool started, on 127.0.0.1.
type process struct {
	cmd  *exec.Cmd
	base string // http://127.0.0.1:PORT
	log  *os.File
	done chan struct{}
}

// freePort asks the kernel for a free port on 127.0.0.1.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// start runs bin with args, with --addr set to a free port on 127.0.0.1,
// its output going to logPath. It does not wait for the server.
func start(bin string, args []string, logPath string) (*process, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	log, err := os.OpenFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	full := append([]string{args[0], "--addr", addr}, args[1:]...)
	cmd := exec.Command(bin, full...)
	cmd.Stdout, cmd.Stderr = log, log
	p := &process{cmd: cmd, base: "http://" + addr, log: log, done: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, err
	}
	go func() { cmd.Wait(); close(p.done) }()
	return p, nil
}

// waitFor asks for path until it answers 200, as fast as it can, and
// returns when it did; it gives up after limit or when the process ends.
func (p *process) waitFor(path string, limit time.Duration) error {
	client := &http.Client{Timeout: limit, Transport: &http.Transport{DisableKeepAlives: true}}
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			return fmt.Errorf("%s ended before it served %s (see %s)", filepath.Base(p.cmd.Path), path, p.log.Name())
		default:
		}
		resp, err := client.Get(p.base + path)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(time.Millisecond)
	}
	return fmt.Errorf("%s did not serve %s within %v (see %s)", p.base, path, limit, p.log.Name())
}

// stop ends the process with SIGTERM, and SIGKILL after a few seconds.
func (p *process) stop() {
	defer p.log.Close()
	select {
	case <-p.done:
		return
	default:
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
	}
}

// memoryKB reads a figure of the process's /proc status in kB: VmRSS,
// its resident memory, or VmHWM, the most it has had.
func memoryKB(pid int, key string) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	return parseStatus(string(data), key)
}

func parseStatus(status, key string) (int64, error) {
	for _, line := range strings.Split(status, "\n") {
		if rest, ok := strings.CutPrefix(line, key+":"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("no %s in /proc status", key)
}

// sampler reads a process's resident memory every interval while it runs.
type sampler struct {
	pid  int
	stop chan struct{}
	wg   sync.WaitGroup
	mu   sync.Mutex
	peak int64
	last int64
	err  error
}

func sample(pid int, interval time.Duration) *sampler {
	s := &sampler{pid: pid, stop: make(chan struct{})}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			s.read()
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *sampler) read() {
	kb, err := memoryKB(s.pid, "VmRSS")
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.err = err
		return
	}
	s.last = kb
	s.peak = max(s.peak, kb)
}

// finish stops sampling and returns the peak and the last reading in kB.
func (s *sampler) finish() (peak, last int64, err error) {
	close(s.stop)
	s.wg.Wait()
	s.read()
	return s.peak, s.last, s.err
}

// buildBindeled builds the hub without the race detector into dir.
func buildBindeled(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "bindeled")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/bindeled")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %w\n%s", err, out)
	}
	return bin, nil
}

// startupTimes starts the hub n times on the seeded data and measures
// each time from the start of the process to its first 200 for the front
// page, stopping it again after each.
func startupTimes(bin string, args []string, logPath string, n int) ([]time.Duration, error) {
	var out []time.Duration
	for range n {
		began := time.Now()
		p, err := start(bin, args, logPath)
		if err != nil {
			return nil, err
		}
		err = p.waitFor("/", 60*time.Second)
		took := time.Since(began)
		p.stop()
		if err != nil {
			return nil, err
		}
		out = append(out, took)
	}
	if len(out) == 0 {
		return nil, errors.New("no start measured")
	}
	return out, nil
}
