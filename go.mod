module github.com/flaggen/flaggen

go 1.26.8

require (
	github.com/BurntSushi/toml v1.6.0 // indirect
	github.com/dave/jennifer v1.7.1 // indirect
	golang.org/x/tools v0.52.0 // indirect
)
