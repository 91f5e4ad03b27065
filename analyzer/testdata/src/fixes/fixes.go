package fixes // want package:"references fast_path, legacy_form, new_checkout, old_banner, search"

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"example.com/flagtest/flags"
)

func a()           {}
func b()           {}
func c()           {}
func other() bool  { return true }
func work() error  { return errors.New("x") }
func handle(error) {}

// search is removed, serving variant_a; legacy_form and old_banner (on by
// default) are removed, serving off; new_checkout is settled on;
// fast_path is expired and serves on.

func ifTrue(ctx context.Context) {
	if flags.NewSearch(ctx).IsVariantA() { // want `flag "search" was removed`
		a()
		b()
	} else {
		c()
	}
}

func ifFalse(ctx context.Context) {
	if flags.NewSearch(ctx).IsVariantB() { // want `flag "search" was removed`
		a()
	} else {
		// c runs.
		c()
	}
}

func ifFalseNoElse(ctx context.Context) {
	a()
	if flags.NewLegacyForm(ctx).Enabled() { // want `flag "legacy_form" was removed`
		b()
	}
	c()
}

func defaultOn(ctx context.Context) {
	if flags.NewOldBanner(ctx).Enabled() { // want `flag "old_banner" was removed`
		a()
	} else {
		b()
	}
}

func elseIfFalse(ctx context.Context, x bool) {
	if x {
		a()
	} else if flags.NewSearch(ctx).IsVariantB() { // want `flag "search" was removed`
		b()
	} else {
		c()
	}
}

func elseIfTrue(ctx context.Context, x bool) {
	if x {
		a()
	} else if flags.NewSearch(ctx).IsVariantA() { // want `flag "search" was removed`
		b()
	} else {
		c()
	}
}

func elseIfNoElse(ctx context.Context, x bool) {
	if x {
		a()
	} else if flags.NewSearch(ctx).IsControl() { // want `flag "search" was removed`
		b()
	}
}

func headOfChain(ctx context.Context, x bool) {
	if flags.NewSearch(ctx).IsControl() { // want `flag "search" was removed`
		a()
	} else if x {
		b()
	} else {
		c()
	}
}

func not(ctx context.Context) {
	if !flags.NewCheckout(ctx).Enabled() { // want `flag "new_checkout" has served on`
		a()
	}
}

func andTrue(ctx context.Context) {
	if flags.NewCheckout(ctx).Enabled() && other() { // want `flag "new_checkout" has served on`
		a()
	}
}

func orFalse(ctx context.Context) {
	if flags.NewLegacyForm(ctx).Enabled() || other() { // want `flag "legacy_form" was removed`
		a()
	}
}

func andFalseShortCircuit(ctx context.Context) {
	// other() never ran: the branch goes.
	if flags.NewLegacyForm(ctx).Enabled() && other() { // want `flag "legacy_form" was removed`
		a()
	} else {
		b()
	}
}

func pureLeftOperand(ctx context.Context, ok bool, n []int) {
	if ok && len(n) > 0 && flags.NewLegacyForm(ctx).Enabled() { // want `flag "legacy_form" was removed`
		a()
	}
	b()
}

func residual(ctx context.Context, x, y, z bool) {
	if (x || flags.NewSearch(ctx).IsVariantB()) && !(y && z) { // want `flag "search" was removed`
		a()
	}
	if !(y && flags.NewCheckout(ctx).Enabled()) { // want `flag "new_checkout" has served on`
		b()
	}
	if x == (flags.NewCheckout(ctx).Enabled() || y) { // want `flag "new_checkout" has served on`
		c()
	}
}

func compare(ctx context.Context) {
	if flags.NewSearch(ctx) == flags.SearchVariantB { // want `flag "search" was removed`
		a()
	}
	if flags.NewSearch(ctx) != flags.SearchControl { // want `flag "search" was removed`
		b()
	}
}

