package textproc

// Timestamp shapes recognised (each must end at a token boundary):
//
//	2015-10-18 18:01:47,978   2017-05-16T00:00:31.092Z   2015-07-29 17:41:44+02:00
//	2005.06.03                2005-06-03-15.42.50.675872 (BGL)   2017-05-16_13:53:08
//	20171223-22:15:29         081109 203615 (YYMMDD HHMMSS)
//	17/06/09 20:10:40         06/09/2017                 10/Oct/2000:13:55:36 -0700
//	18:01:47  18:01:47.978    (a bare time needs seconds)
//	1122475266.4294965305     (epoch seconds with a fraction)
//	Jun 14 15:16:01  Jul  7 08:06:12   Sun Dec 04 04:47:44 2005   Sat May 8 09:04:50 EDT 2004
//
// A plain 10-digit integer is left to <NUM>: alone it could be any counter.

// matchTSDigit matches a timestamp starting with the digit s[i].
func matchTSDigit(s string, i int) int {
	n := digitEnd(s, i) - i
	e := 0
	switch n {
	case 4:
		if d := dateYMD(s, i); d > 0 {
			e = dateTime(s, d)
		}
	case 8:
		if year(s, i) && twoDigit(s, i+4, 1, 12) && twoDigit(s, i+6, 1, 31) {
			e = dateTime(s, i+8)
			if e == i+8 {
				e = 0 // a bare 8-digit number is not a date
			}
		}
	case 6:
		j := i + 6
		if j+7 <= len(s) && s[j] == ' ' && digitEnd(s, j+1) == j+7 &&
			twoDigit(s, i+2, 1, 12) && twoDigit(s, i+4, 1, 31) &&
			twoDigit(s, j+1, 0, 23) && twoDigit(s, j+3, 0, 59) && twoDigit(s, j+5, 0, 60) {
			e = j + 7
		}
	case 1, 2:
		if i+n < len(s) {
			switch s[i+n] {
			case ':':
				e = timeOfDay(s, i, false, true)
			case '/':
				e = dateSlash(s, i, n)
			}
		}
	case 10:
		j := i + 10
		if s[i] == '1' && j+1 < len(s) && s[j] == '.' && isDigit(s[j+1]) {
			if k := digitEnd(s, j+1); k-j-1 <= 10 {
				e = k
			}
		}
	}
	if e == 0 || (e < len(s) && (isAlnum(s[e]) || (s[e] == '.' && e+1 < len(s) && isDigit(s[e+1])))) {
		return 0
	}
	return e
}

// dateYMD matches YYYY-MM-DD, YYYY/MM/DD or YYYY.MM.DD.
func dateYMD(s string, i int) int {
	if i+10 > len(s) || !year(s, i) {
		return 0
	}
	sep := s[i+4]
	if (sep != '-' && sep != '/' && sep != '.') || s[i+7] != sep ||
		!twoDigit(s, i+5, 1, 12) || !twoDigit(s, i+8, 1, 31) {
		return 0
	}
	if i+10 < len(s) && isDigit(s[i+10]) {
		return 0
	}
	return i + 10
}

// dateTime extends a date ending at d with a time of day if one follows
// (separated by T, a space, '_' or '-'; after '-' the BGL form with dots is
// allowed), and a zone after the time.
func dateTime(s string, d int) int {
	if d+1 < len(s) {
		switch c := s[d]; c {
		case 'T', ' ', '_', '-':
			if t := timeOfDay(s, d+1, c == '-', false); t > 0 {
				return zone(s, t)
			}
		}
	}
	return d
}

// dateSlash matches DD/MM/YY, MM/DD/YYYY, YY/MM/DD (the day-month order does
// not matter for masking) and DD/Mon/YYYY, each optionally followed by a
// time after a space or ':'. A two-digit year needs the time, so that "1/2/3"
// stays numbers.
func dateSlash(s string, i, n int) int {
	j := i + n + 1
	if j >= len(s) {
		return 0
	}
	switch {
	case isDigit(s[j]):
		k := digitEnd(s, j)
		if k-j > 2 {
			return 0
		}
		j = k
	case j+3 <= len(s) && month(s[j:j+3]):
		j += 3
	default:
		return 0
	}
	if j >= len(s) || s[j] != '/' {
		return 0
	}
	j++
	k := digitEnd(s, j)
	if k-j != 2 && k-j != 4 {
		return 0
	}
	if k+1 < len(s) && (s[k] == ' ' || s[k] == ':') {
		if t := timeOfDay(s, k+1, false, false); t > 0 {
			return zone(s, t)
		}
	}
	if k-j == 2 {
		return 0
	}
	return k
}

