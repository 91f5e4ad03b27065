package runtime

// explained spreads an Explain result into the variant, the reason and
// whether the flag exists, as the tests read them.
func explained(x Explanation, ok bool) (string, Reason, bool) { return x.Variant, x.Reason, ok }
