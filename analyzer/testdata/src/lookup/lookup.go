package lookup // want package:"references banner, fast_path, new_checkout, ranking, search"

import (
	"context"

	"example.com/flagtest/flags"
	"github.com/flaggen/flaggen/runtime"
)

const (
	searchKey = "search"
	typo      = "serch"
)

// Keys checks constant keys of the string-keyed lookups.
func Keys(ctx context.Context, set *runtime.Set, ev *runtime.Evaluator, key string) {
	_ = flags.Set.Lookup(ctx, searchKey)      // want `^flag "search" was removed on 2026-10-01 \(owner search-team\); this reference always gets variant_a: delete it$`
	_ = flags.Set.Lookup(ctx, "ranking")      // in good standing
	_ = flags.Set.Lookup(ctx, "no_such_flag") // want `^no flag "no_such_flag"$`
	_ = set.Lookup(ctx, "holidy")             // want `^no flag "holidy"; did you mean "holiday"\?$`
	_ = ev.Is("banner", "on")                 // want `flag "banner" is deprecated`
	_ = ev.Is(typo, "variant_a")              // want `^no flag "serch"; did you mean "search"\?$`
	_ = ev.Is("ranking", "ml_v3")             // want `^flag "ranking" has no variant "ml_v3"; did you mean "ml_v2"\?$`
	_ = ev.Is("ranking", "MLV2")              // want `did you mean "ml_v2"`
	_, _ = ev.Explain("new_checkout")         // want `flag "new_checkout" has served on`
	_ = ev.Lookup("Search")                   // want `^no flag "Search"; did you mean "search"\?$`
	_ = ev.Override("fast_path", "on")        // want `flag "fast_path" expired`
	_ = ev.Lookup("sea" + "rch")              // want `flag "search" was removed`
	_ = ev.Lookup(key)                        // not a constant: not checked
	_ = flags.Set.Lookup(ctx, key+"x")        // not a constant: not checked
	_ = ev.Is("ranking", key)                 // a variable variant: not checked
}
