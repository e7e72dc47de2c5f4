"""Regenerates pretokenize_golden.json: pre-tokenizer pieces computed with the
third-party `regex` module (the same patterns Hugging Face tokenizers and
llama.cpp use), as an independent oracle for the hand-written Go splitters.

    python3 testdata/gen_pretokenize_golden.py > testdata/pretokenize_golden.json

The alphabet avoids U+001C..U+001F, which Python counts as whitespace and
llama.cpp does not.
"""
import json
import random
import regex

GPT2 = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
LLAMA3 = r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""
QWEN2 = r"""(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""


def split(pattern, pieces):
    """Cut every piece at the matches of pattern, keeping the gaps (llama.cpp's
    unicode_regex_split)."""
    out = []
    for p in pieces:
        last = 0
        for m in regex.finditer(pattern, p):
            if m.start() > last:
                out.append(p[last:m.start()])
            out.append(m.group())
            last = m.end()
        if last < len(p):
            out.append(p[last:])
    return out


LOGSIFT = r"""(?: ?\p{L}+| ?\p{N}| ?[^\s\p{L}\p{N}]|\s+(?!\S)|\s+)"""

CHAINS = {
    "logsift": [LOGSIFT],
    "gpt-2": [GPT2],
    "starcoder": [r"\p{N}", GPT2],
    "default": [r"[\p{P}\$\+<=>\^~\|]+", GPT2, r"\p{N}+", r"[0-9][0-9][0-9]"],
    "llama3": [LLAMA3],
    "qwen2": [QWEN2],
}

ALPHABET = (
    ["a", "b", "Z", "x", "é", "東", "京", "ß", "ǅ"]
    + ["0", "1", "7", "٣", "½", "Ⅻ"]
    + [" ", " ", " ", "  ", "\t", "\n", "\r", "\r\n", "\u00a0", "\u3000", "\u2003"]
    + ["'", ".", "!", "-", "$", "`", "«", "_", "(", ")", ":", "=", "+", "^", "|", "~", "<", ">", "@", "#"]
    + ["\u0301", "🚀", "\ufffd", "\u200d"]
    + ["'s", "'S", "'LL", "'re", "'Ve", "'d", "'t", "'m", "'x"]
)


def main():
    rng = random.Random(20261127)
    texts = [
        "", " ", "Hello world", "  Hello", "a  \n\tb", "trailing   ", "I've he's 'RE y'all",
        "x 3.14 !!", "port 5432 ok", "1234567 89", "a\r\n\r\n  b", "(hello) [world]",
        "2026-11-27T10:00:01Z ERROR db-7 connection refused to 10.2.3.4:5432 (attempt 3)",
    ]
    for _ in range(400):
        n = rng.randint(1, 24)
        texts.append("".join(rng.choice(ALPHABET) for _ in range(n)))
    cases = []
    for pre, chain in CHAINS.items():
        for t in texts:
            pieces = [t] if t else []
            for pattern in chain:
                pieces = split(pattern, pieces)
            cases.append({"pre": pre, "text": t, "pieces": pieces})
    json.dump(cases, __import__("sys").stdout, ensure_ascii=False, indent=0)


main()
