package cli

import (
	"strings"

	"github.com/logsift/logsift/platform/config"
)

// gatherRepeated makes a list flag repeatable: it moves every value of the
// flag name in args into one leading "--name=a,b,c". config.FlagSet's lists
// are replaced, not extended, by a second occurrence, so without this
// `--data A --data B` would evaluate B only. It scans args as the flag
// package parses them: up to the first non-flag argument or "--", with a
// non-boolean flag written without "=" taking the next argument as its
// value (so a value that happens to read "--data" stays a value).
func gatherRepeated(fs *config.FlagSet, args []string, name string) []string {
	isBool := map[string]bool{"h": true, "help": true}
	for _, r := range fs.Table() {
		if r.Kind == "bool" {
			isBool[r.Flag] = true
		}
	}
	var vals, rest []string
	found := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" || len(a) < 2 || a[0] != '-' {
			rest = append(rest, args[i:]...)
			break
		}
		flagName, val, hasVal := strings.Cut(strings.TrimPrefix(a[1:], "-"), "=")
		if flagName == name {
			if !hasVal {
				if i+1 == len(args) {
					rest = append(rest, a) // the flag package reports the missing value
					continue
				}
				i++
				val = args[i]
			}
			vals = append(vals, val)
			found = true
			continue
		}
		rest = append(rest, a)
		if !hasVal && !isBool[flagName] && i+1 < len(args) {
			i++
			rest = append(rest, args[i])
		}
	}
	if !found {
		return args
	}
	return append([]string{"--" + name + "=" + strings.Join(vals, ",")}, rest...)
}
