package remote

// UserMessage returns the user turn logsift sends for a line: the line
// between fences it cannot close. The in-process engine labeler uses it for
// chat models too, so a model sees the same prompt locally and remotely.
func UserMessage(line string) string { return userMessage(line) }
