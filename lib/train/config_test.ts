// The configuration's checks: each field in its range, and the 1 GiB budget
// for all buffers, refused before anything is allocated.

import assert from "node:assert/strict";
import { ConfigError, DEFAULT_CONFIG, validateConfig } from "./config.ts";
import { Trainer } from "./trainer.ts";
import { loadTrainingData } from "./training_data.ts";

const data = loadTrainingData(3);

Deno.test("bad configurations are ConfigErrors (RangeErrors) naming the field and what is allowed", () => {
  assert.throws(() => validateConfig({ ...DEFAULT_CONFIG, batchSize: 1 }), {
    name: "ConfigError",
    message: /batchSize must be a whole number ≥ 2 \(batchnorm/,
  });
  assert.throws(() => validateConfig({ ...DEFAULT_CONFIG, steps: -5 }), {
    message: /steps must be a whole number ≥ 0, got -5/,
    fields: ["steps"],
  });
  assert.throws(() => validateConfig({ ...DEFAULT_CONFIG, lr: NaN }), { message: /lr must be a number > 0/ });
  assert.throws(() => validateConfig({ ...DEFAULT_CONFIG, batchSize: "32" as unknown as number }), {
    message: /batchSize must be a whole number ≥ 2 .*, got "32"/,
  });
  assert.throws(() => validateConfig({ ...DEFAULT_CONFIG, nHidden: 2.5 }), {
    message: /nHidden must be a whole number/,
  });
});

Deno.test("sizes that would need more than 1 GiB of buffers are refused before anything is allocated", () => {
  const cases: [Partial<typeof DEFAULT_CONFIG>, RegExp][] = [
    [{ batchSize: 10_000_000 }, /^--batch-size 10,000,000 would need \d+(\.\d)? GiB of buffers; the limit is 1 GiB$/],
    [{ nHidden: 10_000_000 }, /^--hidden 10,000,000 would need \d+(\.\d)? GiB of buffers; the limit is 1 GiB$/],
    [{ steps: 1e12 }, /^--steps 1,000,000,000,000 would need 4 TiB of buffers; the limit is 1 GiB$/],
    [{ batchSize: 20_000, nHidden: 2_000 }, /^--batch-size 20,000 with --hidden 2,000 would need/],
    [{ blockSize: 10_000 }, /^--block-size 10,000 would need/],
  ];
  for (const [fields, message] of cases) {
    assert.throws(() => new Trainer(fields, data), (error: Error) => {
      assert.ok(error instanceof ConfigError);
      assert.deepEqual(
        error.fields,
        Object.keys(fields),
        "the fields it blames, for the caller to tell whose they are",
      );
      assert.match(
        error.describe((f) =>
          ({ batchSize: "--batch-size", nHidden: "--hidden", blockSize: "--block-size" })[f as string] ?? `--${f}`
        ),
        message,
      );
      return true;
    });
  }
  // The lecture's sizes are far below the limit.
  assert.doesNotThrow(() => validateConfig({ ...DEFAULT_CONFIG, steps: 10_000_000 }));
});
