package modelcli

import (
	"context"
	"fmt"
	"io"

	"github.com/logsift/logsift/inference/gguf"
	"github.com/logsift/logsift/inference/tensor"
)

const quantizeUsage = "--type q8_0|q4_0|f16 in.gguf out.gguf"

func runQuantize(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("quantize")
	typ := fs.String("type", "q8_0", "target type: q8_0, q4_0, f16 or bf16")
	if err := parse(fs, quantizeUsage, args, stdout); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usagef("want exactly two arguments, in.gguf and out.gguf (got %d)", fs.NArg())
	}
	wt, err := parseWeightType(*typ, "q8_0", "q4_0", "f16", "bf16")
	if err != nil {
		return err
	}
	in, out := fs.Arg(0), fs.Arg(1)
	f, err := gguf.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	w, n, err := quantizeFile(ctx, f, wt)
	if err != nil {
		return err
	}
	if err := writeFile(out, w); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "wrote %s: %d of %d tensors converted to %s\n", out, n, len(f.Tensors), wt.name)
	return nil
}

// quantizeFile copies f's metadata and converts every 2-D matrix to wt (with
// matrixType's fallbacks); 1-D tensors (norms, biases) are copied unchanged.
func quantizeFile(ctx context.Context, f *gguf.File, wt weightType) (*gguf.Writer, int, error) {
	w := gguf.NewWriter()
	for _, kv := range f.Metadata {
		w.SetKV(kv.Key, kv.Type, kv.Value)
	}
	w.SetKV("general.file_type", gguf.TypeUint32, wt.fileType)
	if blockSize(wt.t) > 1 {
		w.SetKV("general.quantization_version", gguf.TypeUint32, uint32(2))
	}
	_, hasOutput := f.Tensor("output.weight")
	converted := 0
	for _, ti := range f.Tensors {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		data := f.TensorData(ti)
		typ := ti.Type
		if len(ti.Dims) == 2 {
			cols := int(ti.Dims[0])
			isOutput := ti.Name == "output.weight" || (!hasOutput && ti.Name == "token_embd.weight")
			t := matrixType(wt.t, cols, isOutput)
			if uint32(t) != ti.Type {
				src := make([]float32, ti.Elements())
				tensor.Dequantize(tensor.Type(ti.Type), data, src)
				data = encode(t, cols, src)
				typ = uint32(t)
				converted++
			}
		}
		if err := w.AddTensor(ti.Name, typ, ti.Dims, data); err != nil {
			return nil, 0, err
		}
	}
	return w, converted, nil
}
