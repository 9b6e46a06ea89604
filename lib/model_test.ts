import assert from "node:assert/strict";
import { lectureSplit, loadNames } from "./data.ts";
import { fixture, fixtureFloats } from "./check/fixture.ts";
import {
  drawBatch,
  GLOBAL_SEED,
  initParams,
  LECTURE_CONFIG,
  LECTURE_SEED,
  PARAM_NAMES,
  parameterCount,
} from "./model.ts";
import { TorchGenerator } from "./random/torch.ts";

const split = lectureSplit(loadNames());

Deno.test("the split has the lecture's sizes", () => {
  assert.deepEqual(
    { train: split.train.count, dev: split.dev.count, test: split.test.count },
    fixture.split,
  );
  assert.deepEqual(fixture.split, { train: 182625, dev: 22655, test: 22866 });
});

Deno.test("the initial parameters and the batch are bit-identical to PyTorch's", () => {
  assert.equal(GLOBAL_SEED, fixture.globalSeed, "lib/model.ts and the fixture disagree on the global seed");
  const g = new TorchGenerator(LECTURE_SEED);
  const params = initParams(LECTURE_CONFIG, g);
  assert.equal(parameterCount(params), 4137);
  for (const name of PARAM_NAMES) {
    assert.deepEqual(params[name].data, fixtureFloats(fixture.init[name]), `${name} differs from PyTorch's`);
  }
  const { ix, Yb } = drawBatch(split.train, 32, g);
  assert.deepEqual(ix, fixture.ix);
  assert.deepEqual(Array.from(Yb.data), fixture.Yb);
});

Deno.test("the raw draws match before scaling too", () => {
  const g = new TorchGenerator(LECTURE_SEED);
  const sizes = { C: 270, W1: 1920, b1: 64, W2: 1728, b2: 27 } as const;
  for (const [name, size] of Object.entries(sizes)) {
    assert.deepEqual(g.randn(size), fixtureFloats(fixture.initRaw[name as keyof typeof sizes]), name);
  }
  const global = new TorchGenerator(GLOBAL_SEED);
  assert.deepEqual(global.randn(64), fixtureFloats(fixture.initRaw.bngain));
  assert.deepEqual(global.randn(64), fixtureFloats(fixture.initRaw.bnbias));
});
