module github.com/flaggen/flaggen

go 1.26.0

require (
	github.com/BurntSushi/toml v1.6.0
	github.com/dave/jennifer v1.7.1
	golang.org/x/tools v0.52.0
)
