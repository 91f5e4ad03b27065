package dashboard_test

import (
	"context"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flaggen/flaggen/dashboard"
	"github.com/flaggen/flaggen/middleware"
	"github.com/flaggen/flaggen/runtime"
)

// synthFlags returns a flags.toml of n flags: in turn a boolean rollout,
// a three-way split with a group rule, a boolean with an attribute rule
// and user overrides, and a progressive schedule (as the runtime's scale
// benchmarks).
func synthFlags(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "[flags.f%05d]\ndescription = \"Synthetic flag %d.\"\nowner = \"team-%d\"\nexpires = 2027-06-30\n", i, i, i%7)
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, "rollout = %d\n", i%101)
		case 1:
			fmt.Fprintf(&b, "variants = [\"control\", \"variant_a\", \"variant_b\"]\ndefault = \"control\"\nsplit = { control = 50, variant_a = 25, variant_b = 25 }\n[[flags.f%05d.rules]]\ngroups = [\"staff\"]\nserve = \"variant_a\"\n", i)
		case 2:
			fmt.Fprintf(&b, "rollout = 10\n[[flags.f%05d.rules]]\nwhen = [{ attribute = \"app_version\", op = \"semver_gte\", value = \"2.3.0\" }]\nserve = \"on\"\n[flags.f%05d.overrides]\non = [\"1\", \"2\"]\n", i, i)
		case 3:
			fmt.Fprintf(&b, "[[flags.f%05d.schedule]]\nstart = 2026-11-02T09:00:00Z\npercent = 5\n[[flags.f%05d.schedule]]\nstart = 2026-12-02T09:00:00Z\npercent = 50\n", i, i)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// discard is a ResponseWriter that keeps headers and drops the body.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

// floorPage is the floor of BenchmarkPage: a trivial template over the
// same number of rows, each a section with the key, description and
// owner.
var floorPage = template.Must(template.New("floor").Parse(`<!doctype html><main>{{range .}}<section class="flag" id="flag-{{.Key}}" data-flag="{{.Key}}"><h2>{{.Key}}</h2><p>{{.Description}}</p><p>{{.Owner}}</p></section>{{end}}</main>`))

// BenchmarkPage measures GET / of the dashboard, as an operator with a
// fleet whose calls return at once, at 10 and 1,000 flags; floor
// executes a trivial template over as many rows, to read the page's cost
// as a ratio.
func BenchmarkPage(b *testing.B) {
	for _, n := range []int{10, 1000} {
		set := newSet(b, synthFlags(n))
		count := dashboard.NewCounter()
		evs := middleware.NewEvaluators(set, middleware.Options{
			Subject:   middleware.HeaderSubject(middleware.Headers{}),
			Overrides: middleware.Overrides{Secrets: [][]byte{secret}},
			Exposure:  count.Exposure,
		})
		d := dashboard.New(evs, dashboard.Options{
			Authorize: func(*http.Request) bool { return true },
			Operator:  func(*http.Request) (string, bool) { return "alice", true },
			Fleet:     &fakeFleet{},
			Exposures: count,
			Now:       func() time.Time { return testNow },
		})
		for i := range 100 {
			ev := set.NewEvaluator(context.Background(), runtime.Subject{ID: fmt.Sprint(i)}, &runtime.Options{Exposure: count.Exposure})
			for _, k := range set.Snapshot().Keys() {
				ev.Lookup(k)
			}
		}
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Header.Set("X-User-ID", "42")
		b.Run(fmt.Sprintf("%d/page", n), func(b *testing.B) {
			rec := httptest.NewRecorder()
			d.ServeHTTP(rec, req)
			if rec.Code != 200 {
				b.Fatalf("got %d", rec.Code)
			}
			b.SetBytes(int64(rec.Body.Len()))
			w := &discard{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				d.ServeHTTP(w, req)
			}
		})
		type row struct{ Key, Description, Owner string }
		var rows []row
		snap := set.Snapshot()
		for _, k := range snap.Keys() {
			m, _ := snap.Flag(k)
			rows = append(rows, row{m.Key, m.Description, m.Owner})
		}
		b.Run(fmt.Sprintf("%d/floor", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := floorPage.Execute(io.Discard, rows); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCounter measures Counter.Exposure from every P at once over
// 300 flag and variant pairs; floor adds to one atomic counter per pair,
// with no lookup.
func BenchmarkCounter(b *testing.B) {
	var es []runtime.Exposure
	for i := range 100 {
		for _, v := range []string{"control", "variant_a", "variant_b"} {
			es = append(es, runtime.Exposure{Flag: fmt.Sprintf("f%05d", i), Variant: v})
		}
	}
	b.Run("counter", func(b *testing.B) {
		c := dashboard.NewCounter()
		ctx := context.Background()
		for _, e := range es {
			c.Exposure(ctx, e)
		}
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for i := 0; pb.Next(); i++ {
				c.Exposure(ctx, es[i%len(es)])
			}
		})
	})
	b.Run("syncmap", func(b *testing.B) {
		var m sync.Map
		type key struct{ f, v string }
		for _, e := range es {
			m.Store(key{e.Flag, e.Variant}, new(atomic.Int64))
		}
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for i := 0; pb.Next(); i++ {
				e := es[i%len(es)]
				n, _ := m.Load(key{e.Flag, e.Variant})
				n.(*atomic.Int64).Add(1)
			}
		})
	})
	b.Run("floor", func(b *testing.B) {
		ns := make([]atomic.Int64, len(es))
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for i := 0; pb.Next(); i++ {
				ns[i%len(es)].Add(1)
			}
		})
	})
}
