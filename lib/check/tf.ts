/**
 * TensorFlow.js on its pure-JavaScript CPU backend, quietly.
 *
 * Under Deno, tfjs sees a Node-like platform and prints a banner suggesting
 * `tfjs-node`. The banner goes through tfjs's own warning function, which is
 * silent in production mode, so this module switches that mode on before any
 * tensor is made, and picks the CPU backend. Import tfjs from here, never
 * directly, and the tutorial's output stays clean.
 *
 * @example
 * ```ts
 * import { tf } from "./tf.ts";
 * tf.tensor([1, 2, 3]).sum().dataSync(); // Float32Array [6]
 * ```
 * @module
 */

import * as tf from "@tensorflow/tfjs";

tf.env().set("PROD", true);
await tf.setBackend("cpu");

export { tf };
