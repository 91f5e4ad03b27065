package wrap // want package:"references banner, new_checkout, ranking, search"

import (
	"context"

	"example.com/flagtest/flags"
)

// SearchA wraps the removed flag search.
func SearchA(ctx context.Context) bool { // want SearchA:"wrapper of search"
	return flags.NewSearch(ctx).IsVariantA() // want `flag "search" was removed`
}

// CheckoutOn wraps the settled flag new_checkout.
func CheckoutOn(ctx context.Context) bool { // want CheckoutOn:"wrapper of new_checkout"
	return flags.NewCheckout(ctx).Enabled() // want `flag "new_checkout" has served on`
}

// Twice wraps a wrapper of the same package.
func Twice(ctx context.Context) bool { // want Twice:"wrapper of search"
	return SearchA(ctx) && !SearchA(ctx) // want `flag "search" \(via wrap.SearchA\) was removed` `flag "search" \(via wrap.SearchA\) was removed`
}

// Mixed reads two flags: not a wrapper.
func Mixed(ctx context.Context) bool {
	return flags.NewSearch(ctx).IsVariantA() && flags.NewRanking(ctx).IsControl() // want `flag "search" was removed`
}

// Long has more than a return statement: not a wrapper.
func Long(ctx context.Context) bool {
	on := flags.NewCheckout(ctx).Enabled() // want `flag "new_checkout" has served on`
	return on
}

// T has a wrapper method.
type T struct{}

// Banner wraps the deprecated flag banner.
func (T) Banner(ctx context.Context) bool { // want Banner:"wrapper of banner"
	return flags.NewBanner(ctx).Enabled() // want `flag "banner" is deprecated`
}
