// Each exercise stub opens with the API card of arithmetic and of the
// operations its chapter's solution uses, generated from lib/tensor.ts: a stub whose card has drifted
// (an operation renamed, a doc line changed, a solution that now uses another
// operation) fails here, and the message holds the card to paste.

import assert from "node:assert/strict";
import { EXERCISES } from "./specs.ts";
import { extractSolution } from "../../lib/exercise/checker.ts";
import { apiCard, asJsDoc, stubOperations } from "../../lib/exercise/api_card.ts";

for (const spec of Object.values(EXERCISES)) {
  Deno.test(`exercise ${spec.chapter}'s stub opens with the card of the operations its solution uses`, () => {
    const names = spec.gradients.flatMap((g) => g.solution ?? [g.name]);
    const solution = extractSolution(spec.source, spec.solvedIn, names).join("\n");
    const used = stubOperations(solution);
    assert.ok(used.length > 0, `no tensor operation found in the solution of exercise ${spec.chapter}`);
    const card = asJsDoc(apiCard(used));
    const doc = spec.stub.slice(0, spec.stub.indexOf("*/"));
    assert.ok(doc.includes(card), `the doc of chapters/exercises/${spec.file} should hold this card:\n${card}`);
  });
}
