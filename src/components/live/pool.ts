/**
 * The page's side of the training workers: a pool of `size` module workers (`worker.ts`),
 * each sent the dataset once, then jobs that carry only their options. A job runs on one slot;
 * a slot runs one job at a time, lowest priority number first, and background jobs (priority > 0)
 * wait until no foreground job (priority 0) is queued or running anywhere, so that the run a
 * reader is watching has the cores to itself: a running background job is stopped when a
 * foreground job arrives, and started over afterwards. Once the foreground is done, background jobs
 * wait for `settle` too (a live page's: until it has drawn the finished runs), so that the page's
 * last frames of a change do not share the cores with them.
 *
 * Cancelling a job takes effect at once for the page: its messages are dropped from then on (so a
 * superseded job never draws), and the worker stops it at its next report. A synchronous job
 * (Lloyd's or EM's reference, or their step-by-step replays) cannot stop in the middle: its worker
 * is terminated and a fresh one started in its place, with the dataset sent again.
 *
 * The pool watches its workers: a worker that fires `error` or `messageerror`, or stops answering
 * while it runs a job, is replaced (the dataset sent again) and its job run once more; a job whose
 * worker dies twice ends with status "error" and a sentence the page shows. A worker closed or
 * terminated fires no event, so the pool pings a worker whose job yields between reports (and a
 * worker that has not yet started a synchronous job): one that answers nothing for `aliveMs`
 * (1.5 s) is taken for dead. A worker still loading its modules (it says so once loaded) and a
 * worker running a synchronous job it started cannot answer: then only silence past the generous
 * `silenceMs` (60 s) counts.
 */
import type { Matrix } from "../../lib/matrix.js";
import type { BackendInfo, BackendName } from "./tf_backend.js";
import { backendsAsked } from "../inputs/url_state.js";
import {
  BACKEND_PREFERENCE,
  type FromWorker,
  isJobMessage,
  type JobKind,
  type JobMessage,
  type JobOptions,
  type JobResult,
  type JobSnapshot,
  type JobStatus,
  SYNCHRONOUS_JOBS,
  type ToWorker,
} from "./protocol.js";

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

/** Options of {@link TrainingPool.start}: where the job runs, and what it calls back. */
interface StartOptions<K extends JobKind> {
  /** Which worker runs it (0-based, modulo the pool's size). */
  slot?: number;
  /** 0: a run the reader watches; higher: background work, run when the foreground is idle. */
  priority?: number;
  onSnapshot?: (snapshot: JobSnapshot<K>) => void;
  onResult?: (result: JobResult<K>) => void;
}

