import assert from "node:assert/strict";
import { divergedNote, formatScore, shortenNumbers } from "../src/components/draw/format.ts";

Deno.test("formatScore() gives ordinary scores five decimals (or `digits`)", () => {
  assert.equal(formatScore(0.264812345), "0.26481");
  assert.equal(formatScore(1.68997), "1.68997");
  assert.equal(formatScore(-3.5), "-3.50000");
  assert.equal(formatScore(0), "0.00000");
  assert.equal(formatScore(123456.789012), "123456.78901");
  assert.equal(formatScore(0.264812345, { digits: 2 }), "0.26");
});

Deno.test("formatScore() writes a diverged run's figure as a short exponent, never 16 digits", () => {
  assert.equal(formatScore(9.043540493077463e32), "9.0e+32");
  assert.equal(formatScore(-9.043540493077463e32), "-9.0e+32");
  assert.equal(formatScore(Number.MAX_VALUE), "1.8e+308");
  // Moderately large or small: still short, with the digits asked for.
  assert.equal(formatScore(123456789.123), "1.2346e+8");
  assert.equal(formatScore(1.23456789e-7), "1.2346e-7");
  assert.equal(formatScore(5e-324), "4.9e-324");
  for (const value of [1e6, 1e15, 1e21, 1e300, 1e-6, 1e-300]) {
    assert.ok(formatScore(value).length <= 10, `${value}: ${formatScore(value)}`);
    assert.ok(Math.abs(Number(formatScore(value)) / value - 1) < 0.06, `${value} read back`);
  }
});

Deno.test("formatScore() says 'not finite' for NaN and ±Infinity", () => {
  assert.equal(formatScore(NaN), "not finite");
  assert.equal(formatScore(Infinity), "not finite");
  assert.equal(formatScore(-Infinity), "not finite");
});

Deno.test("divergedNote() names the epoch", () => {
  assert.equal(divergedNote(16), "diverged at epoch 16");
});

Deno.test("shortenNumbers() shortens JavaScript's long exponents and NaN in a title, and nothing else", () => {
  assert.equal(
    shortenNumbers("Gradient descent (AdamW): validation score 9.043540493077463e+32"),
    "Gradient descent (AdamW): validation score 9.0e+32",
  );
  assert.equal(
    shortenNumbers("validation NLL NaN, loss -Infinity"),
    "validation NLL not finite, loss not finite",
  );
  const ordinary = "Lloyd step by step, iteration 3, assign: training loss 0.26439 (gap 1.23e-5)";
  assert.equal(shortenNumbers(ordinary), ordinary);
});
