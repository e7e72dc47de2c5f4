package llmlabel

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"

	"github.com/logsift/logsift/classifier/synth"
	"github.com/logsift/logsift/schemas"
)

// The component is the logger, process or module the line itself names, so
// it is a piece of the line: a small model that half-learned to copy writes
// "suvijuv" for "sijuval". With the default schema the labeler therefore
// constrains the component to the name-like pieces of the template (plus
// ""), as an enum in a per-template copy of the schema: the decoder can only
// copy, and the model chooses which piece. On the eight Loghub systems the
// labelled component is among the candidates on 15,992 of 16,000 lines, on
// generated training lines (the first 50,000 examples of seed 1) on 44,881
// of 45,430 (87% before unopened ")" and source extensions were trimmed:
// the model learned "sudo" and "server" and the decoder made it write
// "sudo)" and "server.go").

// maxCandidates bounds the enum; a template rarely has more than 30 names.
const maxCandidates = 64

// componentCandidates returns the name-like pieces of a template: runs of
// letters, digits and _ . $ / - ( ) # (Jenkins' "Queue#maintain") other than Mask's placeholders and level
// words (INFO, warn, FATAL...: a level is never the component, and the model
// was seen to copy the one next to it), trimmed of trailing separators and
// unopened ")", each also without a parenthesised suffix ("sshd(pam_unix)"
// gives both) and a source file also without its extension ("server.go:118"
// gives "server" first), cut to the schema's length limit as
// synth.ComponentLabel cuts labels; "" first.
func componentCandidates(template string) []string {
	out := []string{""}
	seen := map[string]bool{"": true}
	add := func(s string) {
		s = synth.ComponentLabel(s)
		if !seen[s] && len(out) < maxCandidates {
			seen[s] = true
			out = append(out, s)
		}
	}
	isName := func(c byte) bool {
		return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_.$/-()#", c) >= 0
	}
	for i := 0; i < len(template); {
		if !isName(template[i]) || strings.IndexByte("()#", template[i]) >= 0 {
			i++
			continue
		}
		j := i
		for j < len(template) && isName(template[j]) {
			j++
		}
		w := trimName(template[i:j])
		if i > 0 && template[i-1] == '<' && j < len(template) && template[j] == '>' {
			w = "" // a placeholder of textproc.Mask, not a name
		}
		if levelWords[strings.ToLower(w)] {
			w = ""
		}
		if w != "" {
			// A source file with its line ("server.go:118", "Foo.java:42")
			// names its module without the extension.
			if j < len(template) && template[j] == ':' {
				if k := strings.LastIndexByte(w, '.'); k > 0 && sourceExt[w[k+1:]] {
					add(w[:k])
				}
			}
			add(w)
			if k := strings.IndexByte(w, '('); k > 0 {
				add(w[:k])
			}
		}
		i = j
	}
	return out
}

// trimName trims a run of name bytes of trailing separators and of closing
// parentheses it does not open: "(sshd)" at the end of a line gives "sshd",
// "sshd(pam_unix)" stays whole.
func trimName(w string) string {
	for {
		t := strings.TrimRight(w, ".-/(#")
		if strings.HasSuffix(t, ")") && strings.Count(t, ")") > strings.Count(t, "(") {
			t = t[:len(t)-1]
		}
		if t == w {
			return w
		}
		w = t
	}
}

// sourceExt are the extensions of source files that loggers print with a
// line number in place of a logger name (klog's "server.go:118]").
var sourceExt = map[string]bool{
	"go": true, "java": true, "scala": true, "kt": true, "py": true, "rb": true, "js": true, "ts": true,
	"c": true, "cc": true, "cpp": true, "h": true, "rs": true,
}

// levelWords are the log levels' spellings, which componentCandidates
// leaves out.
var levelWords = map[string]bool{
	"trace": true, "debug": true, "verbose": true, "info": true, "notice": true, "warn": true, "warning": true,
	"error": true, "err": true, "severe": true, "fatal": true, "crit": true, "critical": true, "emerg": true, "panic": true,
}

// copySchema returns the default schema with the component restricted to
// cands, its properties in the default schema's order (the order the
// model writes them in).
func copySchema(cands []string) []byte {
	enum := func(vals []string) string {
		b, err := json.Marshal(vals)
		if err != nil {
			panic("BUG: marshalling strings: " + err.Error())
		}
		return string(b)
	}
	var b bytes.Buffer
	b.WriteString(`{"type":"object","properties":{"severity":{"type":"string","enum":`)
	b.WriteString(enum(schemas.Severities))
	b.WriteString(`},"category":{"type":"string","enum":`)
	b.WriteString(enum(schemas.CategoryNames()))
	b.WriteString(`},"component":{"type":"string","enum":`)
	b.WriteString(enum(slices.Clip(cands)))
	b.WriteString(`}},"required":["severity","category","component"],"additionalProperties":false}`)
	return b.Bytes()
}
