// Package eval scores a classifier against labelled lines: severity
// accuracy, category accuracy and macro-F1, component exact match, the rate
// of valid answers and the severity and category confusion matrices, the
// numbers `logsift model eval` reports for a model (per Loghub system, pooled,
// and averaged over systems with MeanOf).
//
// Macro-F1 averages the per-category F1 over every category that occurs in
// the gold labels or the predictions (scikit-learn's default), so a category
// the model predicts but the data never has counts as an F1 of 0: a model
// cannot hide wrong guesses behind a small test set.
//
// A line whose gold component is empty is not scored for its component, and
// a gold component is cut to the schema's length limit the way the labeler
// cuts its answers (ComponentLabel) before it is compared.
package eval
