package modelcli

import (
	"fmt"
	"strings"

	"github.com/logsift/logsift/inference/tensor"
)

// weightType is a model-wide weight format selectable on the command line.
type weightType struct {
	name     string
	t        tensor.Type
	fileType uint32 // general.file_type (llama_ftype: ALL_F32 0, MOSTLY_F16 1, MOSTLY_Q4_0 2, MOSTLY_Q8_0 7, MOSTLY_BF16 32)
}

var weightTypes = []weightType{
	{"f32", tensor.F32, 0},
	{"f16", tensor.F16, 1},
	{"bf16", tensor.BF16, 32},
	{"q8_0", tensor.Q8_0, 7},
	{"q4_0", tensor.Q4_0, 2},
}

func parseWeightType(s string, allowed ...string) (weightType, error) {
	for _, a := range allowed {
		if a != strings.ToLower(s) {
			continue
		}
		for _, w := range weightTypes {
			if w.name == a {
				return w, nil
			}
		}
	}
	return weightType{}, usagef("--type %q: want one of %s", s, strings.Join(allowed, ", "))
}

// blockSize is the number of elements one block of t encodes.
func blockSize(t tensor.Type) int {
	switch t {
	case tensor.Q8_0, tensor.Q4_0:
		return 32
	}
	return 1
}

// matrixType picks the storage type of one 2-D matrix the way llama-quantize
// does by default (not --pure) for the formats we write:
//   - the output matrix (output.weight, or token_embd.weight when the
//     embeddings are tied) of a Q4_0 model is Q8_0: llama-quantize wants Q6_K
//     there and falls back to Q8_0 when the row length is not a multiple of
//     256; we have no Q6_K, so it is Q8_0 for every row length;
//   - a row length that is not a multiple of the block size falls back to F16.
//
// F16/BF16/F32 models store every matrix in that type (llama-quantize
// applies its per-tensor rules only to quantised formats).
func matrixType(target tensor.Type, cols int, isOutput bool) tensor.Type {
	t := target
	if isOutput && target == tensor.Q4_0 {
		t = tensor.Q8_0
	}
	if cols%blockSize(t) != 0 {
		t = tensor.F16
	}
	return t
}

// encode converts F32 values into t's encoding.
func encode(t tensor.Type, cols int, src []float32) []byte {
	if len(src)%cols != 0 {
		panic(fmt.Sprintf("BUG: %d values are not rows of %d", len(src), cols))
	}
	rb, err := t.RowBytes(cols)
	if err != nil {
		panic("BUG: " + err.Error())
	}
	dst := make([]byte, rb*(len(src)/cols))
	tensor.Quantize(t, src, dst)
	return dst
}

func parseKVType(s string) (tensor.Type, error) {
	switch strings.ToLower(s) {
	case "f32":
		return tensor.F32, nil
	case "f16":
		return tensor.F16, nil
	}
	return 0, usagef("--kv-type %q: want f32 or f16", s)
}
