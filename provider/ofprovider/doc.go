// Package ofprovider is an OpenFeature provider (github.com/open-feature/go-sdk) backed by a flaggen set.
package ofprovider
