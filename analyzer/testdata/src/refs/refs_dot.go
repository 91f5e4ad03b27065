package refs

import (
	"context"

	. "example.com/flagtest/flags"
)

// Dot refers to a flag through a dot import.
func Dot(ctx context.Context) bool { // want Dot:"wrapper of search"
	return NewSearch(ctx).IsVariantA() // want `flag "search" was removed`
}
