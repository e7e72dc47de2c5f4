package tensor_test

import (
	"fmt"

	"github.com/logsift/logsift/inference/tensor"
)

func ExamplePool_MatMul() {
	// W = [[1 2 3 ... 32], [-1 -1 ... -1]] quantised to Q8_0, times x = all ones.
	const cols = 32
	src := make([]float32, 2*cols)
	for c := 0; c < cols; c++ {
		src[c], src[cols+c] = float32(c+1), -1
	}
	rb, _ := tensor.Q8_0.RowBytes(cols)
	data := make([]byte, 2*rb)
	tensor.Quantize(tensor.Q8_0, src[:cols], data[:rb])
	tensor.Quantize(tensor.Q8_0, src[cols:], data[rb:])
	w, err := tensor.NewMatrix(tensor.Q8_0, 2, cols, data)
	if err != nil {
		panic(err)
	}
	x := make([]float32, cols)
	for i := range x {
		x[i] = 1
	}
	p := tensor.NewPool(2)
	defer p.Close()
	out := make([]float32, 2)
	p.MatMul(out, w, x, 1)
	// The exact product is 528 and -32; Q8_0 weights and activations
	// round the first a little.
	fmt.Printf("%.1f %.1f\n", out[0], out[1])
	// Output: 528.1 -32.0
}
