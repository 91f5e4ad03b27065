// Package ginflags is flaggen's middleware for gin: it gives each request
// an evaluator, as package [middleware] does for net/http, so that gin
// handlers call the generated accessors. It is the only flaggen package that
// imports gin.
//
// # Usage
//
//	r := gin.New()
//	r.Use(ginflags.New(flags.Set, middleware.Options{
//		Subject:   middleware.HeaderSubject(middleware.Headers{}),
//		Vary:      []string{"X-User-ID", "X-User-Groups"}, // what Subject reads
//		Anonymous: &middleware.AnonymousCookie{},
//		Exposure:  middleware.SlogExposure(nil),
//	}))
//	r.GET("/search", func(c *gin.Context) {
//		if flags.NewSearch(c.Request.Context()).IsVariantA() {
//			// ranking experiment, variant A
//		}
//	})
//
// The middleware builds the request's evaluator with
// [middleware.Evaluators.For] (subject, visitor cookie, overrides), makes
// it the request's context (c.Request = c.Request.WithContext(ev)), and
// stores it in c.Keys under [runtime.EvaluatorKey]. So a handler may pass
// the accessors either context:
//
//   - c.Request.Context(), the evaluator itself (unless later middleware
//     wrapped it): the cheapest lookup, and the one to pass on to code that
//     is not gin's;
//   - c, the *gin.Context: with engine.ContextWithFallback, c.Value asks
//     the request's context; without it, c.Value answers only string keys,
//     from c.Keys, where the runtime finds the evaluator under
//     [runtime.EvaluatorKey].
//
// Both give the same evaluator, so a flag is evaluated, and its exposure
// reported, once per request whichever way it is asked. Middleware that
// runs later and wraps c.Request's context (tracing, for instance) keeps
// the evaluator reachable: the runtime looks through wrapping contexts.
//
// # Caching
//
// Like package middleware's, this middleware marks each response
// Cache-Control: private, no-cache with a Vary line for the request
// headers that choose its variants, before the handlers run, so that no
// shared cache hands one user's variant to another; see "Caching" in
// package [middleware]. A handler's c.Header("Cache-Control", …) replaces
// that line. A handler whose response reads no flag undoes both with
// [middleware.Evaluators.Shareable] (build the middleware with
// [FromEvaluators] to have the Evaluators at hand):
//
//	evs := middleware.NewEvaluators(flags.Set, opts)
//	r.Use(ginflags.FromEvaluators(evs))
//	r.GET("/about", func(c *gin.Context) {
//		evs.Shareable(c.Writer)
//		c.Header("Cache-Control", "public, max-age=3600")
//		c.String(http.StatusOK, "about us")
//	})
//
// A request that has been through flaggen's middleware already (net/http's
// in front of the engine, or this one twice) keeps its evaluator and the
// headers it was given.
//
// # The override endpoint
//
// [middleware.Evaluators.OverrideHandler] serves net/http; mount it with
// gin.WrapH. Build one [middleware.Evaluators] and give it to both the middleware
// ([FromEvaluators]) and the endpoint, so that the cookies the endpoint
// sets are the ones the middleware reads:
//
//	evs := middleware.NewEvaluators(flags.Set, opts)
//	r := gin.New()
//	r.Use(ginflags.FromEvaluators(evs))
//	r.Any("/_flags/*path", gin.WrapH(evs.OverrideHandler(middleware.OverrideHandlerOptions{
//		Authorize: func(r *http.Request) bool { … },
//	})))
//	r.GET("/search", search)
//
// The endpoint may sit behind the middleware, as here, or beside it: it
// builds the caller's evaluator as the middleware does, keeping the
// subject the middleware found, and behind it reads the override cookie
// as the middleware decoded it.
//
// # Goroutines
//
// gin reuses *gin.Context values: once a handler returns, its c belongs to
// another request. A goroutine that outlives the handler must not be handed
// c. Hand it c.Request.Context(), which keeps the request's evaluator (and
// so the variants the request saw), or c.Copy(), which keeps c.Keys and
// c.Request:
//
//	ctx := c.Request.Context()
//	go func() {
//		if flags.NewCheckout(ctx).Enabled() { … }
//	}()
//
// Either way the goroutine gets the variants its request got; note that
// the request context is canceled when the request ends, so work that must
// go on afterwards should use context.WithoutCancel(ctx), which keeps its
// values, the evaluator among them.
package ginflags
