import assert from "node:assert/strict";
import { UsageError } from "../flags.ts";
import { DEFAULT_CONFIG } from "../train/config.ts";
import { DEFAULT_SAMPLE_SEED, flagInError, readSampling, readTrainingForm, TRAINING_FIELDS } from "./training_form.ts";

const defaults = () => Object.fromEntries(TRAINING_FIELDS.map((f) => [f.flag, f.value]));

Deno.test("the form's defaults are the command's: the lecture's run, decay at half of the steps", () => {
  const { config, kernels, sampling } = readTrainingForm(defaults());
  assert.deepEqual(config, { ...DEFAULT_CONFIG, decayStep: DEFAULT_CONFIG.steps / 2 });
  assert.equal(kernels, "wasm");
  assert.deepEqual(sampling, { samples: 20, temperature: 1, seed: DEFAULT_SAMPLE_SEED });
  assert.equal(readTrainingForm({ ...defaults(), steps: "3001" }).config.decayStep, 1500);
});

Deno.test("a bad field is refused with the command's own line, naming its flag", () => {
  const refused = (values: Record<string, string>, message: RegExp) =>
    assert.throws(
      () => readTrainingForm({ ...defaults(), ...values }),
      (e) => e instanceof UsageError && message.test(e.message),
    );
  refused({ hidden: "0" }, /^--hidden must be a whole number ≥ 1, got "0"$/);
  refused({ "batch-size": "1" }, /^--batch-size must be a whole number ≥ 2/);
  refused({ lr: "-1" }, /^--lr must be a number > 0/);
  refused({ kernels: "gpu" }, /^--kernels must be wasm or ts/);
  refused({ samples: "1000001" }, /^--samples 1,000,001 is more than the limit of 1,000,000$/);
  // The budget of buffers, named with the form's flags.
  refused(
    { "batch-size": "10000000" },
    /^--batch-size 10,000,000 would need [\d.]+ GiB of buffers; the limit is 1 GiB$/,
  );
  assert.equal(flagInError("--batch-size 10,000,000 would need 26 GiB"), "batch-size");
});

Deno.test("readSampling reads the three sampling fields; empty ones take their defaults", () => {
  assert.deepEqual(readSampling({ samples: "5", temperature: "0.5", "sample-seed": "" }), {
    samples: 5,
    temperature: 0.5,
    seed: DEFAULT_SAMPLE_SEED,
  });
});
