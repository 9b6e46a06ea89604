// The lecture's exercise 4 pasted into exercise 9 as it is written (plain
// assignments, `#` comments, `@`, the dC loop): Deno's parser stops at its
// first line, and `deno task exercise 9` still names every line to change in
// one run, each with what to write.
// Needs --allow-read --allow-write --allow-run; plain `deno test` skips this visibly.

import assert from "node:assert/strict";
import { canUseFiles, checkText, edited, fsTest as test, SKIP } from "./testing.ts";
import { EXERCISES } from "../../../chapters/exercises/specs.ts";

if (!canUseFiles) console.log(`parse_errors_fs_test.ts: file-system tests ${SKIP}`);

const LECTURE = `  # backward pass
  dlogits = F.softmax(logits, 1)
  dlogits[range(n), Yb] -= 1
  dlogits /= n
  # 2nd layer backprop
  dh = dlogits @ W2.T
  dW2 = h.T @ dlogits
  db2 = dlogits.sum(0)
  dhpreact = (1.0 - h**2) * dh
  dbngain = (bnraw * dhpreact).sum(0, keepdim=True)
  dbnbias = dhpreact.sum(0, keepdim=True)
  dhprebn = bngain*bnvar_inv/n * (n*dhpreact - dhpreact.sum(0) - n/(n-1)*bnraw*(dhpreact*bnraw).sum(0))
  dembcat = dhprebn @ W1.T  # 1st layer
  dW1 = embcat.T @ dhprebn
  db1 = dhprebn.sum(0)
  demb = dembcat.view(emb.shape)
  dC = torch.zeros_like(C)
  for k in range(Xb.shape[0]):
    for j in range(Xb.shape[1]):
      ix = Xb[k,j]
      dC[ix] += demb[k,j]`;

test("parse_errors_fs_test.ts", "every Python line of a pasted backward pass is named in one run", async (ws) => {
  const text = edited(EXERCISES[9].stub, [[
    / {2}\/\/ Cross-entropy in one step[\s\S]*?const dC = todo\(C\);[^\n]*/,
    LECTURE,
  ]]);
  const said = await checkText(ws, 9, text);
  assert.equal(said.result, 1);
  const places = [...said.output.matchAll(/09_training\.ts:(\d+):(\d+): (\S+ \S+)/g)].map((m) =>
    `${Number(m[1]) - said.lineOf("# backward pass") + 1}:${m[3]}`
  );
  assert.equal(places[0], "1:`#` starts", said.output);
  // Every `@`, `#`, `for` and undeclared assignment (its first), each on its line.
  const count = (what: RegExp) => places.filter((p) => what.test(p)).length;
  assert.equal(count(/`@` is/), 4, said.output);
  assert.equal(count(/`#` starts/), 3, said.output);
  assert.equal(count(/`for [kj]/), 2, said.output);
  assert.equal(count(/Python assigns/), 14, said.output);
  assert.match(said.flat, /09_training\.ts has 23 syntax errors/);
});
