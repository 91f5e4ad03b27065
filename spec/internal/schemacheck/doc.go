// Package schemacheck tests spec.JSONSchema: with a JSON Schema validator
// (github.com/santhosh-tekuri/jsonschema/v6) against every flags.toml of the
// repository's tests, and with Taplo's CLI. It is a package of its own,
// imported by nothing, so that the modules that import spec need neither
// in their go.sum.
package schemacheck
