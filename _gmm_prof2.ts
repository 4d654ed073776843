import * as tf from "@tensorflow/tfjs";
await tf.setBackend("cpu");
const a = new Float32Array(33335).map(() => Math.random());
let t0 = performance.now();
for (let r = 0; r < 200; r++) { const b = new Float32Array(a.length); for (let i = 0; i < a.length; i++) b[i] = Math.exp(a[i]); }
console.log("raw exp", ((performance.now() - t0) / 200 * 1000).toFixed(1), "us");
const L = tf.randomNormal([6667, 5]);
for (const prod of [false, true]) {
  if (prod) tf.enableProdMode();
  for (let i = 0; i < 20; i++) tf.tidy(() => tf.exp(L));
  t0 = performance.now();
  for (let i = 0; i < 200; i++) tf.tidy(() => tf.exp(L));
  console.log("prod", prod, "tf exp", ((performance.now() - t0) / 200 * 1000).toFixed(1), "us");
  t0 = performance.now();
  for (let i = 0; i < 200; i++) tf.tidy(() => tf.sub(L, tf.max(L, 1, true)));
  console.log("prod", prod, "tf sub bcast", ((performance.now() - t0) / 200 * 1000).toFixed(1), "us");
}
console.log(tf.env().getFlags());
