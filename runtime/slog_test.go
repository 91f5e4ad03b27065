package runtime

import (
	"io"
	"log/slog"
)

// captureSlog sends slog's default logger to w until restore is called.
func captureSlog(w io.Writer) (restore func()) {
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(w, nil)))
	return func() { slog.SetDefault(old) }
}
