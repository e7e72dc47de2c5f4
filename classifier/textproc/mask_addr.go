package textproc

// matchIPv4 matches a dotted quad at s[i]. A fifth dotted number ("1.2.3.4.5")
// makes it a version, not an address.
func matchIPv4(s string, i int) int {
	j := i
	for k := 0; k < 4; k++ {
		if k > 0 {
			if j >= len(s) || s[j] != '.' {
				return 0
			}
			j++
		}
		e := digitEnd(s, j)
		if e == j || e-j > 3 {
			return 0
		}
		v := 0
		for p := j; p < e; p++ {
			v = v*10 + int(s[p]-'0')
		}
		if v > 255 {
			return 0
		}
		j = e
	}
	if j < len(s) && (isAlnum(s[j]) || (s[j] == '.' && j+1 < len(s) && isDigit(s[j+1]))) {
		return 0
	}
	return j
}

// matchIPv6 matches an IPv6 address at s[i]: eight groups of 1-4 hex digits,
// or fewer with one "::", optionally ending in a dotted quad. It must contain a
// digit, so "dead::beef" or a C++ "a::b" stay words. Times ("10:00:01") have
// neither eight groups nor "::". Matching stops after eight groups, so
// "0:0:0:0:0:0:0:0:2181" is an address and a port.
func matchIPv6(s string, i int) int {
	j, groups, double, digit := i, 0, false, false
	if j+1 < len(s) && s[j] == ':' && s[j+1] == ':' {
		double = true
		j += 2
	}
	for groups < 8 {
		e := hexEnd(s, j)
		if e == j || e-j > 4 {
			break // an over-long group fails the boundary check below
		}
		if e < len(s) && s[e] == '.' && groups <= 6 {
			if v4 := matchIPv4(s, j); v4 > 0 {
				j, groups, digit = v4, groups+2, true
				break
			}
		}
		for p := j; p < e && !digit; p++ {
			digit = isDigit(s[p])
		}
		groups++
		j = e
		if groups == 8 || j+1 >= len(s) || s[j] != ':' {
			break
		}
		if s[j+1] == ':' && !double {
			double = true
			j += 2
			continue
		}
		if !isHex(s[j+1]) {
			break
		}
		j++
	}
	if !digit || groups == 0 || (double && groups > 7) || (!double && groups != 8) {
		return 0
	}
	if j < len(s) && isAlnum(s[j]) {
		return 0
	}
	return j
}

// isLocalChar reports the bytes of an e-mail local part, which also cover URL
// schemes.
func isLocalChar(c byte) bool {
	return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
}

func isScheme(w string) bool {
	if w == "" || !isLetter(w[0]) {
		return false
	}
	for i := 0; i < len(w); i++ {
		if c := w[i]; !isAlnum(c) && c != '+' && c != '.' && c != '-' {
			return false
		}
	}
	return true
}

// matchEmailDomain matches the domain of an e-mail address at s[i]: two or
// more labels, the last one letters only ("user@10.0.0.1" and
// "Server@33557fe4" are not addresses).
func matchEmailDomain(s string, i int) int {
	j, labels, lastAlpha := i, 0, false
	for {
		k := j
		alpha := true
		for k < len(s) && (isAlnum(s[k]) || s[k] == '-') {
			if !isLetter(s[k]) {
				alpha = false
			}
			k++
		}
		if k == j {
			break
		}
		labels++
		j, lastAlpha = k, alpha && k-j >= 2
		if j+1 < len(s) && s[j] == '.' && isAlnum(s[j+1]) {
			j++
			continue
		}
		break
	}
	if labels < 2 || !lastAlpha {
		return 0
	}
	return j
}

// matchURLBody matches what follows "scheme://": up to whitespace, a quote,
// an angle bracket or a closing bracket, less trailing sentence punctuation.
func matchURLBody(s string, i int) int {
	j := i
	for j < len(s) {
		c := s[j]
		if c <= ' ' || c == 0x7f || c == '"' || c == '\'' || c == '`' || c == '<' || c == '>' ||
			c == ')' || c == ']' || c == '}' {
			break
		}
		j++
	}
	for j > i && isTrailingPunct(s[j-1]) {
		j--
	}
	if j == i {
		return 0
	}
	return j
}

func isTrailingPunct(c byte) bool {
	return c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?'
}

// isPathChar reports the bytes of a path segment. Colons, commas, equals
// signs, quotes and brackets end a path, as they usually end one in a log line
// ("/a/b:42", "file=/a/b,"). Non-ASCII bytes are kept inside.
func isPathChar(c byte) bool {
	return isAlnum(c) || c >= 0x80 || c == '.' || c == '_' || c == '-' || c == '~' ||
		c == '+' || c == '@' || c == '%' || c == '*' || c == '$' || c == '#'
}

// matchUnixPath matches "/seg/seg..." at s[i] with at least 2-have non-empty
// segments in total (have counts those already seen, as in "./x").
func matchUnixPath(s string, i, have int) int {
	j, segs := i, have
	for j < len(s) && s[j] == '/' {
		j++
		k := j
		for k < len(s) && isPathChar(s[k]) {
			k++
		}
		if k > j {
			segs++
		}
		j = k
	}
	if j < len(s) && s[j] == '?' && segs >= 2 {
		// The query of a request path: "GET /v2/servers?host=x HTTP/1.1".
		j++
		for j < len(s) && s[j] > ' ' && s[j] != '"' && s[j] != '\'' && s[j] != '<' && s[j] != '>' && s[j] != 0x7f {
			j++
		}
		for isTrailingPunct(s[j-1]) {
			j--
		}
		return j
	}
	return endPath(s, i, j, segs)
}

// matchRelPath matches "./x", "../x/y" and "~/x" at s[i].
func matchRelPath(s string, i int) int {
	j := i
	switch {
	case s[i] == '~':
		j++
	case s[i] == '.' && i+1 < len(s) && s[i+1] == '.':
		j += 2
	case s[i] == '.':
		j++
	}
	if j >= len(s) || s[j] != '/' {
		return 0
	}
	return matchUnixPath(s, j, 1)
}

// matchWinPath matches the rest of a Windows path whose first separator is
// s[i] ("C:\Users\x" from the backslash, "\\server\share" from "server").
func matchWinPath(s string, i, have int) int {
	j, segs := i, have
	for j < len(s) {
		for j < len(s) && (s[j] == '\\' || s[j] == '/') {
			j++
		}
		k := j
		for k < len(s) && isPathChar(s[k]) {
			k++
		}
		if k == j {
			break
		}
		segs++
		j = k
	}
	return endPath(s, i, j, segs)
}

// endPath drops sentence dots after a path ("... to /a/b.") and checks the
// segment count.
func endPath(s string, start, j, segs int) int {
	for j > start+1 && s[j-1] == '.' && isAlnum(s[j-2]) {
		j--
	}
	if segs < 2 {
		return 0
	}
	return j
}