/** What the pool needs of a worker (a real module `Worker`, or a test's fake). */
export interface WorkerLike {
  onmessage: ((event: MessageEvent<FromWorker>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  onmessageerror: ((event: MessageEvent) => void) | null;
  postMessage(message: ToWorker, transfer: Transferable[]): void;
  terminate(): void;
}

/** Options of the {@link TrainingPool} constructor. */
interface PoolOptions {
  /** Workers (slots); 1 by default. */
  size?: number;
  /** Makes a worker; by default the module worker `worker.ts`. */
  createWorker?: () => WorkerLike;
  /** The silence that kills a loading worker, or one running a synchronous job it started (60 s by default). */
  silenceMs?: number;
  /** How long any other worker may leave pings unanswered (1.5 s by default; never above `silenceMs`). */
  aliveMs?: number;
  /** The TensorFlow.js backends to try, in order; by default the page's `?backend=` first. */
  backends?: BackendName[];
  /**
   * Called when the last foreground job has ended; background jobs start once it calls `resume`
   * (by default at once).
   */
  settle?: (resume: () => void) => void;
}

/** The sentence a job ends with when its worker died on it twice. */
export const WORKER_DIED_TWICE =
  "The training worker stopped twice on this job (out of memory, or the tab was under strain); reload the page to try again.";

interface PoolJob extends Job {
  /** The id the worker knows it by (a preempted or re-run job is sent again under a new one). */
  wireId: number;
  slot: number;
  priority: number;
  /** A job that cannot stop in the middle (see `SYNCHRONOUS_JOBS`). */
  synchronous: boolean;
  cancelled: boolean;
  /** The message that sends it, under its current wire id. */
  request(): ToWorker;
  /** Hands a snapshot or result message to its callbacks (unless it is of another kind). */
  deliver(message: JobMessage): void;
  resolve(end: JobEnd): void;
  /** Workers that died while running it. */
  deaths: number;
}

interface Slot {
  /** Undefined after a worker died with no job to re-run: made again when a job needs it. */
  worker?: WorkerLike;
  running?: PoolJob;
  queue: PoolJob[];
  /** The watchdog of the running job. */
  timer?: ReturnType<typeof setTimeout>;
  /** Whether the worker sent anything since the watchdog's last ping. */
  heard?: boolean;
  /** Whether the worker sent anything at all (it loaded its modules, and answers pings from then on). */
  loaded?: boolean;
  /** Whether the running synchronous job said it started (from then on its worker cannot answer pings). */
  started?: boolean;
}

/** Pings per {@link PoolOptions.aliveMs}: a worker is taken for dead after this many unanswered in a row. */
const PINGS = 4;

const moduleWorker = (): WorkerLike => new Worker(import.meta.resolve("./worker.js"), { type: "module" });

/** A pool of training workers for one page. */
export class TrainingPool {
  readonly #slots: Slot[] = [];
  readonly #jobs = new Map<number, PoolJob>();
  readonly #createWorker: () => WorkerLike;
  readonly #silenceMs: number;
  readonly #aliveMs: number;
  readonly #backends: BackendName[];
  #data?: { train: Matrix; valid: Matrix };
  #nextId = 1;
  #resolveBackend!: (backend: BackendInfo) => void;
  #shown?: Pick<HTMLElement, "dataset">;
  #closed = false;
  readonly #settle: (resume: () => void) => void;
  /** Whether background jobs may start: no foreground job since `settle` last resumed them. */
  #settled = true;
  #settling = false;
  /** The backend the first worker chose. */
  readonly backend: Promise<BackendInfo> = new Promise((resolve) => (this.#resolveBackend = resolve));

  /** `options`: the pool's size, or {@link PoolOptions}. */
  constructor(options: number | PoolOptions = {}) {
    const {
      size = 1,
      createWorker = moduleWorker,
      silenceMs = 60_000,
      aliveMs = 1_500,
      backends = backendsAsked(BACKEND_PREFERENCE),
      settle = (resume: () => void) => resume(),
    } = typeof options === "number" ? { size: options } : options;
    this.#settle = settle;
    this.#createWorker = createWorker;
    this.#silenceMs = silenceMs;
    this.#aliveMs = Math.min(aliveMs, silenceMs);
    this.#backends = backends;
    for (let s = 0; s < size; s++) {
      const slot: Slot = { queue: [] };
      this.#slots.push(slot);
      this.#spawn(slot);
    }
  }

  #spawn(slot: Slot): WorkerLike {
    const worker = this.#createWorker();
    slot.worker = worker;
    slot.loaded = false;
    worker.onmessage = ({ data }) => {
      if (slot.worker !== worker) return; // a replaced worker's last words
      const loading = !slot.loaded;
      slot.heard = slot.loaded = true;
      const job = slot.running;
      if (job?.synchronous && data.id === job.wireId) slot.started = true;
      // A new regime (loaded: pings; started: silence), or a synchronous job's sign of life.
      if (job && (loading || slot.started)) this.#watch(slot);
      this.#receive(slot, data);
    };
    worker.onerror = (event) => {
      event.preventDefault?.();
      if (slot.worker === worker) this.#died(slot, `training worker: ${event.message}`);
    };
    worker.onmessageerror = () => {
      if (slot.worker === worker) this.#died(slot, "training worker: a message could not be read");
    };
    worker.postMessage({ type: "init", backends: this.#backends }, []);
    if (this.#data) this.#send(worker, this.#data);
    return worker;
  }

  #send(worker: WorkerLike, { train, valid }: { train: Matrix; valid: Matrix }) {
    // Copies, transferred: the page keeps its own arrays for drawing.
    const t = { ...train, data: Float64Array.from(train.data) };
    const v = { ...valid, data: Float64Array.from(valid.data) };
    worker.postMessage({ type: "data", train: t, valid: v }, [t.data.buffer, v.data.buffer]);
  }

  /** Stops the watchdog of `slot`. */
  #unwatch(slot: Slot) {
    clearTimeout(slot.timer);
    slot.timer = undefined;
  }

  /** Ends `slot`'s worker (its messages are ignored from now on); a fresh one is made when needed. */
  #stop(slot: Slot) {
    this.#unwatch(slot);
    slot.worker?.terminate();
    slot.worker = undefined;
  }

  /**
   * Restarts the watchdog of `slot`'s running job: silence past `silenceMs` while the worker loads
   * and once a synchronous job started, else a ping every `aliveMs / PINGS` and death after `PINGS`
   * unanswered in a row. Pings are counted on the page's own timer, so a page too busy to read the
   * answers misses no deadline.
   */
  #watch(slot: Slot) {
    this.#unwatch(slot);
    const job = slot.running;
    if (!job) return;
    if (!slot.loaded || slot.started) {
      slot.timer = setTimeout(
        () => this.#died(slot, `training worker: silent for ${this.#silenceMs / 1000} s`),
        this.#silenceMs,
      );
      return;
    }
    let unanswered = 0;
    slot.heard = false;
    const tick = () => {
      unanswered = slot.heard ? 0 : unanswered + 1;
      slot.heard = false;
      if (unanswered >= PINGS) {
        this.#died(slot, `training worker: no answer for ${this.#aliveMs / 1000} s`);
        return;
      }
      slot.worker?.postMessage({ type: "ping" }, []);
      slot.timer = setTimeout(tick, this.#aliveMs / PINGS);
    };
    slot.timer = setTimeout(tick, this.#aliveMs / PINGS);
  }

  /** `slot`'s worker is gone: replaced, and its job run once more (or ended, the second time). */
  #died(slot: Slot, reason: string) {
    console.warn(reason);
    this.#stop(slot);
    const job = slot.running;
    slot.running = undefined;
    if (job && ++job.deaths >= 2) {
      this.#jobs.delete(job.wireId);
      job.resolve({ status: "error", error: WORKER_DIED_TWICE });
    } else if (job) {
      this.#renumber(job);
      slot.queue.unshift(job);
    }
    this.#pump();
  }

  /** Sends the training and validation points to every worker (once per dataset). */
  setData(train: Matrix, valid: Matrix): void {
    this.#data = { train, valid };
    for (const slot of this.#slots) if (slot.worker) this.#send(slot.worker, this.#data);
  }

  /** Queues a job of `kind` with its `options`; see {@link StartOptions}. */
  start<K extends JobKind>(kind: K, options: JobOptions<K>, start: StartOptions<K> = {}): Job {
    const id = this.#nextId++;
    let resolve!: (end: JobEnd) => void;
    const ended = new Promise<JobEnd>((r) => (resolve = r));
    const job: PoolJob = {
      id,
      wireId: id,
      kind,
      slot: (start.slot ?? 0) % this.#slots.length,
      priority: start.priority ?? 0,
      synchronous: SYNCHRONOUS_JOBS.includes(kind),
      request: () => ({ type: "job", request: { id: job.wireId, kind, options } }),
      deliver: (message) => {
        if (!isJobMessage(message, kind)) return;
        if (message.type === "snapshots") {
          for (const snapshot of message.snapshots) start.onSnapshot?.(snapshot);
        } else start.onResult?.(message.result);
      },
      ended,
      resolve: (end) => {
        this.#showJobs();
        resolve(end);
      },
      cancelled: false,
      deaths: 0,
      cancel: () => this.#cancel(job),
    };
    this.#jobs.set(id, job);
    this.#slots[job.slot].queue.push(job);
    this.#pump();
    return job;
  }

  #cancel(job: PoolJob) {
    if (job.cancelled || !this.#jobs.has(job.wireId)) return;
    job.cancelled = true;
    this.#jobs.delete(job.wireId);
    const slot = this.#slots[job.slot];
    const queued = slot.queue.indexOf(job);
    if (queued >= 0) slot.queue.splice(queued, 1);
    if (slot.running === job) this.#halt(slot);
    job.resolve({ status: "cancelled" });
    this.#pump();
  }

  /** Stops the job running on `slot`: a cancel message, or a new worker for a synchronous job. */
  #halt(slot: Slot) {
    const job = slot.running!;
    slot.running = undefined;
    this.#unwatch(slot);
    if (job.synchronous) {
      this.#stop(slot);
      if (!this.#closed) this.#spawn(slot);
    } else {
      slot.worker?.postMessage({ type: "cancel", ids: [job.wireId] }, []);
    }
  }

  /**
   * Stops a running background job so that a foreground one gets its worker at once, and queues it
   * again (it starts over; its callbacks stay).
   */
  #preempt(slot: Slot, job: PoolJob) {
    this.#halt(slot);
    this.#renumber(job);
    slot.queue.push(job);
  }

  /** Gives `job` a new wire id: what its worker sends under the old one is dropped. */
  #renumber(job: PoolJob) {
    this.#jobs.delete(job.wireId);
    job.wireId = this.#nextId++;
    this.#jobs.set(job.wireId, job);
  }

  #pump() {
    if (this.#closed) return;
    const foreground = this.#slots.some((slot) =>
      slot.running?.priority === 0 || slot.queue.some((job) => job.priority === 0)
    );
    if (foreground) this.#settled = false;
    else if (!this.#settled && !this.#settling) {
      this.#settling = true;
      this.#settle(() => {
        this.#settling = false;
        this.#settled = true;
        this.#pump();
      });
    }
    const background = !foreground && this.#settled;
    for (const slot of this.#slots) {
      if (foreground && slot.running && slot.running.priority > 0) this.#preempt(slot, slot.running);
      if (slot.running || !slot.queue.length) continue;
      slot.queue.sort((a, b) => a.priority - b.priority || a.id - b.id);
      if (slot.queue[0].priority > 0 && !background) continue;
      const job = slot.queue.shift()!;
      slot.running = job;
      slot.started = false;
      (slot.worker ?? this.#spawn(slot)).postMessage(job.request(), []);
      this.#watch(slot);
    }
    this.#showJobs();
  }

