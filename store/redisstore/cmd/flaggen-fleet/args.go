package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/flaggen/flaggen/spec"
)

// The arguments of rollout, split and schedule are read by
// redisstore.ParsePercent, ParseSplit and ParseSchedule, which the
// dashboard uses too; formatSplit writes a split back, with
// spec.Percent.String.

// formatSplit writes weights as redisstore.ParseSplit reads them, in name order.
func formatSplit(weights map[string]int) string {
	var b strings.Builder
	for i, name := range slices.Sorted(maps.Keys(weights)) {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s=%s", name, strings.TrimSuffix(spec.Percent(weights[name]).String(), "%"))
	}
	return b.String()
}
