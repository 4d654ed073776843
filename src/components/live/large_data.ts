/**
 * What the live pages do differently with large data, defined once (the worker applies it, the
 * pages say it). data2D (10,000 points) and uploads up to these sizes train and step exactly as the
 * notebook does; only past them:
 * - the gradient runs train on mini-batches (`batchSize` in `lib/gradient/`): each epoch is one
 *   optimizer step on `MINI_BATCH.size` points, and the curves score seeded samples of that many
 *   training and validation points (the final figures score every point);
 * - Lloyd's and EM's step-by-step panels replay on a seeded sample of `STEPS_SAMPLE` training
 *   points (each half-step keeps an N x k matrix, so all of 10^6 points would not fit).
 *
 * Measured with a 10^6-point upload by `bench/scale_browser.ts`.
 */
/** Past `above` training points, each epoch is one step on a mini-batch of `size` of them. */
const MINI_BATCH = { above: 100_000, size: 32_768 } as const;

/** The step-by-step panels replay on at most this many training points (a seeded sample). */
export const STEPS_SAMPLE = 10_000;

/** The mini-batch size for `rows` training points: undefined (full batch) up to `MINI_BATCH.above`. */
export function batchSizeFor(rows: number): number | undefined {
  return rows > MINI_BATCH.above ? MINI_BATCH.size : undefined;
}

/**
 * The sentences that say what large data changes ("" for data of the notebook's size), for a
 * caption (plain text: the worker imports this module too, so it builds no DOM):
 * `optimizer` names the gradient runs' optimizer, `steps` the step-by-step panel's method.
 */
export function largeDataNote(
  trainRows: number,
  { optimizer, steps }: { optimizer: string; steps: string },
): string {
  const count = (n: number) => n.toLocaleString("en-US");
  const sentences = [];
  if (batchSizeFor(trainRows)) {
    sentences.push(
      `With ${count(trainRows)} training points, each epoch is one ${optimizer} step on a mini-batch of ${
        count(MINI_BATCH.size)
      } of them (a seeded shuffle, taken in turn); the curves score seeded samples of ${
        count(MINI_BATCH.size)
      } training and validation points, and the final figures score every point.`,
    );
  }
  if (trainRows > STEPS_SAMPLE) {
    sentences.push(
      `${steps}'s step-by-step panel replays on a seeded sample of ${count(STEPS_SAMPLE)} training points.`,
    );
  }
  return sentences.join(" ");
}
