package middleware

import (
	"encoding/base64"
	"sync/atomic"
	"time"
)

// SignOverrides returns an override cookie value for name that maps
// flags to variants (kv alternates them), signed with secret and
// expiring at exp, as the override endpoint would set it.
func SignOverrides(secret []byte, name string, exp time.Time, kv ...string) string {
	var pairs []pair
	for i := 0; i+1 < len(kv); i += 2 {
		pairs = append(pairs, pair{kv[i], kv[i+1]})
	}
	return encodeOverrides(secret, name, pairs, exp)
}

// SignPayload returns payload followed by a valid signature of it, for
// cookies whose signed part is malformed.
func SignPayload(secret []byte, name, payload string) string {
	return payload + "." + base64.RawURLEncoding.EncodeToString(mac(secret, name, payload))
}

// CountDecodes makes e count the override cookies it decodes, and returns
// the count. Call it before e serves a request.
func CountDecodes(e *Evaluators) *atomic.Int64 {
	n := new(atomic.Int64)
	e.decoded = func() { n.Add(1) }
	return n
}