func switchCase(ctx context.Context) {
	switch flags.NewSearch(ctx) { // want `flag "search" was removed`
	case flags.SearchControl:
		a()
	case flags.SearchVariantA, flags.SearchVariantB:
		// variant_a and variant_b
		b()
		c()
	default:
		panic("unreachable")
	}
}

func switchDefault(ctx context.Context) {
	switch flags.NewSearch(ctx) { // want `flag "search" was removed`
	case flags.SearchControl:
		a()
	default:
		b()
	}
	switch flags.NewSearch(ctx) { // want `flag "search" was removed`
	case flags.SearchVariantB:
		a()
	}
	c()
}

func switchBool(ctx context.Context) {
	switch flags.NewFastPath(ctx).Enabled() { // want `flag "fast_path" expired`
	case true:
		a()
	case false:
		b()
	}
}

func variable(ctx context.Context) {
	s := flags.NewSearch(ctx) // want `flag "search" was removed`
	a()
	if s.IsVariantA() {
		b()
		if s.IsControl() {
			c()
		}
	}
	switch s {
	case flags.SearchVariantA:
		a()
	}
	if s != flags.SearchControl {
		c()
	}
}

func varDecl(r *http.Request) bool {
	var on = flags.NewCheckout(r.Context()) // want `flag "new_checkout" has served on`
	return on.Enabled() && other()
}

func ret(ctx context.Context) bool { // want ret:"wrapper of fast_path"
	return flags.NewFastPath(ctx).Enabled() // want `flag "fast_path" expired`
}

func assign(ctx context.Context) {
	fast := !flags.NewFastPath(ctx).Enabled() // want `flag "fast_path" expired`
	println(fast)
}

func clash(ctx context.Context) error {
	if flags.NewCheckout(ctx).Enabled() { // want `flag "new_checkout" has served on`
		err := work()
		handle(err)
	}
	err := work()
	return err
}

func noClash(ctx context.Context) {
	if flags.NewCheckout(ctx).Enabled() { // want `flag "new_checkout" has served on`
		err := work()
		handle(err)
	}
}

func inCase(ctx context.Context, n int) {
	switch n {
	case 1:
		if flags.NewLegacyForm(ctx).Enabled() { // want `flag "legacy_form" was removed`
			a()
		}
		b()
	}
}

func name(ctx context.Context) map[string]string {
	v := flags.NewSearch(ctx) // want `flag "search" was removed`
	if v.IsVariantB() {
		return nil
	}
	return map[string]string{"ranking": v.String()}
}

// deadAfterReturn: the statements after a kept branch that returns never
// run, and go with it.
func deadAfterReturn(ctx context.Context) int {
	if flags.NewCheckout(ctx).Enabled() { // want `flag "new_checkout" has served on`
		a()
		return 1
	}
	b()
	return 2
}

func deadAfterContinue(ctx context.Context) {
	for {
		switch flags.NewSearch(ctx) { // want `flag "search" was removed`
		case flags.SearchVariantA:
			continue
		}
		a()
	}
}

func ifInit(ctx context.Context, x bool) {
	if s := flags.NewSearch(ctx); s.IsVariantA() { // want `flag "search" was removed`
		a()
	}
	if s := flags.NewSearch(ctx); x && !s.IsControl() { // want `flag "search" was removed`
		b()
	}
	switch s := flags.NewSearch(ctx); s { // want `flag "search" was removed`
	case flags.SearchVariantA:
		c()
	}
}

// elseIfNeverRan: with the flag on, other() in the else-if never ran, so
// the whole chain after the kept branch goes.
func elseIfNeverRan(ctx context.Context) {
	if flags.NewFastPath(ctx).Enabled() { // want `flag "fast_path" expired`
		a()
	} else if other() {
		b()
	} else {
		c()
	}
}

// inTest: a test's context, t.Context(), is as free of effects as
// context.Background().
func inTest(t *testing.T, b *testing.B) {
	if flags.NewCheckout(t.Context()).Enabled() { // want `flag "new_checkout" has served on`
		a()
	}
	if !flags.NewCheckout(b.Context()).Enabled() { // want `flag "new_checkout" has served on`
		c()
	}
}
