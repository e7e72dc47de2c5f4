// Package logging builds the *slog.Logger a logsift command hands to every
// component. Libraries never build their own: they take a logger (nil means
// discard), so the command decides level and format once.
package logging
