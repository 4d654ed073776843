/**
 * The page's side of the training workers: a pool of `size` module workers (`training_worker.ts`),
 * each sent the dataset once, then jobs that carry only their options. A job runs on one slot;
 * a slot runs one job at a time, lowest priority number first, and background jobs (priority > 0)
 * wait until no foreground job (priority 0) is queued or running anywhere, so that the run a
 * reader is watching has the cores to itself: a running background job is stopped when a
 * foreground job arrives, and started over afterwards.
 *
 * Cancelling a job takes effect at once for the page: its messages are dropped from then on (so a
 * superseded job never draws), and the worker stops it at its next report. A synchronous job
 * (Lloyd's or EM's reference, or their step-by-step replays) cannot stop in the middle: its worker is terminated and a fresh one
 * started in its place, with the dataset sent again.
 */
import type { Matrix } from "../../lib/matrix.js";
import type { BackendInfo, BackendName } from "./tf_backend.js";
import type { FromWorker, JobKind, JobStatus, KMeansSnapshot, MixtureSnapshot } from "./protocol.js";

/** How a job ended, as the page sees it. */
export interface JobEnd {
  status: JobStatus;
  error?: string;
  /** Milliseconds the worker spent on it. */
  ms?: number;
}

/** A job started on the pool. */
export interface Job {
  id: number;
  kind: JobKind;
  /** Resolves when the job ends (at once when it is cancelled). */
  ended: Promise<JobEnd>;
  /** Stops the job; nothing it sends afterwards reaches its callbacks. */
  cancel(): void;
  readonly cancelled: boolean;
}

/** Options of {@link TrainingPool.start}. */
export interface StartOptions {
  /** Which worker runs it (0-based, modulo the pool's size). */
  slot?: number;
  /** 0: a run the reader watches; higher: background work, run when the foreground is idle. */
  priority?: number;
  onSnapshot?: (snapshot: KMeansSnapshot & MixtureSnapshot) => void;
  onResult?: (result: unknown) => void;
}

interface PoolJob extends Job {
  /** The id the worker knows it by (a preempted job is sent again under a new one). */
  wireId: number;
  options: Record<string, unknown>;
  slot: number;
  priority: number;
  start: StartOptions;
  resolve: (end: JobEnd) => void;
  isCancelled: boolean;
}

interface Slot {
  worker: Worker;
  running?: PoolJob;
  queue: PoolJob[];
}

const SYNCHRONOUS: readonly JobKind[] = ["lloyd", "em", "lloyd-steps", "em-steps"];

/** The TensorFlow.js backends to try, the page's `?backend=` first. */
function requestedBackends(): BackendName[] {
  const order: BackendName[] = ["wasm", "cpu", "webgl"];
  const requested = new URL(location.href).searchParams.get("backend") as BackendName | null;
  return requested && order.includes(requested)
    ? [requested, ...order.filter((n) => n !== requested)]
    : order;
}

