/**
 * Under Deno only (deno.json maps `@tensorflow/tfjs-core/dist/register_all_gradients.js` here):
 * registers TensorFlow.js's gradients on tfjs-core. Deno cannot load that module of tfjs-core's
 * ESM build (its imports have no file extensions), so this loads the full `@tensorflow/tfjs`
 * package's Node.js build instead, which registers the same gradients on the same tfjs-core.
 * Browsers load the tfjs-core module itself.
 *
 * @module
 */
import "@tensorflow/tfjs";
