package runtime

// Buckets is the number of buckets a subject can fall into. Percentages
// have a resolution of 0.01%: a subject is in an N% rollout when its bucket
// is below N×100.
const Buckets = 10000

const (
	fnvOffset32 = 2166136261
	fnvPrime32  = 16777619
)

// Bucket returns the bucket, in [0, Buckets), of the subject whose
// bucketing key (user id, or the flag's bucket_by attribute) is key, for a
// flag salted with salt (the flag's key unless it sets salt):
//
//	h = FNV-1a 32 (salt + "." + key)           over the UTF-8 bytes
//	h ^= h >> 16; h *= 0x85ebca6b              MurmurHash3's 32-bit finaliser,
//	h ^= h >> 13; h *= 0xc2b2ae35              all in uint32 arithmetic
//	h ^= h >> 16
//	bucket = h mod 10000
//
// The finaliser spreads FNV's last bytes over all bits: without it,
// sequential ids ("user-1", "user-2", …) fill the buckets measurably
// unevenly. Every instance, and any other language, computes the same
// bucket; testdata/bucket_vectors.txt and the README list test vectors.
func Bucket(salt, key string) int {
	return bucketFrom(seed(salt), key)
}

// seed is the FNV-1a state after salt and ".", which compiled flags keep
// so that evaluation hashes only the subject's key.
func seed(salt string) uint32 {
	h := uint32(fnvOffset32)
	for i := 0; i < len(salt); i++ {
		h ^= uint32(salt[i])
		h *= fnvPrime32
	}
	h ^= '.'
	h *= fnvPrime32
	return h
}

func bucketFrom(h uint32, key string) int {
	for i := 0; i < len(key); i++ {
		h ^= uint32(key[i])
		h *= fnvPrime32
	}
	h ^= h >> 16
	h *= 0x85ebca6b
	h ^= h >> 13
	h *= 0xc2b2ae35
	h ^= h >> 16
	return int(h % Buckets)
}
