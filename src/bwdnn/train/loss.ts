// Softmax cross-entropy over logits [N, K] with integer labels: mean loss, dLoss/dLogits and the
// number of correct arg-max predictions.

export interface LossResult { loss: number; grad: Float32Array; correct: number }

export function softmaxCrossEntropy(logits: Float32Array, labels: ArrayLike<number>, n: number): LossResult {
  const k = logits.length / n;
  const grad = new Float32Array(logits.length);
  let loss = 0, correct = 0;
  for (let i = 0; i < n; i++) {
    let m = -Infinity, arg = 0;
    for (let j = 0; j < k; j++) if (logits[i * k + j]! > m) { m = logits[i * k + j]!; arg = j; }
    let s = 0;
    for (let j = 0; j < k; j++) { const e = Math.exp(logits[i * k + j]! - m); grad[i * k + j] = e; s += e; }
    const y = labels[i]!;
    if (arg === y) correct++;
    loss += -(logits[i * k + y]! - m - Math.log(s));
    for (let j = 0; j < k; j++) grad[i * k + j] = (grad[i * k + j]! / s - (j === y ? 1 : 0)) / n;
  }
  return { loss: loss / n, grad, correct };
}
