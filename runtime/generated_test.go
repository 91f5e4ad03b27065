package runtime

// gen returns the handle generated code evaluates s through (package
// flagimpl reaches it by link), so that tests speak flag and variant
// numbers as generated accessors do.
func gen(s *Set) *generated { return (*generated)(s) }
