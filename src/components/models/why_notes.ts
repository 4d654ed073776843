/**
 * The "why" notes beside the live charts, each said only when the finished run on screen makes it
 * true, with that run's figures: Lloyd jumps while Adam crawls, the training has not converged, a
 * dead centroid moves only by weight decay; and the warning for a centroid or component that owns
 * no validation point.
 */
import { html } from "htl";
import { toRows } from "../../lib/matrix.js";
import { GRADIENT_KMEANS } from "../../lib/notebook_settings.js";
import { formatScore } from "../draw/format.js";
import type { KMeansLessonRun } from "./scenarios.js";

/** AdamW's weight decay multiplies every parameter by this each epoch: 1 − lr × λ. */
export function decayFactor(lr: number): number {
  return +(1 - lr * GRADIENT_KMEANS.adamW.weightDecay).toPrecision(6);
}

/** How closely a dead centroid's shrinking must follow weight decay alone to be said to (relative). */
const DECAY_MATCH = 1e-3;

/**
 * The first centroid that is the nearest of no training point at the start and at the end, and whose
 * distance to the origin shrank as weight decay alone shrinks it, (1 − lr × λ)^epochs, within 0.1%
 * (then no gradient moved it: float32 rounding is far smaller); its distances, else undefined.
 */
export function deadThroughout(
  run: KMeansLessonRun,
): { j: number; from: number; to: number; predicted: number } | undefined {
  const start = toRows(run.steps[0].centroids), last = run.steps.at(-1)!;
  const end = toRows(last.centroids);
  for (let j = 0; j < run.k; j++) {
    if (run.startCounts[j] !== 0 || run.trainCounts[j] !== 0) continue;
    const from = Math.hypot(...start[j]), to = Math.hypot(...end[j]);
    const predicted = from * (1 - run.lr * GRADIENT_KMEANS.adamW.weightDecay) ** last.epoch;
    if (Math.abs(to - predicted) <= DECAY_MATCH * predicted) return { j, from, to, predicted };
  }
  return undefined;
}

/**
 * That a centroid is dead and why, with the figures of the run, when one is ({@link deadThroughout});
 * else undefined.
 */
export function deadCentroidWhy(run: KMeansLessonRun): string | undefined {
  const dead = deadThroughout(run);
  if (!dead) return undefined;
  const { j, from, to, predicted } = dead, epochs = run.steps.at(-1)!.epoch, factor = decayFactor(run.lr);
  return `The centroid of ${
    run.names[j]
  } is the nearest centroid of no training point from start to end: the loss only involves each point's nearest centroid, so its gradient is exactly zero and it never moves toward the data. Only AdamW's weight decay moves it, multiplying it by 1 − lr × ${GRADIENT_KMEANS.adamW.weightDecay} = ${factor} each epoch, toward the origin: its distance to the origin went from ${
    from.toFixed(3)
  } to ${to.toFixed(3)} in ${epochs} epochs (${factor}^${epochs} × ${from.toFixed(3)} = ${
    predicted.toFixed(3)
  }).`;
}

/** The largest change of one centroid coordinate between two consecutive epochs of the run. */
export function largestStep(run: KMeansLessonRun): number {
  let largest = 0;
  for (let s = 1; s < run.steps.length; s++) {
    const a = run.steps[s - 1], b = run.steps[s];
    if (b.epoch !== a.epoch + 1) continue;
    for (let i = 0; i < a.centroids.data.length; i++) {
      largest = Math.max(largest, Math.abs(b.centroids.data[i] - a.centroids.data[i]));
    }
  }
  return largest;
}

/** Said when Adam's largest step is at most this many learning rates ("about lr at most")... */
const ADAM_BOUND = 1.2;
/** ...and Lloyd's first jump at least this many of Adam's largest steps. */
const JUMP_RATIO = 3;

/** Lloyd jumps and Adam crawls, when the run shows it; else undefined. */
export function jumpsAndCrawls(run: KMeansLessonRun): string | undefined {
  const step = largestStep(run);
  if (run.diverged || step === 0 || step > ADAM_BOUND * run.lr || run.lloydFirstMove < JUMP_RATIO * step) {
    return undefined;
  }
  return `Lloyd jumps, Adam crawls: Lloyd's first update from this start moved a centroid ${
    run.lloydFirstMove.toFixed(2)
  } at once, to the mean of its points, while AdamW moved no centroid coordinate more than ${
    step.toFixed(3)
  } in an epoch. Adam divides each gradient by its own running size, so a step is about the learning rate (${run.lr}) at most, however far the data.`;
}

/** The gap must have fallen by more than this fraction over the last tenth of training to be "still falling". */
const FALLING = 0.01;

/**
 * That the training has not converged, when the gap of the curve (`value` of each epoch of
 * `history`) to the reference is positive and still fell by more than 1% over the last tenth of the
 * epochs; else undefined. `gap` names the gap ("the gap to Lloyd's training loss").
 */
export function stillFalling<T extends { epoch: number }>(
  history: T[],
  reference: number,
  { value, gap }: { value: (step: T) => number; gap: string },
): string | undefined {
  const n = history.length, values = history.map(value);
  if (n < 2 || !values.every(Number.isFinite)) return undefined;
  const last = history[n - 1].epoch;
  const earlier = last - Math.max(1, Math.round(last / 10));
  const i = history.findIndex(({ epoch }) => epoch >= earlier);
  if (i < 0 || i === n - 1) return undefined;
  const before = values[i] - reference, after = values[n - 1] - reference;
  if (!(after > 0 && before > (1 + FALLING) * after)) return undefined;
  return `${last} epochs are not convergence: ${gap} is still falling, from ${formatScore(before)} at epoch ${
    history[i].epoch
  } to ${formatScore(after)} at epoch ${last} (${
    (100 * (1 - after / before)).toFixed(1)
  }% less in the last tenth of training); more epochs would narrow it.`;
}

/** A note beside the charts, for a sentence that holds. */
export function whyNote(text: string | undefined): HTMLElement {
  return text ? html`<div class="note small why-note" role="note">${text}</div>` : html`<span></span>`;
}

/**
 * One sentence naming the centroids or components (`names`) that own none of the `rows` validation
 * points (`counts` of each), e.g. "The centroid of cluster 5 is the nearest centroid of none of the
 * 2,500 validation points."; an empty span when each owns some. `who` starts the sentence (a run's name).
 */
export function unownedWarning(
  counts: number[],
  { names, noun, rows, who }: {
    names: string[];
    noun: "centroid" | "component";
    rows: number;
    who?: string;
  },
): HTMLElement {
  const none = counts.flatMap((count, j) => (count === 0 ? [names[j]] : []));
  if (none.length === 0) return html`<span></span>`;
  const one = none.length === 1;
  const listed = one ? none[0] : `${none.slice(0, -1).join(", ")} and ${none.at(-1)}`;
  const subject = noun === "centroid"
    ? `The centroid${one ? "" : "s"} of ${listed}`
    : `${who ? `${who}: c` : "C"}omponent${one ? "" : "s"} ${listed.replaceAll("component ", "")}`;
  const role = noun === "centroid" ? "nearest centroid" : "most likely component";
  return html`
    <div class="warning" role="note"
      data-warning="no-validation-point">${subject} ${one
        ? "is"
        : "are each"} the ${role} of none of the ${rows.toLocaleString("en-US")} validation points.</div>
  `;
}
