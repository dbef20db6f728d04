//go:build unix

package build

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestKillChild is the build that TestKill runs in a process of its own
// (this test binary again, with MAPSITE_KILL_SITE set) so that it can kill
// it. Run alone, it skips.
func TestKillChild(t *testing.T) {
	siteDir := os.Getenv("MAPSITE_KILL_SITE")
	if siteDir == "" {
		t.Skip("a helper process of TestKill")
	}
	// Every build keeps a spare tree, unless the test says otherwise.
	spareMinFiles = 0
	if v := os.Getenv("MAPSITE_KILL_SPARE_MIN"); v != "" {
		spareMinFiles, _ = strconv.Atoi(v)
	}
	_, err := Build(context.Background(), Options{SiteDir: siteDir, OutDir: os.Getenv("MAPSITE_KILL_OUT"), Log: os.Stderr})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// child is one build process of the kill test.
type child struct {
	cmd    *exec.Cmd
	stderr bytes.Buffer
}

func startChild(t *testing.T, siteDir, out string, env ...string) *child {
	t.Helper()
	c := &child{cmd: exec.Command(os.Args[0], "-test.run=^TestKillChild$", "-test.count=1")}
	c.cmd.Env = append(os.Environ(), append(env, "MAPSITE_KILL_SITE="+siteDir, "MAPSITE_KILL_OUT="+out)...)
	c.cmd.Stderr = &c.stderr
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return c
}

// wait returns how the child ended: "ok", "failed" or "killed".
func (c *child) wait() string {
	err := c.cmd.Wait()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &exit):
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			return "killed"
		}
		return "failed"
	}
	return err.Error()
}

// killWhen kills the child build c from outside (SIGKILL): "rendering",
// delay after it took the output's lock (the lock file names its
// process); "writing", as soon as its temporary folder appears beside the
// output.
func killWhen(c *child, out, when string, delay time.Duration) {
	pid := fmt.Sprint(c.cmd.Process.Pid)
	lock := filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".lock")
	for deadline := time.Now().Add(10 * time.Minute); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		if c.cmd.Process.Signal(syscall.Signal(0)) != nil {
			return // it ended before it got there
		}
		switch when {
		case "rendering":
			if b, _ := os.ReadFile(lock); strings.TrimSpace(string(b)) == pid {
				time.Sleep(delay)
				c.cmd.Process.Kill()
				return
			}
		case "writing":
			if tmp, _ := filepath.Glob(filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".new-*")); len(tmp) > 0 {
				c.cmd.Process.Kill()
				return
			}
		}
	}
}

