package nofix // want package:"references banner, holiday, legacy_form, new_checkout, search"

// The references here are reported without a fix: a fix would drop a
// side effect, leave something unused, or change what the code means.

import (
	"context"

	"example.com/flagtest/flags"
)

func a()                                         {}
func sideEffect() bool                           { return true }
func newCtx(ctx context.Context) context.Context { return ctx }
func use(any)                                    {}

// sideEffectKept: sideEffect() runs before the flag is read, and the
// fix would have to delete it with the dead branch.
func sideEffectKept(ctx context.Context) {
	if sideEffect() && flags.NewLegacyForm(ctx).Enabled() { // want `flag "legacy_form" was removed`
		a()
	}
	if sideEffect() || flags.NewCheckout(ctx).Enabled() { // want `flag "new_checkout" has served on`
		a()
	}
}

// argument: the accessor's argument has a side effect.
func argument(ctx context.Context) {
	if flags.NewSearch(newCtx(ctx)).IsVariantA() { // want `flag "search" was removed`
		a()
	}
}

// lastRead: deleting the condition would leave ctx unread.
func lastRead() {
	ctx := context.Background()
	if flags.NewSearch(ctx).IsVariantA() { // want `flag "search" was removed`
		a()
	}
}

// deadBranchReads: the deleted branch holds the only read of n.
func deadBranchReads(ctx context.Context) {
	n := 1
	if flags.NewSearch(ctx).IsControl() { // want `flag "search" was removed`
		use(n)
	}
}

// init: an if statement with an init statement.
func initStmt(ctx context.Context) {
	if ok := sideEffect(); flags.NewSearch(ctx).IsVariantA() && ok { // want `flag "search" was removed`
		a()
	}
}

// label: the deleted branch holds a label.
func label(ctx context.Context) {
	if flags.NewSearch(ctx).IsControl() { // want `flag "search" was removed`
	loop:
		for {
			break loop
		}
	}
}

// breaks: the case that stays breaks out of the switch.
func breaks(ctx context.Context, x bool) {
	switch flags.NewSearch(ctx) { // want `flag "search" was removed`
	case flags.SearchVariantA:
		if x {
			break
		}
		a()
	}
}

// notFinal: expired or deprecated flags still serve several variants.
func notFinal(ctx context.Context) {
	if flags.NewHoliday(ctx).Enabled() { // want `flag "holiday" expired`
		a()
	}
	if flags.NewBanner(ctx).Enabled() { // want `flag "banner" is deprecated`
		a()
	}
}

// escapes: the value leaves the expression.
func escapes(ctx context.Context) {
	use(flags.NewSearch(ctx)) // want `flag "search" was removed`
	s := flags.NewSearch(ctx) // want `flag "search" was removed`
	use(s)
	t := flags.NewSearch(ctx) // want `flag "search" was removed`
	t = flags.NewSearch(ctx)  // want `flag "search" was removed`
	_ = t.IsControl()
	isA := flags.NewSearch(ctx).IsVariantA // want `flag "search" was removed`
	_ = isA()
	flags.NewSearch(ctx).IsVariantA() // want `flag "search" was removed`
}

// helpers are reported without a fix.
func helpers(ctx context.Context) context.Context {
	return flags.WithSearch(ctx, flags.SearchVariantB) // want `flag "search" was removed`
}

// logged is a wrapper with a side effect.
func logged(ctx context.Context) bool { // want logged:"wrapper of holiday"
	return sideEffect() && flags.NewHoliday(ctx).Enabled() // want `flag "holiday" expired`
}

// wrapperCall: a wrapper may have side effects.
func wrapperCall(ctx context.Context) {
	if logged(ctx) && flags.NewLegacyForm(ctx).Enabled() { // want `flag "holiday" \(via nofix.logged\) expired` `flag "legacy_form" was removed`
		a()
	}
}
