package live_test

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/flaggen/flaggen/live"
	"github.com/flaggen/flaggen/runtime/flagimpl"
	"github.com/flaggen/flaggen/spec"
)

// compiledIn stands for the flags.toml an application's generated
// package was built from.
const compiledIn = `
[flags.holiday]
description = "Serve the special-day answer from the calendar API."
owner = "calendar-team"
expires = 2027-12-31
rollout = 0
`

type exampleMarker struct{}

// A feed applies the documents a source delivers; here a document is
// applied by hand, as a test's fake source would. An app would use
// live.WatchFile, or live.Run with a source of its own, and generated
// code's flags.Set.
func ExampleNewFeed() {
	file, _ := spec.Parse("flags.toml", []byte(compiledIn))
	set := flagimpl.New[exampleMarker](file.Meta()).Set()

	feed := live.NewFeed(set, "ops", live.Options{
		OnChange: func(c live.Change) {
			for _, fc := range c.Flags {
				fmt.Printf("%s: %s\n", fc.Key, strings.Join(fc.What, "; "))
			}
		},
		Logger: slog.New(slog.DiscardHandler),
	})
	fmt.Println(feed.Status().State)

	doc := strings.Replace(compiledIn, "rollout = 0", "rollout = 25", 1)
	if _, err := feed.Apply("flags.toml", []byte(doc), "rev-1"); err != nil {
		fmt.Println(err)
	}
	fmt.Println(feed.Status().State, feed.Status().Version)

	// A bad document is refused, with its position; rev-1 stays in force.
	_, err := feed.Apply("flags.toml", []byte(doc+"rolout = 50\n"), "rev-2")
	fmt.Println(err != nil, feed.Status().State, feed.Status().Version)
	// Output:
	// starting
	// holiday: rollout: 0% → 25% on
	// ready rev-1
	// true failing rev-1
}