// treeSum returns a digest of every file below dir (paths and contents),
// or "" when dir does not exist.
func treeSum(t *testing.T, dir string) string {
	t.Helper()
	if _, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) {
		return ""
	}
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		fmt.Fprintf(h, "%s %d %x\n", filepath.ToSlash(rel), len(b), sha256.Sum256(b))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// TestKill kills a 3,000-record build at every named point of its write and
// swap (and at a few moments from outside), then checks that the output
// folder is the old site or the new one, whole, or is put back by the next
// build, even a failing one; that the next good build succeeds with the
// right content; and that nothing is left beside the output but a spare
// tree that is whole (see output_spare.go). The builds keep a spare tree,
// so most of them bring the spare up to date in place.
func TestKill(t *testing.T) {
	// Minutes of work on two cores: make test runs it, go test ./... alone
	// does not.
	if testing.Short() || os.Getenv("MAPSITE_KILLTEST") == "" {
		t.Skip("builds a 3,000-record site a few dozen times; set MAPSITE_KILLTEST=1 (make test does)")
	}
	siteDir := syntheticSite(t, 3000)
	dataFile := filepath.Join(siteDir, "data", "synthetic.toml")
	brokenFile := filepath.Join(siteDir, "data", "broken.toml")
	v1, err := os.ReadFile(dataFile)
	if err != nil {
		t.Fatal(err)
	}
	// Three versions, built in turn: the spare tree, two builds behind,
	// is never the site to build.
	versions := [3][]byte{v1,
		bytes.ReplaceAll(v1, []byte("A synthetic record for benchmarks."), []byte("An edited record.")),
		bytes.ReplaceAll(v1, []byte("A synthetic record for benchmarks."), []byte("Another edited record."))}
	out := filepath.Join(t.TempDir(), "public")

	// build runs one build to its end and returns how it ended.
	build := func(env ...string) (string, string) {
		c := startChild(t, siteDir, out, env...)
		return c.wait(), c.stderr.String()
	}
	var sums [3]string
	var took time.Duration
	for v := range versions {
		os.WriteFile(dataFile, versions[v], 0o644)
		start := time.Now()
		if how, msg := build(); how != "ok" {
			t.Fatalf("build of version %d: %s\n%s", v, how, msg)
		}
		took = time.Since(start)
		sums[v] = treeSum(t, out)
	}
	if sums[0] == sums[1] || sums[1] == sums[2] || sums[0] == sums[2] {
		t.Fatal("two versions build the same site")
	}
	t.Logf("a build takes %s", took.Round(time.Millisecond))

	type kill struct {
		at         string // a checkpoint, or "" to kill from outside
		when       string // for a kill from outside: "rendering" or "writing"
		noExchange bool   // take the two-rename swap
		noSpare    bool   // keep no spare tree: remove the old one
	}
	rounds := [][]kill{
		{{at: "locked"}},
		{{at: "rendered"}},
		{{at: "writing"}},
		{{at: "written"}},
		{{at: "complete"}},
		{{at: "exchanged"}},
		{{at: "spare-taken"}},
		{{at: "pruning"}},  // the spare holds chunks whose names changed
		{{at: "patching"}}, // a file of the spare half written into (see output_patch.go)
		{{at: "removing", noSpare: true}},
		{{at: "swap-1", noExchange: true}},
		{{at: "swap-2", noExchange: true}},
		{{at: "writing"}, {at: "sweeping"}}, // the second dies removing what the first left
		{{when: "rendering"}},
		{{when: "writing"}},
	}
	cur, survived := 2, 0
	for _, round := range rounds {
		target := (cur + 1) % len(versions)
		os.WriteFile(dataFile, versions[target], 0o644)
		for _, k := range round {
			name := k.at
			if name == "" {
				name = "from outside while " + k.when
			}
			env := []string{"MAPSITE_TEST_DIE_AT=" + k.at}
			if k.noExchange {
				env = append(env, "MAPSITE_TEST_NO_EXCHANGE=1")
			}
			if k.noSpare {
				env = append(env, "MAPSITE_KILL_SPARE_MIN=1000000000")
			}
			var how string
			var c *child
			for delay := took / 4; ; delay /= 2 {
				c = startChild(t, siteDir, out, env...)
				if k.when != "" {
					go killWhen(c, out, k.when, delay)
				}
				how = c.wait()
				if how != "ok" || k.when != "rendering" || delay < took/32 {
					break
				}
				// The build ended before the kill came (the machine was
				// quicker than when took was measured): the output is the
				// new site; kill sooner on the way to the next version.
				t.Logf("kill at %s: the build ended first, %s after taking the lock; again, sooner", name, delay)
				cur, target = target, (target+1)%len(versions)
				os.WriteFile(dataFile, versions[target], 0o644)
			}
			if how != "killed" {
				t.Fatalf("kill at %s: the build was not killed but %s\n%s", name, how, c.stderr.String())
			}
			if how == "killed" {
				survived++
			}
			switch got := treeSum(t, out); {
			case got == sums[cur]:
				t.Logf("kill at %s (%s): the old site, whole", name, how)
			case got == sums[target]:
				t.Logf("kill at %s (%s): the new site, whole", name, how)
			case got == "" && k.at == "swap-1":
				// No output until the next build puts it back, below.
				t.Logf("kill at %s (%s): no output folder, the old one aside", name, how)
			default:
				t.Errorf("kill at %s (%s): the output is neither site, whole (%q)", name, how, got)
			}
		}
		// The next build fails on bad data, and still leaves a whole site.
		os.WriteFile(brokenFile, []byte("[[record]]\nid = \"x\"\nlayer = \"nope\"\n"), 0o644)
		how, msg := build()
		os.Remove(brokenFile)
		if how != "failed" {
			t.Fatalf("after the kill at %v: a build of bad data ended %s\n%s", round, how, msg)
		}
		if got := treeSum(t, out); got != sums[cur] && got != sums[target] {
			t.Errorf("after the kill at %v, a failed build left the output neither site (%q)\n%s", round, got, msg)
		}
		if how, msg := build(); how != "ok" {
			t.Fatalf("after the kill at %v: the next build ended %s\n%s", round, how, msg)
		}
		if got := treeSum(t, out); got != sums[target] {
			t.Errorf("after the kill at %v, the next build did not write the new site", round)
		}
		if left := siblings(t, out); len(left) > 0 {
			t.Errorf("after the kill at %v, left beside the output: %v", round, left)
		}
		if !checkSpare(t, out) {
			t.Errorf("after the kill at %v, no spare tree beside the output", round)
		}
		cur = target
	}
	t.Logf("%d kills survived", survived)
	if survived < len(rounds)+1 {
		t.Errorf("%d kills, want one per round and two in the sweeping round", survived)
	}

	// Two builds at once: one waits for the other, both succeed, and the
	// output is the site, whole, with nothing left beside it.
	target := (cur + 1) % len(versions)
	os.WriteFile(dataFile, versions[target], 0o644)
	var wg sync.WaitGroup
	results := make([]string, 2)
	logs := make([]string, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := startChild(t, siteDir, out)
			results[i] = c.wait()
			logs[i] = c.stderr.String()
		}()
	}
	wg.Wait()
	if results[0] != "ok" || results[1] != "ok" {
		t.Errorf("two builds at once ended %v\n%s", results, strings.Join(logs, "\n"))
	}
	if !strings.Contains(logs[0]+logs[1], "waiting for another mapsite build") {
		t.Errorf("neither of two builds at once waited for the other:\n%s", strings.Join(logs, "\n"))
	}
	if got := treeSum(t, out); got != sums[target] {
		t.Errorf("two builds at once left the output neither site")
	}
	if left := siblings(t, out); len(left) > 0 {
		t.Errorf("two builds at once left beside the output: %v", left)
	}
}
