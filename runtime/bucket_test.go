package runtime

import (
	"bufio"
	"context"
	"fmt"
	"hash/fnv"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestBucketVectors checks the published vectors (also in the README), so
// that another implementation can check itself against the same file.
func TestBucketVectors(t *testing.T) {
	f, err := os.Open("testdata/bucket_vectors.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		fields := strings.Split(line, "\t")
		if len(fields) != 3 {
			t.Fatalf("bad vector line %q", line)
		}
		want, err := strconv.Atoi(fields[2])
		if err != nil {
			t.Fatal(err)
		}
		if got := Bucket(fields[0], fields[1]); got != want {
			t.Errorf("Bucket(%q, %q) = %d, want %d", fields[0], fields[1], got, want)
		}
		n++
	}
	if n < 10 {
		t.Fatalf("read %d vectors, want at least 10", n)
	}
}

// TestBucketMatchesStdlibFNV checks the hand-rolled, allocation-free hash
// against hash/fnv plus the documented finaliser, over the key layout.
func TestBucketMatchesStdlibFNV(t *testing.T) {
	for i := range 5000 {
		salt, key := fmt.Sprintf("flag_%d", i%37), fmt.Sprintf("user-%d", i)
		h := fnv.New32a()
		h.Write([]byte(salt + "." + key))
		x := h.Sum32()
		x ^= x >> 16
		x *= 0x85ebca6b
		x ^= x >> 13
		x *= 0xc2b2ae35
		x ^= x >> 16
		if want, got := int(x%10000), Bucket(salt, key); got != want {
			t.Fatalf("Bucket(%q, %q) = %d, want %d", salt, key, got, want)
		}
	}
}

// chiSquare returns Pearson's statistic for observed counts against
// expected proportions.
func chiSquare(observed []int, expected []float64) float64 {
	total := 0
	for _, o := range observed {
		total += o
	}
	x := 0.0
	for i, o := range observed {
		e := expected[i] * float64(total)
		x += (float64(o) - e) * (float64(o) - e) / e
	}
	return x
}

const ids = 100_000

// Critical values of the chi-square distribution at p = 0.001.
const (
	chi2df1  = 10.83
	chi2df2  = 13.82
	chi2df99 = 148.23
)

func TestBucketsAreUniform(t *testing.T) {
	for _, salt := range []string{"search", "new_checkout", "x", "holiday", "my_new_feature", "a_much_longer_salt_2026"} {
		bins := make([]int, 100)
		for i := range ids {
			bins[Bucket(salt, "user-"+strconv.Itoa(i))/100]++
		}
		expected := make([]float64, 100)
		for i := range expected {
			expected[i] = 0.01
		}
		if x := chiSquare(bins, expected); x > chi2df99 {
			t.Errorf("salt %q: chi-square over 100 bins = %.1f, want ≤ %.1f", salt, x, chi2df99)
		}
	}
}

func TestRolloutAndSplitProportions(t *testing.T) {
	s := mustSet(t, `
[flags.rollout]`+meta+`
rollout = 25

[flags.split]`+meta+`
variants = ["control", "variant_a", "variant_b"]
default = "control"
split = { control = 50, variant_a = 25, variant_b = 25 }
`)
	on := make([]int, 2)
	split := make([]int, 3)
	for i := range ids {
		ev := s.NewEvaluator(context.Background(), Subject{ID: "user-" + strconv.Itoa(i)}, nil)
		on[gen(s).Variant(ev, 0)]++
		split[gen(s).Variant(ev, 1)]++
	}
	if x := chiSquare(on, []float64{0.75, 0.25}); x > chi2df1 {
		t.Errorf("25%% rollout: off/on = %v, chi-square %.2f > %.2f", on, x, chi2df1)
	}
	if x := chiSquare(split, []float64{0.5, 0.25, 0.25}); x > chi2df2 {
		t.Errorf("50/25/25 split: %v, chi-square %.2f > %.2f", split, x, chi2df2)
	}
}

// TestRaisingKeepsEveryone: everyone on at N% is still on at M% > N%, and
// a schedule shares its bucket with the same flag's rollout.
func TestRaisingKeepsEveryone(t *testing.T) {
	lo := mustSet(t, "[flags.f]"+meta+"rollout = 5\n")
	hi := mustSet(t, "[flags.f]"+meta+"rollout = 25.5\n")
	sched := mustSet(t, "[flags.f]"+meta+"[[flags.f.schedule]]\nstart = 2020-01-01T00:00:00Z\npercent = 5\n")
	kept, gained := 0, 0
	for i := range 20000 {
		subj := Subject{ID: "user-" + strconv.Itoa(i)}
		a := lo.NewEvaluator(context.Background(), subj, nil).Lookup("f")
		b := hi.NewEvaluator(context.Background(), subj, nil).Lookup("f")
		c := sched.NewEvaluator(context.Background(), subj, nil).Lookup("f")
		if a == "on" && b != "on" {
			t.Fatalf("%s lost the feature when the rollout rose from 5%% to 25.5%%", subj.ID)
		}
		if a != c {
			t.Fatalf("%s: rollout 5%% gives %s but schedule at 5%% gives %s", subj.ID, a, c)
		}
		if a == "on" {
			kept++
		} else if b == "on" {
			gained++
		}
	}
	if kept == 0 || gained == 0 {
		t.Errorf("kept %d, gained %d: the test saw no subject in one of the ranges", kept, gained)
	}
}
