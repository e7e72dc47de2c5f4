// Package textproc turns a raw log line into the two strings the classifier
// works with: the cleaned line (Clean), which is stored and shown, and its
// template (Mask), which keys the template cache and is what the model
// classifies, so that a million lines of one log statement cost one model
// call. Both are pure functions over bytes: hand-written scanners, no regular
// expressions, one allocation for the result (none when Clean has nothing to
// change).
//
// Clean strips ANSI escape sequences, drops control characters, replaces
// invalid UTF-8 with U+FFFD, collapses whitespace and caps the length.
//
// Mask walks the line once. At each token start (an alphanumeric byte after a
// non-alphanumeric one, or a '/', '-', ':', '.', '~' or '\' that may open a
// path, a negative number or an IPv6 address) it tries the recognisers in
// order and writes a placeholder for the first that matches a whole token;
// otherwise it copies the word. Every recogniser ends on a token boundary, so
// it never splits a word. Placeholders:
//
//	<TS>    timestamps: ISO/RFC 3339 (also with ',' millis, '_' or '-'
//	        separators, BGL's 2005-06-03-15.42.50.675872), dates alone,
//	        syslog "Jun 14 15:16:01", ctime "Sun Dec 04 04:47:44 2005",
//	        "081109 203615", "17/06/09 20:10:40", "10/Oct/2000:13:55:36 -0700",
//	        bare times with seconds, epoch seconds with a fraction
//	        ("1122475266.42"); a bare 10-digit integer stays <NUM>
//	<IP>    IPv4 and IPv6 (with "::", zones are left as text). A port is not
//	        part of the address: "10.0.0.1:50010" is "<IP>:<NUM>", so an
//	        address with and without a port stay distinguishable and the
//	        number rule does the port.
//	<UUID>  8-4-4-4-12 hex
//	<HEX>   0x-prefixed hex; hex ids of 8+ hex digits with a digit and a
//	        letter ("113d3a99c3da401f"); zero-padded runs of 8+ digits
//	        ("00106570", a hex word without letters)
//	<EMAIL> local@domain.tld (the last label letters only)
//	<URL>   scheme://... up to whitespace, a quote or a closing bracket
//	<PATH>  unix paths of 2+ segments starting with '/', "./", "../" or "~/"
//	        (a request path keeps its ?query); Windows "C:\x\y" and
//	        "\\server\share". "/tmp/", "/default-rack" and "a/b/c" stay text.
//	<DUR>   a number with a glued time unit, chains included: 12ms 1.5s
//	        3m20s 250µs 5min ("160 ms" with a space is "<NUM> ms")
//	<NUM>   integers, negatives ("-2" where the '-' cannot be a hyphen),
//	        decimals and dotted versions as one number ("1.4.1"), numbers in
//	        identifiers ("blk_-69..." → "blk_<NUM>", "rdd_2_0" →
//	        "rdd_<NUM>_<NUM>"), numbers with a glued unit ("126MB" →
//	        "<NUM>MB", "80x25" → "<NUM>x<NUM>")
//
// The rule for digits inside words: a word (maximal run of ASCII letters and
// digits) that starts with a letter is a name and is kept whole, digits and
// all: "ipv6", "log4j", "sha256", "HttpServer2", "v2" (so loggers such as
// "org.apache.hadoop.mapreduce.v2.app.MRAppMaster" survive). A word that
// starts with a digit is a value: each digit run in it becomes <NUM>. A
// digits-only word joined by '_' to a kept name ending in a digit belongs to
// that name ("x86_64"); otherwise digits-only words are numbers. One
// exception covers hardware locations: a capital and a number joined to a
// neighbour by '-' ("R02-M1-N0-C:J12-U11", with N0..NF node cards) is the
// capital and <NUM>; a lone "S3" or "L2" stays.
//
// A list of one masked word ("blk_<NUM> blk_<NUM> blk_<NUM> ...") is cut to
// two items, so lists of any length share a template and a single item keeps
// its own. Whitespace and everything else are copied, so Mask(Clean(s)) keeps
// Clean's spacing.
//
// Mask is idempotent: placeholders are plain words to it, and a '>' counts as
// the end of a word, so "0/a/b" ("<NUM>/a/b") does not turn into a path or
// "5-3" into a negative number the second time.
//
// Measured on the Loghub sample (TestLoghubTemplates, over whole raw lines,
// headers included): 1.0-1.3 templates per Loghub event id per system, and no
// template shared by two events. What is left is mostly hostnames
// ("rhost=host8.topspot.net", not masked: a dotted name cannot be told from a
// logger name such as "dfs.DataNode"), names with numbers ("bglio78"), and
// the level or thread in the header varying within one event.
package textproc
