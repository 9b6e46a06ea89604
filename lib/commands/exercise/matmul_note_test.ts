import assert from "node:assert/strict";
import { matmulNote } from "./matmul_note.ts";
import { withThrownNote } from "./thrown_note.ts";

Deno.test("a product whose inner sizes do not match names the products of the same factors that fit", () => {
  const said = matmulNote(
    "Cannot matmul [32, 27] by [64, 27]: inner dimensions 27 and 64 must match",
    "  const dh = dlogits.matmul(W2); // [n, 64]",
  );
  assert.equal(
    said,
    "dlogits is [32, 27] and W2 is [64, 27]: the inner sizes, 27 and 64, must be equal. What fits: " +
      "dlogits.matmul(W2.T), [32, 64]. In a backward pass the product that has the gradient's shape is the one " +
      "(a transpose is .T).",
  );
  const call = matmulNote(
    "Cannot matmul [32, 64] by [32, 27]: inner dimensions 64 and 32 must match",
    "  const dW2 = matmul(h, dlogits);",
  );
  assert.match(
    call!,
    /^h is \[32, 64\] and dlogits is \[32, 27\]: .* What fits: h\.T\.matmul\(dlogits\), \[64, 27\]\./,
  );
  assert.match(
    matmulNote("Cannot matmul [3, 4] by [5, 6]: inner dimensions 4 and 5 must match", "x")!,
    /^a is \[3, 4\] and b is \[5, 6\]: .* No transpose of either makes them fit/,
  );
  assert.equal(matmulNote("Cannot multiply [32, 64] and [32]: …", "x"), undefined);
});

Deno.test("the note goes below the caret of the error the check printed", () => {
  const text = "threw at 04.ts:3:22: Cannot matmul [32, 27] by [64, 27]: inner dimensions 27 and 64 must match\n" +
    "    const dh = dlogits.matmul(W2);\n" +
    "               ^\n\nmore";
  const said = withThrownNote(text, "04.ts", ["", "", "const dh = dlogits.matmul(W2);"]);
  assert.match(
    said,
    /\^\n\ndlogits is \[32, 27\] and W2 is \[64, 27\]: [\s\S]*dlogits\.matmul\(W2\.T\)[\s\S]*\n\nmore$/,
  );
});
