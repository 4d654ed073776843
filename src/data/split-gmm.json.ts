// The mixture split of data2D.npy: validation = the first third of NumPy's seeded shuffle.
import { splitRecord } from "./dataset.js";
import { NOTEBOOK_SPLIT } from "../lib/notebook_settings.js";

console.log(JSON.stringify(await splitRecord(NOTEBOOK_SPLIT.mixtureValidDivisor)));
