package refs // want package:"references banner, dark_mode, fast_path, holiday, legacy_form, new_checkout, ranking, search"

import (
	"context"

	"example.com/flagtest/flags"
	ff "example.com/flagtest/flags"
)

// Categories: one diagnostic per reference, the most severe that applies.
func Categories(ctx context.Context) {
	if flags.NewSearch(ctx).IsVariantB() { // want `^flag "search" was removed on 2026-10-01 \(owner search-team\); this reference always gets variant_a: delete it$`
		println()
	}
	if flags.NewLegacyForm(ctx).Enabled() { // want `^flag "legacy_form" was removed on 2026-09-15 \(owner payments\); this reference always gets off: delete it$`
		println()
	}
	if flags.NewCheckout(ctx).Enabled() { // want `^flag "new_checkout" has served on to everyone since 2026-11-30 \(owner payments\): remove it$`
		println()
	}
	if flags.NewHoliday(ctx).Enabled() { // want `^flag "holiday" expired on 2026-12-31 \(owner calendar-team\): remove it or move expires$`
		println()
	}
	if flags.NewFastPath(ctx).Enabled() { // want `^flag "fast_path" expired on 2027-01-01 \(owner core\): remove it or move expires; it serves on to everyone$`
		println()
	}
	if flags.NewBanner(ctx).Enabled() { // want `^flag "banner" is deprecated: pricing banners move to the CMS \(owner marketing\)$`
		println()
	}
	// Flags in good standing: an active experiment, and a flag that
	// settles only after -now.
	if flags.NewRanking(ctx).IsMLv2() || flags.NewDarkMode(ctx).Enabled() {
		println()
	}
	// Typed values, read through the getters of the value type.
	r := flags.NewRanking(ctx)
	var lim flags.RankingLimits = r.Limits()
	println(r.Boost(), lim.Max)
}

// Alias refers to a flag through a renamed import.
func Alias(ctx context.Context) bool { // want Alias:"wrapper of search"
	return ff.NewSearch(ctx).IsControl() // want `flag "search" was removed`
}

// Values refers to flags without calling the accessor on the spot.
func Values(ctx context.Context) {
	newSearch := flags.NewSearch // want `flag "search" was removed`
	_ = newSearch(ctx).IsControl()
	enabled := flags.NewCheckout(ctx).Enabled // want `flag "new_checkout" has served on`
	_ = enabled()
	for _, f := range []func(context.Context) flags.Holiday{flags.NewHoliday} { // want `flag "holiday" expired`
		_ = f
	}
}

// OncePerUse reports the accessor, not each method called on its value.
func OncePerUse(ctx context.Context) {
	s := flags.NewSearch(ctx) // want `flag "search" was removed`
	println(s.IsControl(), s.IsVariantA(), s.IsVariantB(), s.String())
	switch s {
	case flags.SearchControl:
	case flags.SearchVariantA:
	}
}

// Helpers are references too: a test that forces a removed flag tests a
// code path that no longer runs.
func Helpers(ctx context.Context) {
	ctx = flags.WithSearch(ctx, flags.SearchVariantB) // want `flag "search" was removed`
	ctx = flags.WithFastPath(ctx, false)              // want `flag "fast_path" expired`
	_ = flags.WithRanking(ctx, flags.RankingMLv2)
}