  #receive(slot: Slot, message: FromWorker) {
    if (message.type === "ready") {
      this.#resolveBackend(message.backend);
      return;
    }
    if (message.type === "pong") return;
    const job = this.#jobs.get(message.id);
    if (!job || job.cancelled) return; // superseded: never reaches the page
    if (message.type === "snapshots" || message.type === "result") job.deliver(message);
    else if (message.type === "end") {
      this.#jobs.delete(job.wireId);
      if (slot.running === job) {
        slot.running = undefined;
        this.#unwatch(slot);
      }
      if (message.status === "error") console.warn(`training job ${job.kind}: ${message.error}`);
      job.resolve({ status: message.status, error: message.error, ms: message.ms });
      this.#pump();
    }
  }

  /** Jobs queued or running. */
  get jobs(): number {
    return this.#jobs.size;
  }

  /**
   * Keeps `data-training-jobs` on `element` at the number of jobs queued or running (0 when the
   * workers are idle): what the page's browser tests and benchmarks wait on.
   */
  showJobsOn(element: Pick<HTMLElement, "dataset">): void {
    this.#shown = element;
    this.#showJobs();
  }

  #showJobs() {
    if (this.#shown) this.#shown.dataset.trainingJobs = String(this.#jobs.size);
  }

  /** Cancels every job and stops the workers. */
  close(): void {
    this.#closed = true;
    for (const job of [...this.#jobs.values()]) job.cancel();
    for (const slot of this.#slots) this.#stop(slot);
  }
}

/**
 * A reference run (Lloyd's, EM's) computed in the pool once per k: one job per k on slot 1, its
 * result cached; a job that fails or is cancelled leaves nothing cached, so the next ask starts again.
 */
export class ReferenceJobs<K extends "lloyd" | "em", T> {
  readonly #runs = new Map<number, Promise<T>>();
  readonly #jobs = new Map<number, Job>();

  constructor(
    readonly pool: TrainingPool,
    readonly kind: K,
    /** The run of `k` from the worker's result. */
    readonly read: (k: number, result: JobResult<K>) => T,
  ) {}

  /** The run for `k`, computed at `priority` (see {@link StartOptions}) unless cached or under way. */
  get(k: number, priority: number): Promise<T> {
    let promise = this.#runs.get(k);
    if (!promise) {
      promise = new Promise<T>((resolve, reject) => {
        const options: JobOptions<K> = { k };
        const job = this.pool.start(this.kind, options, {
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
