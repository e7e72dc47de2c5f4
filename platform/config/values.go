package config

import (
	"strconv"
	"strings"
	"time"
)

// Each value type implements flag.Value over the caller's variable.

type stringValue struct{ p *string }

func (v stringValue) Set(s string) error { *v.p = s; return nil }
func (v stringValue) String() string {
	if v.p == nil {
		return ""
	}
	return *v.p
}

type intValue struct{ p *int }

func (v intValue) Set(s string) error {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 0, strconv.IntSize)
	if err != nil {
		return numError(err)
	}
	*v.p = int(n)
	return nil
}
func (v intValue) String() string {
	if v.p == nil {
		return "0"
	}
	return strconv.Itoa(*v.p)
}

type int64Value struct{ p *int64 }

func (v int64Value) Set(s string) error {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 0, 64)
	if err != nil {
		return numError(err)
	}
	*v.p = n
	return nil
}
func (v int64Value) String() string {
	if v.p == nil {
		return "0"
	}
	return strconv.FormatInt(*v.p, 10)
}

type boolValue struct{ p *bool }

func (v boolValue) Set(s string) error {
	b, err := strconv.ParseBool(strings.TrimSpace(s))
	if err != nil {
		return errString("want true or false")
	}
	*v.p = b
	return nil
}
func (v boolValue) String() string {
	if v.p == nil {
		return "false"
	}
	return strconv.FormatBool(*v.p)
}
func (boolValue) IsBoolFlag() bool { return true }

type durationValue struct{ p *time.Duration }

func (v durationValue) Set(s string) error {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return errString("want a duration such as 500ms, 10s or 1m30s")
	}
	*v.p = d
	return nil
}
func (v durationValue) String() string {
	if v.p == nil {
		return "0s"
	}
	return v.p.String()
}

type float64Value struct{ p *float64 }

func (v float64Value) Set(s string) error {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return numError(err)
	}
	*v.p = f
	return nil
}
func (v float64Value) String() string {
	if v.p == nil {
		return "0"
	}
	return strconv.FormatFloat(*v.p, 'g', -1, 64)
}

type stringsValue struct{ p *[]string }

// Set replaces the list: a flag or variable gives the whole list, it does not
// append to the default.
func (v stringsValue) Set(s string) error {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	*v.p = out
	return nil
}
func (v stringsValue) String() string {
	if v.p == nil {
		return ""
	}
	return strings.Join(*v.p, ",")
}

type bytesValue struct{ p *int64 }

func (v bytesValue) Set(s string) error {
	n, err := ParseBytes(s)
	if err != nil {
		return err
	}
	*v.p = n
	return nil
}
func (v bytesValue) String() string {
	if v.p == nil {
		return "0"
	}
	return FormatBytes(*v.p)
}

type errString string

func (e errString) Error() string { return string(e) }

func numError(err error) error {
	if ne, ok := err.(*strconv.NumError); ok {
		if ne.Err == strconv.ErrRange {
			return errString("out of range")
		}
		return errString("not a number")
	}
	return err
}
