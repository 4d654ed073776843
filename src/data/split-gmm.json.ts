// The mixture split of data2D.npy: validation = the first third of NumPy's seeded shuffle.
import { splitRecord } from "./dataset.js";

console.log(JSON.stringify(await splitRecord(3)));
