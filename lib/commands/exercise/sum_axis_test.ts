import assert from "node:assert/strict";
import { mul } from "../../tensor.ts";
import { sumAxisNote } from "./sum_axis.ts";
import { withThrownNote } from "./thrown_note.ts";
import { exerciseInput, specOf } from "./context.ts";

const { n, dhpreact, fwd } = exerciseInput();

/** What the tensor library throws for `f()`. */
function thrown(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("it did not throw");
}

Deno.test("exercise 8's sum over axis 1 without keepdim, thrown, gets the exercise's axis diagnosis", () => {
  const message = thrown(() => mul(n, dhpreact!).sub(dhpreact!.sum(1)));
  assert.match(message, /^Cannot subtract \[32, 64\] and \[32\]/);
  const note = sumAxisNote(message, "  const inner = mul(n, dhpreact).sub(dhpreact.sum(1)); // [n, 64]", specOf(8))!;
  assert.match(
    note,
    /^dhpreact\.sum\(1\) is \[32\]: a sum over axis 1 without keepdim, one number per row, which cannot meet \[32, 64\]\. /,
  );
  assert.match(
    note,
    /Σ dhpreact is a sum over axis 1; the batch statistics sum over the batch: axis 0, keeping it .*: sum\(dhpreact, 0, true\)$/,
  );
  const product = thrown(() => fwd.bnraw.mul(sum2(dhpreact!.mul(fwd.bnraw))));
  const other = sumAxisNote(product, "const t = bnraw.mul(sum(mul(dhpreact, bnraw), 1));", specOf(8))!;
  assert.match(other, /^sum\(mul\(dhpreact, bnraw\), 1\) is \[32\]/);
  assert.match(other, /Σ \(dhpreact · bnraw\) is a sum over axis 1;.*sum\(mul\(dhpreact, bnraw\), 0, true\)$/);
});

/** `sum(x, 1)` as the learner writes it. */
const sum2 = (x: typeof fwd.bnraw) => x.sum(1);

Deno.test("elsewhere the note says what each axis gives; another error gets none", () => {
  const message = thrown(() => fwd.counts.mul(fwd.counts.sum(1)));
  const note = sumAxisNote(message, "const t = counts.mul(counts.sum(1));", specOf(3))!;
  assert.match(
    note,
    /^counts\.sum\(1\) is \[32\]: .* Keep the axis and choose it: sum\(0, true\) is one number per column, \[1, 27\]; sum\(1, true\) one per row, \[32, 1\]$/,
  );
  assert.equal(sumAxisNote(message, "const t = counts.mul(counts.sum(1, true));", specOf(3)), undefined);
  assert.equal(sumAxisNote("Cannot matmul [32, 27] by [32, 27]: inner", "x.sum(1)", specOf(3)), undefined);
});

Deno.test("the note goes below the thrown error's source line and caret", () => {
  const text = "Your gradients() threw at 08.ts:2:13: Cannot subtract [32, 64] and\n[32]: sizes differ\n" +
    "    const t = d.sub(d.sum(1));\n            ^\n\ngradient  status";
  const said = withThrownNote(text, "08.ts", ["", "  const t = d.sub(d.sum(1));"]);
  assert.match(
    said,
    /\^\n\nd\.sum\(1\) is \[32\]: a sum over axis 1 without keepdim[\s\S]*\[32, 1\]\n\ngradient {2}status$/,
  );
  assert.equal(withThrownNote("All right.", "08.ts", []), "All right.");
});
