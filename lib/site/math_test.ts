import assert from "node:assert/strict";
import katex from "katex";
import chapter3 from "../../chapters/03_cross_entropy.ts" with { type: "text" };
import chapter4 from "../../chapters/04_output_layer.ts" with { type: "text" };
import chapter5 from "../../chapters/05_batchnorm.ts" with { type: "text" };
import chapter6 from "../../chapters/06_first_layer.ts" with { type: "text" };
import chapter7 from "../../chapters/07_fused_cross_entropy.ts" with { type: "text" };
import chapter8 from "../../chapters/08_fused_batchnorm.ts" with { type: "text" };
import { alignedTex, isFormula, texOf } from "./math.ts";

Deno.test("texOf sets names upright, letters italic, and turns Σᵢ, ⁻¹, ² and √(…) into TeX", () => {
  assert.equal(
    texOf("loss = −(1/n) Σᵢ logprobs[i, Yb[i]]"),
    "\\mathrm{loss} = -(1/n) \\sum _{i} \\mathrm{logprobs}[i, \\mathrm{Yb}[i]]",
  );
  assert.equal(texOf("countsSumInv = countsSum⁻¹"), "\\mathrm{countsSumInv} = \\mathrm{countsSum}^{-1}");
  assert.equal(texOf("bndiff2 = bndiff²"), "\\mathrm{bndiff2} = \\mathrm{bndiff}^{2}");
  assert.equal(
    texOf("x̂ᵢ = (xᵢ − μ) / √(σ² + ε)"),
    "\\hat{x}_{i} = (x_{i} - \\mu ) / \\sqrt{\\sigma ^{2} + \\varepsilon}",
  );
  assert.equal(texOf("bnvarInv = (bnvar + 1e-5)^(−1/2)"), "\\mathrm{bnvarInv} = (\\mathrm{bnvar} + 10^{-5})^{-1/2}");
  assert.equal(texOf("h = tanh(hpreact)"), "h = \\tanh(\\mathrm{hpreact})");
  assert.equal(texOf("logits = h @ W2 + b2"), "\\mathrm{logits} = h \\mathbin{@} \\mathrm{W2} + \\mathrm{b2}");
});

Deno.test("texOf keeps a run of English words as text, with the spaces around it", () => {
  assert.equal(
    texOf("logitMaxes = max over each row of logits"),
    "\\mathrm{logitMaxes} = \\text{max over each row of logits}",
  );
  assert.equal(texOf("p_j − 1 for the correct class, j = y"), "p_{j} - 1 \\text{ for the correct class}, j = y");
  assert.equal(texOf("where p_j = e^(l_j)"), "\\text{where } p_{j} = e^{l_{j}}");
});

Deno.test("alignedTex aligns a block at its = signs and sets each note after a gap", () => {
  assert.equal(
    alignedTex(["lossᵢ = −log p_y", "      = −l_y + log Σₖ e^(l_k)   the same"]),
    "\\begin{aligned}\\mathrm{loss}_{i} &= -\\log p_{y} \\\\ &= -l_{y} + \\log \\sum _{k} e^{l_{k}} &&\\text{the same}\\end{aligned}",
  );
});

Deno.test("isFormula tells the chapters' formulas from their pseudo-code", () => {
  assert.equal(isFormula("μ  = (1/n) Σᵢ xᵢ"), true);
  assert.equal(isFormula("hprebn = emb.view(n, 30) @ W1 + b1   [n, 64]     first linear layer"), false);
});

Deno.test("every formula heading and block of chapters 3 to 8 is one KaTeX can typeset", () => {
  let count = 0;
  for (const text of [chapter3, chapter4, chapter5, chapter6, chapter7, chapter8]) {
    for (const [, heading] of text.matchAll(/^ {2}\/\/ ### (.* = .*)$/gm)) {
      katex.renderToString(texOf(heading), { throwOnError: true, strict: "ignore" });
      count++;
    }
    for (const [block] of text.matchAll(/(?:^\/\/ {5}.*\n)+/gm)) {
      const lines = block.trimEnd().split("\n").map((l) => l.slice(7));
      if (!isFormula(lines.join("\n"))) continue;
      katex.renderToString(alignedTex(lines), { throwOnError: true, strict: "ignore", displayMode: true });
      count++;
    }
  }
  assert.ok(count >= 20, `only ${count} formulas found`);
});
