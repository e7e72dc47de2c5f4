package train_test

import (
	"context"
	"fmt"
	"os"
	"slices"

	"github.com/logsift/logsift/inference/tensor"
	"github.com/logsift/logsift/inference/train"
	"github.com/logsift/logsift/inference/train/bpe"
)

// Train a model on prompt/answer pairs and export it for the engine. The
// loss mask marks the answer tokens: only they are predicted.
func Example() {
	ctx := context.Background()
	vocab, err := bpe.Train(ctx, slices.Values([]string{"disk full", "login failed"}), bpe.Options{
		VocabSize: 300, Pre: "logsift", Specials: []string{"<|bos|>", "<|eos|>", "<|in|>", "<|out|>"},
	})
	if err != nil {
		panic(err)
	}
	var data train.Examples // tokens: BOS, the line, <|out|>, the answer, EOS
	// ... append train.Example{Tokens: ..., Mask: ...} per labelled line

	m, err := train.New(train.Config{
		NEmbd: 192, NLayer: 4, NHead: 6, NHeadKV: 2, NFF: 512, Vocab: len(vocab.Tokens), Ctx: 128,
	}, 1)
	if err != nil {
		panic(err)
	}
	_, err = train.Train(ctx, m, data, train.Options{
		Steps: 2000, BatchTokens: 4096, LR: 3e-3, Warmup: 100, WeightDecay: 0.1, Clip: 1, Seed: 1,
		Checkpoint: "model.ckpt", CheckpointEvery: 200, Resume: true,
		Progress: func(p train.Progress) {
			fmt.Fprintf(os.Stderr, "\rstep %d/%d loss %.3f %.0f tok/s ETA %s", p.Step, p.Steps, p.Loss, p.TokensPerSec, p.ETA)
		},
	})
	if err != nil {
		panic(err)
	}
	f, err := os.Create("model.gguf")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	if err := m.WriteGGUF(f, vocab.WriteGGUF, tensor.Q8_0); err != nil {
		panic(err)
	}
}