// timeOfDay matches HH:MM[:SS][.frac] at s[i] (with dots instead of colons
// when dots is set, and then seconds are required, as in BGL's 15.42.50.675872).
func timeOfDay(s string, i int, dots, needSec bool) int {
	sep := byte(':')
	if dots && i+2 < len(s) && s[i+2] == '.' {
		sep = '.'
		needSec = true
	}
	if i+5 > len(s) || !twoDigit(s, i, 0, 23) || s[i+2] != sep || !twoDigit(s, i+3, 0, 59) {
		return 0
	}
	j := i + 5
	if j+3 <= len(s) && s[j] == sep && twoDigit(s, j+1, 0, 60) {
		j += 3
		if j+1 < len(s) && (s[j] == '.' || s[j] == ',') && isDigit(s[j+1]) {
			j = digitEnd(s, j+1)
		}
	} else if needSec {
		return 0
	}
	if j < len(s) && isDigit(s[j]) {
		return 0
	}
	return j
}

// zone extends a time ending at t with "Z", "+02:00", "+0200", or " -0700".
func zone(s string, t int) int {
	if t >= len(s) {
		return t
	}
	if s[t] == 'Z' {
		if t+1 == len(s) || !isAlnum(s[t+1]) {
			return t + 1
		}
		return t
	}
	j := t
	if s[j] == ' ' && j+1 < len(s) && (s[j+1] == '+' || s[j+1] == '-') {
		j++
		if digitEnd(s, j+1) != j+5 {
			return t
		}
	}
	if s[j] != '+' && s[j] != '-' {
		return t
	}
	k := digitEnd(s, j+1)
	switch {
	case k-j-1 == 4:
	case k-j-1 == 2 && k+3 <= len(s) && s[k] == ':' && digitEnd(s, k+1) == k+3:
		k += 3
	case k-j-1 == 2:
	default:
		return t
	}
	if k < len(s) && (isAlnum(s[k]) || s[k] == '.') {
		return t
	}
	return k
}

// matchTSWord matches a syslog or ctime timestamp at the 3-letter word s[i:]:
// [Www ]Mon D[D] HH:MM:SS[.frac], and after a weekday an optional zone
// abbreviation and year.
func matchTSWord(s string, i int) int {
	j := i
	weekday := isWeekday(s[i : i+3])
	if weekday {
		j = spaces(s, i+3, 1)
		if j == 0 {
			return 0
		}
	}
	if j+4 > len(s) || !month(s[j:j+3]) || s[j+3] != ' ' {
		return 0
	}
	j = spaces(s, j+3, 2)
	if j == 0 {
		return 0
	}
	k := digitEnd(s, j)
	if k == j || k-j > 2 || k >= len(s) || s[k] != ' ' {
		return 0
	}
	t := timeOfDay(s, k+1, false, true)
	if t == 0 {
		return 0
	}
	if weekday && t < len(s) && s[t] == ' ' {
		y := t + 1
		z := y
		for z < len(s) && s[z] >= 'A' && s[z] <= 'Z' {
			z++
		}
		if z-y >= 2 && z-y <= 5 && z < len(s) && s[z] == ' ' {
			y = z + 1
		}
		if year(s, y) && (y+4 == len(s) || !isAlnum(s[y+4])) && digitEnd(s, y) == y+4 {
			t = y + 4
		}
	}
	if t < len(s) && isAlnum(s[t]) {
		return 0
	}
	return t
}

// spaces skips 1 to max spaces at s[i], returning 0 if there are none or more.
func spaces(s string, i, max int) int {
	j := i
	for j < len(s) && s[j] == ' ' {
		j++
	}
	if j == i || j-i > max {
		return 0
	}
	return j
}

// year reports four digits starting with 1 or 2 at s[i].
func year(s string, i int) bool {
	return i+4 <= len(s) && (s[i] == '1' || s[i] == '2') &&
		isDigit(s[i+1]) && isDigit(s[i+2]) && isDigit(s[i+3])
}

// twoDigit reports two digits at s[i] whose value is within [lo, hi].
func twoDigit(s string, i, lo, hi int) bool {
	if i+2 > len(s) || !isDigit(s[i]) || !isDigit(s[i+1]) {
		return false
	}
	v := int(s[i]-'0')*10 + int(s[i+1]-'0')
	return v >= lo && v <= hi
}

func month(w string) bool {
	if len(w) != 3 {
		return false
	}
	var b [3]byte
	for i := range b {
		b[i] = w[i] | 0x20
	}
	switch string(b[:]) {
	case "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec":
		return true
	}
	return false
}

func isWeekday(w string) bool {
	if len(w) != 3 {
		return false
	}
	var b [3]byte
	for i := range b {
		b[i] = w[i] | 0x20
	}
	switch string(b[:]) {
	case "mon", "tue", "wed", "thu", "fri", "sat", "sun":
		return true
	}
	return false
}
