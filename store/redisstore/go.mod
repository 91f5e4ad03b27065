module github.com/flaggen/flaggen/store/redisstore

go 1.26.0

require (
	github.com/flaggen/flaggen v0.0.0-00010101000000-000000000000
	github.com/redis/go-redis/v9 v9.23.0
)

require (
	github.com/BurntSushi/toml v1.6.0 // indirect
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/fsnotify/fsnotify v1.10.1 // indirect
	go.uber.org/atomic v1.12.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
)

// Development from a checkout: build against the module beside it.
replace github.com/flaggen/flaggen => ../..
