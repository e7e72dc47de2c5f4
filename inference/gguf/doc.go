// Package gguf reads and writes GGUF v3 files, the container llama.cpp uses for
// model weights and tokenizer vocabularies.
//
// A GGUF file is a little-endian header (magic "GGUF", version, tensor and
// metadata counts), a list of typed key/value metadata entries, a list of tensor
// descriptors (name, dimensions, ggml type, offset), and an aligned data section
// holding the tensor bytes. The model and tokenizer packages read their
// hyper-parameters and vocabularies from the metadata and bind weights by tensor
// name; the training and quantisation commands write files with [Writer].
//
// Files are untrusted input: every count, length, size and offset is checked
// against the bytes that remain before it is used, so a malformed file yields an
// error that names the problem, never a panic and never an allocation larger
// than a small multiple of the file size. [Open] memory-maps the file read-only,
// so tensor data is not copied; metadata strings are copied so they outlive
// [File.Close]. As with any mapping, truncating the file while it is open
// makes later reads of its tensor data fault.
package gguf
