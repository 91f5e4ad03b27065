module example.com/flagtest

go 1.26.0

require github.com/flaggen/flaggen v0.0.0

require github.com/BurntSushi/toml v1.6.0 // indirect

replace github.com/flaggen/flaggen => ../../..
