/**
 * Turning what a user brings into a dataset, with one clear sentence when it cannot be: an
 * uploaded .npy/.csv (file picker or drag and drop), or seeded blobs. Also the choice of 2-D view
 * (PCA or two columns) for data of any dimension.
 */
import { html } from "htl";
import type { Matrix } from "../../lib/matrix.js";
import { columnProjection, pcaProjection, type Projection } from "../../lib/projection.js";
import { checkBeforeReading, parsePoints, PREFIX_BYTES } from "../../lib/io/read_points.js";
import { makeBlobs } from "../../lib/random/synthetic.js";
import { type ChosenDataset } from "./dataset_store.js";
import { valuesSha256 } from "../../lib/io/digest.js";
import { checkName, checkShape, checkUsable, MAX_UPLOAD_BYTES } from "./dataset_checks.js";

export { MAX_UPLOAD_BYTES } from "./dataset_checks.js";

/** Reads an uploaded file into a dataset, refusing (DataError) anything the readers refuse or too big. */
export async function datasetFromFile(file: File): Promise<ChosenDataset> {
  checkName(file.name);
  const limits = { maxBytes: MAX_UPLOAD_BYTES, sizeAdvice: "upload a sample of it" };
  // The same checks as the CLI, from the size and the first bytes, before the file is read whole.
  const prefix = new Uint8Array(await file.slice(0, PREFIX_BYTES).arrayBuffer());
  checkBeforeReading(prefix, { fileName: file.name, fileBytes: file.size }, limits);
  const points = parsePoints(new Uint8Array(await file.arrayBuffer()), file.name, limits);
  // With parsePoints's checks of the values, what a dataset read back from storage gets (checkPoints).
  checkShape(points, file.name);
  const columns = "columns" in points ? (points as { columns?: string[] }).columns : undefined;
  const data = { rows: points.rows, cols: points.cols, data: points.data };
  return { name: file.name, source: "upload", points: data, columns, sha256: await valuesSha256(data) };
}

/** Seeded blobs as a dataset. */
export async function datasetFromBlobs(
  options: { n: number; k: number; d: number; spread: number; seed: number },
) {
  const { points } = makeBlobs(options);
  checkUsable(points);
  const { n, k, d, spread, seed } = options;
  const name = `blobs (n = ${n}, k = ${k}, d = ${d}, spread = ${spread}, seed = ${seed})`;
  return { name, source: "synthetic", points, sha256: await valuesSha256(points) } satisfies ChosenDataset;
}

/**
 * A drop zone that also opens a file picker: calls `onFile` with the first file dropped or
 * picked. Keyboard users reach the picker's button with Tab.
 */
export function fileDropZone(onFile: (file: File) => void) {
  const input =
    html`<input type="file" accept=".npy,.csv,.tsv,.txt" aria-label="choose a .npy or .csv file">` as HTMLInputElement;
  const choose =
    html`<p>Drop a <code>.npy</code> or <code>.csv</code> file here, or choose one: ${input}</p>`;
  const stays = html`<p class="muted">It stays in this browser: nothing is uploaded anywhere.</p>`;
  // One element (no white space around it), so that the class "dragging" lands on the zone itself.
  const zone = html`<div class="drop-zone" data-testid="drop-zone">${choose}${stays}</div>` as HTMLDivElement;
  input.addEventListener("change", () => {
    if (input.files?.length) onFile(input.files[0]);
    input.value = "";
  });
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("dragging");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    const file = event.dataTransfer?.files[0];
    if (file) onFile(file);
  });
  return zone;
}

/** The 2-D views offered for d columns: PCA, then column pairs (all of them up to d = 6, else the first ten). */
export function viewOptions(d: number, columns?: string[]): Map<string, string> {
  const name = (c: number) => columns?.[c] || `column ${c + 1}`;
  const options = new Map<string, string>();
  if (d === 2) options.set(`${name(0)} and ${name(1)}`, "0,1");
  if (d >= 2) options.set("PCA: the first two principal components", "pca");
  if (d !== 2) {
    // Stop at the tenth pair: listing all d(d-1)/2 first would take 50 million at d = 10,000.
    const most = d <= 6 ? Infinity : 10;
    let count = 0;
    for (let i = 0; i < d && count < most; i++) {
      for (let j = i + 1; j < d && count < most; j++, count++) {
        options.set(`${name(i)} and ${name(j)}`, `${i},${j}`);
      }
    }
    if (d === 1) options.set(`${name(0)} (one column)`, "0,0");
  }
  return options;
}

/** The projection for a view option chosen from {@link viewOptions}. */
export function projectionFor(view: string, points: Matrix, columns?: string[]): Projection {
  if (view === "pca") return pcaProjection(points);
  const [i, j] = view.split(",").map(Number);
  return columnProjection(points.cols, i, j, columns);
}
