package main

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// The arguments of rollout, split and schedule are read by
// redisstore.ParsePercent, ParseSplit and ParseSchedule, which the
// dashboard uses too; these write them back.

// formatPercent writes hundredths of a percent as a percentage: 2500 is
// "25%", 50 is "0.5%".
func formatPercent(h int) string {
	s := strconv.Itoa(h / 100)
	if f := h % 100; f != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%02d", f), "0")
	}
	return s + "%"
}

// formatSplit writes weights as redisstore.ParseSplit reads them, in name order.
func formatSplit(weights map[string]int) string {
	var b strings.Builder
	for i, name := range slices.Sorted(maps.Keys(weights)) {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s=%s", name, strings.TrimSuffix(formatPercent(weights[name]), "%"))
	}
	return b.String()
}
