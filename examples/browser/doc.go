// Package browser holds the dashboard's browser tests: Go tests that
// drive Debian's Chromium (/usr/bin/chromium), headless, through
// github.com/chromedp/chromedp, against the net/http example's routes
// with the dashboard mounted at /_dashboard/, as a user would run them.
// The package has no code of its own besides this comment.
//
// # Running
//
// From the examples module:
//
//	go test ./browser
//
// Without /usr/bin/chromium the tests skip with a message (apt-get install
// chromium brings it); with CI=true they fail instead. They never download
// a browser. The live-store tests start a redis-server of their own
// (package redistest), with the same rule; their second instance of the
// fleet is the test binary run again as a server (TestMain's instance
// mode), so that it has flags and an instance id of its own.
//
// # Screenshots
//
// TestScreenshots saves the dashboard at 1280 and 400 pixels wide, as
// dashboard.png and dashboard-400.png, in the directory FLAGGEN_SCREENSHOTS
// names (relative to the repository's root), or in a temporary directory
// it logs. The README's picture is made with:
//
//	FLAGGEN_SCREENSHOTS=docs go test -run Screenshots ./browser
package browser
