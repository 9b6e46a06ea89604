/**
 * The numbers dumped from real PyTorch 1.13 by `data/pytorch/make_fixture.py`:
 * the lecture's shuffle, split, initial parameters, batch, forward pass and
 * its 26 autograd gradients, and a stress set for the random generators.
 * Imported as JSON, so the tests that read it need no permission and no Python.
 *
 * @example
 * ```ts
 * import { fixture, fixtureFloats } from "./fixture.ts";
 * const dW1 = fixtureFloats(fixture.grads.W1); // Float32Array(1920)
 * fixture.loss; // 3.3377413749694824
 * ```
 * @module
 */

import data from "../../data/pytorch/fixture.json" with { type: "json" };

/** The fixture's contents; float tensors are base64 strings of float32 bytes. */
export const fixture = data;

/**
 * Decodes a base64 string of little-endian float32 bytes.
 *
 * @example
 * ```ts
 * fixtureFloats("AACAPw=="); // Float32Array [1]
 * ```
 */
export function fixtureFloats(base64: string): Float32Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}

/**
 * The lecture's snake_case name for one of our camelCase names:
 * `countsSumInv` → `counts_sum_inv`, `bnvarInv` → `bnvar_inv`.
 *
 * @example
 * ```ts
 * lectureName("normLogits"); // "norm_logits"
 * ```
 */
export function lectureName(name: string): string {
  // C, W1 and W2 start with a capital and keep it; the others are camelCase.
  if (/^[A-Z]/.test(name)) return name;
  return name.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase());
}

/**
 * A forward value or a gradient from the fixture, by our camelCase name.
 *
 * @example
 * ```ts
 * fixtureTensor("grads", "countsSumInv").length; // 32
 * ```
 */
export function fixtureTensor(kind: "forward" | "grads", name: string): Float32Array {
  const table: Record<string, string> = fixture[kind];
  const value = table[lectureName(name)];
  if (value === undefined) throw new RangeError(`The PyTorch fixture has no ${kind} entry for ${name}`);
  return fixtureFloats(value);
}
