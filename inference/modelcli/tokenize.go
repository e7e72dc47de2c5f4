package modelcli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/logsift/logsift/inference/gguf"
	"github.com/logsift/logsift/inference/tokenizer"
)

const tokenizeUsage = "--model M --text T [--special] [--no-bos] [--format json|text]"

func runTokenize(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("tokenize")
	path := fs.String("model", "", "GGUF file with a tokenizer (a vocab-only file works)")
	text := fs.String("text", "", "text to tokenize")
	special := fs.Bool("special", false, "parse special-token text such as <|im_start|> into control tokens")
	noBOS := fs.Bool("no-bos", false, "do not add the BOS token even if the model asks for it")
	format := fs.String("format", "json", "output format: json or text")
	if err := parse(fs, tokenizeUsage, args, stdout); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *path == "" {
		return usagef("--model is required")
	}
	if err := checkFormat(*format, "json", "text"); err != nil {
		return err
	}
	f, err := gguf.Open(*path)
	if err != nil {
		return err
	}
	defer f.Close()
	tok, err := tokenizer.FromGGUF(f)
	if err != nil {
		return fmt.Errorf("tokenizer of %s: %w", *path, err)
	}
	ids := tok.Encode(*text, tokenizer.EncodeOptions{AddSpecial: !*noBOS, ParseSpecial: *special})
	if ids == nil {
		ids = []int32{}
	}
	if *format == "json" {
		return writeJSON(stdout, struct {
			Tokens []int32 `json:"tokens"`
		}{ids})
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprint(id)
	}
	_, err = fmt.Fprintln(stdout, strings.Join(parts, " "))
	return err
}
