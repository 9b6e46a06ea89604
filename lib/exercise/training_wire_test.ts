import assert from "node:assert/strict";
import { readTrainMark, trainFrame } from "./training_wire.ts";
import { MARK } from "./marks.ts";

const read = (line: string) => readTrainMark(line.slice(MARK.length).trimEnd());

Deno.test("progress and end frames go through, a NaN loss as null", () => {
  const progress = read(trainFrame("progress", { step: 3, losses: [3.3, NaN, 3.1] }));
  assert.deepEqual(progress, { kind: "progress", body: { step: 3, losses: [3.3, null, 3.1] } });
  const stopped = { ended: "stopped" as const, step: 1, why: "your gradients() threw", threw: { text: "boom" } };
  assert.deepEqual(read(trainFrame("end", stopped)), { kind: "end", body: stopped });
  const trained = { ended: "trained" as const, params: { C: { shape: [1], f32: "AACAPw==" } } };
  assert.deepEqual(read(trainFrame("end", trained)), { kind: "end", body: trained });
});

Deno.test("what only looks like a frame is no frame", () => {
  for (
    const text of [
      "progress {}",
      'progress {"step":1.5,"losses":[]}',
      'progress {"step":1,"losses":["2"]}',
      'end {"ended":"trained","params":{"C":{"shape":[-1],"f32":""}}}',
      'end {"ended":"stopped","step":1}',
      "end not json",
      "report {}",
      "timer off",
    ]
  ) {
    assert.equal(readTrainMark(text), undefined, text);
  }
});
