package main

import (
	"reflect"
	"testing"

	"github.com/flaggen/flaggen/store/redisstore"
)

func TestFormatSplit(t *testing.T) {
	t.Parallel()
	in := map[string]int{"control": 5000, "variant_a": 2500, "variant_b": 2500}
	if s := formatSplit(in); s != "control=50,variant_a=25,variant_b=25" {
		t.Errorf("formatSplit: got %q", s)
	}
	if got, err := redisstore.ParseSplit(formatSplit(in)); err != nil || !reflect.DeepEqual(got, in) {
		t.Errorf("ParseSplit(formatSplit(%v)) = %v, %v; want it back", in, got, err)
	}
}
