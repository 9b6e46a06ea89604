import assert from "node:assert/strict";
import { Prose, slug } from "./prose.ts";

Deno.test("a formula heading is typeset, gets the id of its left side, and goes into the table of contents", () => {
  const prose = new Prose();
  const html = prose.html("### logprobs = log(probs)\n\nText.\n\n### logprobs = again");
  assert.match(html, /<h3 id="logprobs"><a class="anchor" href="#logprobs"><span class="katex">/);
  assert.match(html, /<h3 id="logprobs-2">/);
  assert.deepEqual(prose.toc.map((e) => [e.depth, e.id]), [[3, "logprobs"], [3, "logprobs-2"]]);
  assert.deepEqual(prose.unreadable, []);
});

Deno.test("a block of formulas is displayed math; a block of pseudo-code stays code; HTML in prose is text", () => {
  const prose = new Prose();
  assert.match(prose.html("    μ  = (1/n) Σᵢ xᵢ\n"), /^<div class="display"><span class="katex-display">/);
  assert.match(prose.html("    emb = C[Xb]   [n, 3, 10]\n"), /^<pre class="code"><code>emb = C\[Xb\]/);
  assert.match(prose.html("a <b>bold</b> claim"), /a &lt;b&gt;bold&lt;\/b&gt; claim/);
});

Deno.test("slug makes ids from words, or from a formula's left side", () => {
  assert.equal(slug("Running the chapter"), "running-the-chapter");
  assert.equal(slug("countsSumInv = countsSum⁻¹"), "countssuminv");
  assert.equal(slug("—"), "section");
});
