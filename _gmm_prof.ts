import * as tf from "@tensorflow/tfjs";
await tf.setBackend("cpu");
const n = 6667, k = 5, d = 2;
const A = tf.randomNormal([n, d + 2]);
const W = tf.randomNormal([k, d + 2]);
const L = tf.randomNormal([n, k]);
function time(name: string, f: () => unknown, reps = 200) {
  for (let i = 0; i < 5; i++) tf.tidy(() => { f(); });
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) tf.tidy(() => { f(); });
  console.log(name.padEnd(30), ((performance.now() - t0) / reps * 1000).toFixed(1), "us");
}
time("matMul A W^T", () => tf.matMul(A, W, false, true));
time("matMul L^T A", () => tf.matMul(L, A, true, false));
time("max axis1", () => tf.max(L, 1, true));
time("sub bcast", () => tf.sub(L, tf.max(L, 1, true)));
time("exp", () => tf.exp(L));
time("sum axis1", () => tf.sum(L, 1, true));
time("div bcast", () => tf.div(L, tf.sum(L, 1, true)));
time("log n", () => tf.log(tf.sum(L, 1, true)));
time("mean", () => tf.mean(L));
time("small mul", () => tf.mul(W, W));
time("small mul scalar", () => tf.mul(W, 2));
time("split", () => tf.split(W, [2, 1, 1], 1));
time("concat", () => tf.concat([W, W], 1));
time("logsumexp small", () => tf.logSumExp(W, 0, true));
