import * as tf from "@tensorflow/tfjs";
await tf.setBackend("cpu");
const n = 6667, k = 5;
const L = tf.randomNormal([n, k]);
const LT = tf.randomNormal([k, n]);
const A = tf.randomNormal([n, 4]);
const W = tf.randomNormal([k, 4]);
const onesK = tf.ones([1, k]);
function time(name: string, f: () => unknown, reps = 300) {
  for (let i = 0; i < 10; i++) tf.tidy(() => { f(); });
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) tf.tidy(() => { f(); });
  console.log(name.padEnd(34), ((performance.now() - t0) / reps * 1000).toFixed(1), "us");
}
time("expand via matMul [N,1]x[1,k]", () => tf.matMul(tf.max(L, 1, true), onesK));
time("max axis1 keep", () => tf.max(L, 1, true));
time("sub equal", () => tf.sub(L, L));
time("exp", () => tf.exp(L));
time("matMul A W^T", () => tf.matMul(A, W, false, true));
time("matMul W A^T", () => tf.matMul(W, A, false, true));
time("matMul L^T A", () => tf.matMul(L, A, true, false));
time("matMul LT A", () => tf.matMul(LT, A));
time("concat [N,4][N,1]", () => tf.concat([A, tf.max(L, 1, true)], 1));
time("sum axis1", () => tf.sum(L, 1, true));
time("noop tidy", () => 0);
time("small op", () => tf.mul(W, 2));
