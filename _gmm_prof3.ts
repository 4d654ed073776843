import * as tf from "@tensorflow/tfjs";
await tf.setBackend("cpu");
const n = 6667, k = 5, d = 2;
const LT = tf.randomNormal([k, n]);
const L = tf.randomNormal([n, k]);
const m = tf.randomNormal([n]);
function time(name: string, f: () => unknown, reps = 300) {
  for (let i = 0; i < 10; i++) tf.tidy(() => { f(); });
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) tf.tidy(() => { f(); });
  console.log(name.padEnd(34), ((performance.now() - t0) / reps * 1000).toFixed(1), "us");
}
time("[k,N] - [N] bcast", () => tf.sub(LT, m));
time("[N,k] - [N,1] bcast", () => tf.sub(L, tf.reshape(m, [n, 1])));
time("[k,N] - [k,N]", () => tf.sub(LT, LT));
time("exp [k,N]", () => tf.exp(LT));
time("max axis0 [k,N]", () => tf.max(LT, 0));
time("max axis1 [N,k]", () => tf.max(L, 1));
time("max of row slices", () => { const rows = tf.unstack(LT); let a = rows[0]; for (let j = 1; j < k; j++) a = tf.maximum(a, rows[j]); return a; });
time("sum via matMul ones", () => tf.matMul(tf.ones([1, k]), LT));
time("sum axis0", () => tf.sum(LT, 0));
time("log [N]", () => tf.log(m));
time("mean [N]", () => tf.mean(m));
time("transpose [N,k]", () => tf.transpose(L));
