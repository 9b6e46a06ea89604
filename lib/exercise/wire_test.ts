// The messages between the checker and the sandbox's process: tensors
// arrive bit for bit, and a line printed by the learner's code that looks
// like a message but is not one is ignored.

import assert from "node:assert/strict";
import { floatsOf, frameLine, pack, packBytes, readMark, toBase64, unpack } from "./wire.ts";
import { type IndexTensor, indexTensor, Tensor, tensor } from "../tensor.ts";
import { MARK } from "./marks.ts";

Deno.test("pack and unpack carry tensors and index tensors bit for bit, NaN and −0 included", () => {
  const value = { fwd: { h: tensor([[1, -0], [NaN, Infinity]]), idx: indexTensor([3, 1], [2]) }, n: 2, ix: [5, 6] };
  const back = unpack(JSON.parse(JSON.stringify(pack(value)))) as typeof value;
  assert.ok(back.fwd.h instanceof Tensor);
  assert.deepEqual(back.fwd.h.shape, [2, 2]);
  assert.ok(Object.is(back.fwd.h.data[1], -0) && Number.isNaN(back.fwd.h.data[2]));
  assert.deepEqual([...(back.fwd.idx as IndexTensor).data], [3, 1]);
  assert.equal(back.n, 2);
  assert.deepEqual(back.ix, [5, 6]);
});

Deno.test("packBytes carries an index tensor of indices below 256 in a quarter of the bytes, and refuses others", () => {
  const Xb = indexTensor(Array.from({ length: 96 }, (_, i) => (i * 7) % 27), [32, 3]);
  const packed = packBytes(Xb);
  assert.ok(packed);
  const back = unpack(JSON.parse(JSON.stringify(packed))) as IndexTensor;
  assert.ok(back.data instanceof Int32Array);
  assert.deepEqual(back.shape, [32, 3]);
  assert.deepEqual(back.data, Xb.data);
  assert.ok(JSON.stringify(packed).length * 3 < JSON.stringify(pack(Xb)).length);
  assert.equal(packBytes(indexTensor([0, 256], [2])), undefined);
  assert.equal(packBytes(indexTensor([-1], [1])), undefined);
});

Deno.test("floatsOf refuses bytes that are not the size said", () => {
  assert.deepEqual([...floatsOf(toBase64(new Float32Array([1.5, -2])), 2)], [1.5, -2]);
  assert.throws(() => floatsOf(toBase64(new Float32Array([1.5, -2])), 3), /Expected 3 float32 numbers, got 8 bytes/);
});

Deno.test("readMark reads the runtime's frames and marks, and nothing that only looks like one", () => {
  const commit = { name: "dprobs", value: { shape: [1], f32: toBase64(new Float32Array([2])), buffer: 1 } };
  const line = frameLine("commit", commit);
  assert.ok(line.startsWith(MARK) && line.endsWith("\n"));
  assert.deepEqual(readMark(line.slice(MARK.length, -1)), { kind: "commit", body: commit });
  assert.deepEqual(readMark("at in 66 dprobs"), { kind: "mark", text: "at in 66 dprobs" });
  assert.equal(readMark("report {not json"), undefined);
  assert.equal(readMark('report {"ended":"returned"}'), undefined, "no tensors, no report");
  assert.equal(
    readMark(
      'report {"ended":"returned","tensors":{"1":{"shape":[-1],"buffer":1}},"recorded":{},"forward":{},"changedForward":[]}',
    ),
    undefined,
  );
  assert.equal(readMark('commit {"name":"dprobs","value":null}'), undefined);
  const report = {
    ended: "threw",
    threw: { text: "42", value: true },
    tensors: {},
    recorded: {},
    forward: {},
    changedForward: [],
  };
  assert.equal(readMark(`report ${JSON.stringify(report)}`)?.kind, "report");
});
