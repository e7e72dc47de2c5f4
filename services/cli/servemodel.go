package cli

import (
	"context"
	"errors"

	"github.com/logsift/logsift/services/app"
)

// runServeModel is `logsift serve-model`.
func runServeModel(ctx context.Context, args []string, s *stdio) int {
	return fail(s, &app.ConfigError{Err: errors.New("serve-model is not available in this build yet")})
}
