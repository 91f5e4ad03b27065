// Package suggest finds what a misspelt name was meant to be, for the
// "did you mean" hints of the validator and the analyzer.
package suggest

import "strings"

// Closest returns the candidate closest to word, if it is close enough to
// be a likely typo. Of equally close candidates it prefers one that holds
// every letter of word in order ("semver_ge" → "semver_gte", not
// "semver_gt"), as a dropped letter is the likelier slip; then the first.
// A candidate that shares nothing with word ("c" for "a") is no suggestion.
func Closest(word string, candidates []string) string {
	w := strings.ToLower(word)
	best, bestD, bestSub := "", MaxDistance(word)+1, false
	for _, c := range candidates {
		if !Near(word, c) {
			continue // too long or too short to be close: skip the table
		}
		lc := strings.ToLower(c)
		d := Distance(w, lc)
		if d >= max(len(w), len(lc)) {
			continue // a complete rewrite
		}
		sub := isSubsequence(w, lc)
		if d < bestD || d == bestD && sub && !bestSub && best != "" {
			best, bestD, bestSub = c, d, sub
		}
	}
	return best
}

// MaxDistance is the largest edit distance at which [Closest] suggests a
// candidate for word.
func MaxDistance(word string) int { return len(word)/2 + 1 }

// Near reports whether c may be close enough to word for [Closest] to
// suggest it, judging by length alone: the distance between two words is
// at least the difference of their lengths. Near costs nothing; a caller
// that budgets what [Distance] spends can leave out the candidates that
// are not near.
func Near(word, c string) bool {
	d := len(c) - len(word)
	return max(d, -d) <= MaxDistance(word)
}

// isSubsequence reports whether the bytes of a appear in b in order.
func isSubsequence(a, b string) bool {
	i := 0
	for j := 0; i < len(a) && j < len(b); j++ {
		if a[i] == b[j] {
			i++
		}
	}
	return i == len(a)
}

// Distance is the Levenshtein distance between a and b, in bytes.
func Distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
