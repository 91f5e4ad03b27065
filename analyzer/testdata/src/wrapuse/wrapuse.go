package wrapuse // want package:"references banner, new_checkout, search"

import (
	"context"

	"example.com/flagtest/wrap"
)

// Use calls wrappers from another package.
func Use(ctx context.Context) {
	if wrap.SearchA(ctx) { // want `^flag "search" \(via wrap.SearchA\) was removed on 2026-10-01 \(owner search-team\); this reference always gets variant_a: delete it$`
		println()
	}
	_ = wrap.Twice(ctx)      // want `flag "search" \(via wrap.Twice\) was removed`
	on := wrap.CheckoutOn    // want `flag "new_checkout" \(via wrap.CheckoutOn\) has served on to everyone since 2026-11-30`
	_ = wrap.T{}.Banner(ctx) // want `flag "banner" \(via wrap.T.Banner\) is deprecated`
	_ = wrap.Mixed(ctx) || wrap.Long(ctx)
	_ = on
}