/** A pool of training workers for one page. */
export class TrainingPool {
  readonly #slots: Slot[] = [];
  readonly #jobs = new Map<number, PoolJob>();
  #data?: { train: Matrix; valid: Matrix };
  #nextId = 1;
  readonly #memory = new Map<number, (count: number) => void>();
  #resolveBackend!: (backend: BackendInfo) => void;
  /** The backend the first worker chose. */
  readonly backend: Promise<BackendInfo> = new Promise((resolve) => (this.#resolveBackend = resolve));

  constructor(size = 1) {
    for (let s = 0; s < size; s++) this.#slots.push({ worker: this.#spawn(), queue: [] });
  }

  #spawn(): Worker {
    const worker = new Worker(import.meta.resolve("./worker.js"), { type: "module" });
    worker.onmessage = ({ data }: MessageEvent<FromWorker>) => this.#receive(data);
    worker.onerror = (event) => console.error(`training worker: ${event.message}`);
    worker.postMessage({ type: "init", backends: requestedBackends() });
    if (this.#data) this.#send(worker, this.#data);
    return worker;
  }

  #send(worker: Worker, { train, valid }: { train: Matrix; valid: Matrix }) {
    // Copies, transferred: the page keeps its own arrays for drawing.
    const t = { ...train, data: train.data.slice() }, v = { ...valid, data: valid.data.slice() };
    worker.postMessage({ type: "data", train: t, valid: v }, [t.data.buffer, v.data.buffer]);
  }

  /** Sends the training and validation points to every worker (once per dataset). */
  setData(train: Matrix, valid: Matrix): void {
    this.#data = { train, valid };
    for (const slot of this.#slots) this.#send(slot.worker, this.#data);
  }

  /** Queues a job; see {@link StartOptions}. */
  start(kind: JobKind, options: Record<string, unknown>, start: StartOptions = {}): Job {
    const id = this.#nextId++;
    let resolve!: (end: JobEnd) => void;
    const ended = new Promise<JobEnd>((r) => (resolve = r));
    const job: PoolJob = {
      id,
      wireId: id,
      kind,
      options,
      slot: (start.slot ?? 0) % this.#slots.length,
      priority: start.priority ?? 0,
      start,
      ended,
      resolve,
      isCancelled: false,
      get cancelled() {
        return this.isCancelled;
      },
      cancel: () => this.#cancel(job),
    };
    this.#jobs.set(id, job);
    this.#slots[job.slot].queue.push(job);
    this.#pump();
    return job;
  }

  #cancel(job: PoolJob) {
    if (job.isCancelled || !this.#jobs.has(job.wireId)) return;
    job.isCancelled = true;
    this.#jobs.delete(job.wireId);
    const slot = this.#slots[job.slot];
    const queued = slot.queue.indexOf(job);
    if (queued >= 0) slot.queue.splice(queued, 1);
    if (slot.running === job) {
      slot.running = undefined;
      if (SYNCHRONOUS.includes(job.kind)) {
        slot.worker.terminate();
        slot.worker = this.#spawn();
      } else {
        slot.worker.postMessage({ type: "cancel", ids: [job.wireId] });
      }
    }
    job.resolve({ status: "cancelled" });
    this.#pump();
  }

  /**
   * Stops a running background job so that a foreground one gets its worker at once, and queues it
   * again (it starts over; its callbacks stay).
   */
  #preempt(slot: Slot) {
    const job = slot.running!;
    this.#jobs.delete(job.wireId);
    if (SYNCHRONOUS.includes(job.kind)) {
      slot.worker.terminate();
      slot.worker = this.#spawn();
    } else {
      slot.worker.postMessage({ type: "cancel", ids: [job.wireId] });
    }
    job.wireId = this.#nextId++;
    this.#jobs.set(job.wireId, job);
    slot.running = undefined;
    slot.queue.push(job);
  }

  #pump() {
    const foreground = this.#slots.some((slot) =>
      slot.running?.priority === 0 || slot.queue.some((job) => job.priority === 0)
    );
    for (const slot of this.#slots) {
      if (foreground && slot.running && slot.running.priority > 0) this.#preempt(slot);
      if (slot.running || !slot.queue.length) continue;
      slot.queue.sort((a, b) => a.priority - b.priority || a.id - b.id);
      if (slot.queue[0].priority > 0 && foreground) continue;
      const job = slot.queue.shift()!;
      slot.running = job;
      slot.worker.postMessage({
        type: "job",
        request: { id: job.wireId, kind: job.kind, options: job.options },
      });
    }
  }

  #receive(message: FromWorker) {
    if (message.type === "ready") {
      this.#resolveBackend(message.backend);
      return;
    }
    if (message.type === "memory") {
      this.#memory.get(message.id)?.(message.numTensors);
      this.#memory.delete(message.id);
      return;
    }
    const job = this.#jobs.get(message.id);
    if (!job || job.isCancelled) return; // superseded: never reaches the page
    if (message.type === "snapshots") {
      for (const snapshot of message.snapshots) {
        job.start.onSnapshot?.(snapshot as KMeansSnapshot & MixtureSnapshot);
      }
    } else if (message.type === "result") job.start.onResult?.(message.result);
    else if (message.type === "end") {
      this.#jobs.delete(job.wireId);
      const slot = this.#slots[job.slot];
      if (slot.running === job) slot.running = undefined;
      if (message.status === "error") console.warn(`training job ${job.kind}: ${message.error}`);
      job.resolve({ status: message.status, error: message.error, ms: message.ms });
      this.#pump();
    }
  }

  /** Live TensorFlow.js tensors summed over the workers (the browser tests' leak check). */
  async memory(): Promise<number> {
    const counts = await Promise.all(this.#slots.map((slot) => {
      const id = this.#nextId++;
      return new Promise<number>((resolve) => {
        this.#memory.set(id, resolve);
        slot.worker.postMessage({ type: "memory", id });
      });
    }));
    return counts.reduce((a, b) => a + b, 0);
  }

  /** Whether any job is queued or running. */
  get busy(): boolean {
    return this.#jobs.size > 0;
  }

  /** Cancels every job and stops the workers. */
  close(): void {
    for (const job of [...this.#jobs.values()]) job.cancel();
    for (const slot of this.#slots) slot.worker.terminate();
  }
}

/**
 * A reference run (Lloyd's, EM's) computed in the pool once per k: one job per k on slot 1, its
 * result cached; a job that fails or is cancelled leaves nothing cached, so the next ask starts again.
 */
export class ReferenceJobs<T> {
  readonly #runs = new Map<number, Promise<T>>();
  readonly #jobs = new Map<number, Job>();

  constructor(
    readonly pool: TrainingPool,
    readonly kind: JobKind,
    /** The run of `k` from the worker's result. */
    readonly read: (k: number, result: unknown) => T,
  ) {}

  /** The run for `k`, computed at `priority` (see {@link StartOptions}) unless cached or under way. */
  get(k: number, priority: number): Promise<T> {
    let promise = this.#runs.get(k);
    if (!promise) {
      promise = new Promise<T>((resolve, reject) => {
        const job = this.pool.start(this.kind, { k }, {
          slot: 1,
          priority,
          onResult: (result) => resolve(this.read(k, result)),
        });
        this.#jobs.set(k, job);
        job.ended.then((end) => {
          this.#jobs.delete(k);
          if (end.status !== "done") {
            this.#runs.delete(k);
            reject(new Error(end.error ?? "cancelled"));
          }
        });
      });
      promise.catch(() => {});
      this.#runs.set(k, promise);
    }
    return promise;
  }

  /** Cancels the jobs under way for every k but `k`. */
  cancelExcept(k: number): void {
    for (const [other, job] of this.#jobs) if (other !== k) job.cancel();
  }
}
