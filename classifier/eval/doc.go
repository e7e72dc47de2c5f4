// Package eval scores a classifier against labelled lines: severity
// accuracy, category macro-F1 and component exact match, the three numbers
// logsift reports for its default model (per Loghub system and on the
// generator's held-out templates).
//
// Macro-F1 averages the per-category F1 over every category that occurs in
// the gold labels or the predictions (scikit-learn's default), so a category
// the model predicts but the data never has counts as an F1 of 0: a model
// cannot hide wrong guesses behind a small test set.
package eval
