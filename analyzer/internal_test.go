package analyzer

import (
	"strings"
	"testing"
)

func TestDoc(t *testing.T) {
	summary, _, _ := strings.Cut(Analyzer.Doc, "\n")
	if want := "report references to removed, expired, settled, deprecated and unknown feature flags"; summary != want {
		t.Errorf("Doc's first line is %q, want %q", summary, want)
	}
	for _, want := range []string{"removed", "expired", "settled", "deprecated", "unknown", "-now", "-flaggen.now", "Suggested fixes"} {
		if !strings.Contains(Analyzer.Doc, want) {
			t.Errorf("Doc does not mention %s", want)
		}
	}
}
