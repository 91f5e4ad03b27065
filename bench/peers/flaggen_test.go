package peers

import (
	"context"
	"testing"

	"github.com/flaggen/flaggen/bench/peers/internal/peerflags"
	"github.com/flaggen/flaggen/runtime"
)

// flaggenPeer evaluates as a request does behind flaggen's middleware: a
// new evaluator for the request's subject (one allocation), then the
// generated accessor. The evaluator's parent is the request's context,
// here context.Background.
type flaggenPeer struct{}

func openFlaggen(testing.TB) peer { return flaggenPeer{} }

func (flaggenPeer) rollout(id string) bool {
	ev := peerflags.Set.NewEvaluator(context.Background(), runtime.Subject{ID: id}, nil)
	return peerflags.NewRollout(ev).Enabled()
}

func (flaggenPeer) split(id string) string {
	ev := peerflags.Set.NewEvaluator(context.Background(), runtime.Subject{ID: id}, nil)
	return peerflags.NewSplit(ev).String()
}

// rule builds the subject's groups as a request's subject function does,
// a new slice of the request's groups (here one).
func (flaggenPeer) rule(id, group string) bool {
	ev := peerflags.Set.NewEvaluator(context.Background(), runtime.Subject{ID: id, Groups: []string{group}}, nil)
	return peerflags.NewRule(ev).Enabled()
}
