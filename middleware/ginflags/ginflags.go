package ginflags

import (
	"github.com/gin-gonic/gin"

	"github.com/flaggen/flaggen/middleware"
	"github.com/flaggen/flaggen/runtime"
)

// New returns gin middleware that gives each request its evaluator for
// set, as [middleware.New] does for net/http, and its response the same
// caching headers. After it, handlers call the generated accessors with
// c.Request.Context() or with c itself. It panics as
// [middleware.NewEvaluators] does (a nil set, an invalid cookie name).
func New(set *runtime.Set, opts middleware.Options) gin.HandlerFunc {
	return FromEvaluators(middleware.NewEvaluators(set, opts))
}

// FromEvaluators returns gin middleware that gives each request the
// evaluator e builds for it. Use it instead of [New] to share one
// [middleware.Evaluators] between the middleware and the override
// endpoint ([middleware.Evaluators.OverrideHandler]), or to call
// [middleware.Evaluators.Shareable] from handlers.
func FromEvaluators(e *middleware.Evaluators) gin.HandlerFunc {
	return func(c *gin.Context) {
		// Without ContextWithFallback, c.Value answers only string keys,
		// from c.Keys; the runtime looks there under EvaluatorKey, so the
		// request's evaluator goes there whichever middleware made it.
		if r := e.Request(c.Writer, c.Request); r != c.Request {
			// The evaluator is a context.Context wrapping the request's:
			// it becomes the request's context, which c.Request.Context()
			// returns and, with engine.ContextWithFallback, c.Value
			// consults.
			c.Request = r
			c.Set(runtime.EvaluatorKey, r.Context())
		} else if ev := e.For(c.Writer, r); c.Value(runtime.EvaluatorKey) != ev {
			// The request has been through flaggen's middleware already
			// (net/http's in front of the engine): it keeps the evaluator
			// it has, which c must reach too.
			c.Set(runtime.EvaluatorKey, ev)
		}
		c.Next()
	}
}
