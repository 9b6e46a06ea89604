import assert from "node:assert/strict";
import { formatVerdicts, stuckInTerminal, verdictText } from "./verdicts.ts";

const verdicts = [
  { name: "dlogprobs", status: "exact" as const, detail: "", line: 65 },
  { name: "dprobs", status: "wrong" as const, detail: "the sign is flipped", line: 66 },
];

Deno.test("the summary points at the terminal's hint for the next gradient unless the caller says where hints are", () => {
  assert.equal(stuckInTerminal(3)("dprobs"), "stuck? deno task exercise 3 --hint dprobs");
  const terminal = formatVerdicts({ chapter: 3 }, verdicts).split("\n").at(-1);
  assert.equal(terminal, "1 of 2 done. Next: dprobs (stuck? deno task exercise 3 --hint dprobs)");
  const page = formatVerdicts({ chapter: 3 }, verdicts, false, (name) => `stuck? press Hint beside ${name}`);
  assert.equal(page.split("\n").at(-1), "1 of 2 done. Next: dprobs (stuck? press Hint beside dprobs)");
});

Deno.test("when every gradient is right there is no advice to give", () => {
  const done = formatVerdicts({ chapter: 3 }, [verdicts[0]], false, () => "never said");
  assert.equal(done.split("\n").at(-1), "The 1 gradient of exercise 3 is right. Well done!");
});

Deno.test("each row shows the largest difference from the correct gradient, aligned, as the lecture's cmp does", () => {
  const rows = formatVerdicts({ chapter: 3 }, [
    { name: "dlogprobs", status: "exact", detail: "", line: 65, maxdiff: 0 },
    { name: "dprobs", status: "approximate", detail: "", line: 66, maxdiff: 2.3e-9 },
    { name: "dcountsSumInv", status: "wrong", detail: "the sign is flipped", line: 67, maxdiff: 1.25 },
    { name: "dcountsSum", status: "TODO", detail: "", line: 68 },
  ]).split("\n").slice(0, 5);
  assert.deepEqual(rows, [
    "gradient       line  status               maxdiff",
    "dlogprobs        65  exact                0",
    "dprobs           66  approximately equal  2.30e-9",
    "dcountsSumInv    67  wrong                1.25",
    "dcountsSum       68  TODO",
  ]);
  const none = formatVerdicts({ chapter: 3 }, [{ name: "dprobs", status: "TODO", detail: "" }]);
  assert.equal(none.split("\n")[0], "gradient  status", "no column when nothing was compared");
});

Deno.test("a notebook cell's one line has the maxdiff the table shows, when the shapes were compared", () => {
  const wrong = { name: "dcountsSumInv", status: "wrong" as const, detail: "the sign is flipped", maxdiff: 1.25 };
  const rows = [
    { name: "dlogprobs", status: "exact" as const, detail: "", maxdiff: 0 },
    { name: "dprobs", status: "approximate" as const, detail: "", maxdiff: 2.3e-9 },
    wrong,
  ];
  assert.equal(verdictText(rows[0]), "dlogprobs: exact (maxdiff 0)");
  assert.equal(verdictText(rows[1]), "dprobs: approximately equal (maxdiff 2.30e-9)");
  assert.equal(verdictText(wrong), "dcountsSumInv: wrong (maxdiff 1.25). the sign is flipped");
  // The same figure as the table's column, row by row.
  const table = formatVerdicts({ chapter: 3 }, rows).split("\n").slice(1, 4);
  for (const [k, row] of table.entries()) {
    assert.equal(row.split(/\s{2,}/).at(-1), verdictText(rows[k]).match(/maxdiff ([^)]+)/)?.[1]);
  }
  // Nothing compared (a TODO, a wrong shape): no figure, as the table's cell is empty.
  assert.equal(verdictText({ name: "dcountsSum", status: "TODO", detail: "" }), "dcountsSum: TODO");
  assert.equal(
    verdictText({ name: "dprobs", status: "wrong", detail: "its shape is [32, 1], not [32, 27]" }),
    "dprobs: wrong. its shape is [32, 1], not [32, 27]",
  );
});
