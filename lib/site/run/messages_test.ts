import assert from "node:assert/strict";
import { addOutput, type CellOutput, outputText } from "./messages.ts";
import { outputsHtml } from "./render.ts";

Deno.test("printed lines join into one text output; a picture or an error starts a new one", () => {
  const outputs: CellOutput[] = [];
  addOutput(outputs, { kind: "text", text: "a\n" });
  addOutput(outputs, { kind: "text", text: "b\n" });
  addOutput(outputs, { kind: "picture", svg: "<svg></svg>", text: "chart\n\n" });
  addOutput(outputs, { kind: "text", text: "c\n" });
  assert.deepEqual(outputs.map((o) => o.kind), ["text", "picture", "text"]);
  assert.equal(outputText(outputs), "a\nb\nchart\n\nc\n");
});

Deno.test("outputs become HTML with their text escaped and their SVG as it is", () => {
  assert.equal(
    outputsHtml([{ kind: "text", text: "x < 1 & y\n" }, { kind: "picture", svg: "<svg><rect/></svg>", text: "" }]),
    '<pre class="text">x &lt; 1 &amp; y\n</pre><figure class="picture"><svg><rect/></svg></figure>',
  );
  assert.equal(outputsHtml([{ kind: "error", text: "Error: <no>" }]), '<pre class="error">Error: &lt;no&gt;</pre>');
});
