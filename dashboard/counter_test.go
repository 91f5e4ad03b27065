package dashboard_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/flaggen/flaggen/dashboard"
	"github.com/flaggen/flaggen/runtime"
)

func TestCounter(t *testing.T) {
	var zero dashboard.Counter
	if got := zero.Counts(); len(got) != 0 {
		t.Errorf("zero Counter: got %v, want no counts", got)
	}
	c := dashboard.NewCounter()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 1000 {
				c.Exposure(context.Background(), runtime.Exposure{Flag: fmt.Sprintf("f%d", i%3), Variant: fmt.Sprintf("v%d", (i+g)%2)})
			}
		}()
	}
	wg.Wait()
	var total int64
	for _, byVariant := range c.Counts() {
		for _, n := range byVariant {
			total += n
		}
	}
	if total != 8000 {
		t.Errorf("total: got %d, want 8000", total)
	}
	if got := c.Counts()["f0"]["v0"] + c.Counts()["f0"]["v1"]; got != 8*334 {
		t.Errorf("f0: got %d, want %d", got, 8*334)
	}
}

func TestExposures(t *testing.T) {
	if dashboard.Exposures() != nil || dashboard.Exposures(nil, nil) != nil {
		t.Error("Exposures of no hooks: got a hook, want nil")
	}
	var got []string
	hook := func(name string) func(context.Context, runtime.Exposure) {
		return func(_ context.Context, e runtime.Exposure) { got = append(got, name+":"+e.Flag) }
	}
	dashboard.Exposures(hook("a"), nil, hook("b"))(context.Background(), runtime.Exposure{Flag: "search"})
	if fmt.Sprint(got) != "[a:search b:search]" {
		t.Errorf("got %v, want [a:search b:search]", got)
	}
}
