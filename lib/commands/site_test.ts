import assert from "node:assert/strict";
import { main } from "../../main.ts";
import { quietly } from "../testing.ts";
import { EXERCISE_PAGES, exercisePageData, siteCommand } from "./site.ts";
import { LIMITS } from "./exercise/sandbox.ts";
import { EXERCISES } from "../../chapters/exercises/specs.ts";
import { hint } from "./exercise/hints.ts";
import { wholeApiCard } from "../exercise/api_card.ts";

Deno.test("deno task site --help says what it builds and how to serve it, and exits 0", async () => {
  const { result, output } = await quietly(() => siteCommand(["--help"]));
  assert.equal(result, 0);
  assert.match(output, /^ {2}--serve +after building, serve site\/ on http:\/\/127\.0\.0\.1:PORT\//m);
  assert.match(output, /^ {2}--rebuild +build even if nothing the site is made from changed since the last build$/m);
  assert.match((await quietly(() => main(["--help"]))).output, /^ {2}deno task site +build the tutorial/m);
});

Deno.test("a bad flag of deno task site is one line, before anything is built", async () => {
  await assert.rejects(() => siteCommand(["--port", "70000"]), {
    name: "UsageError",
    message: "--port 70,000 is more than the limit of 65,535",
  });
  await assert.rejects(() => siteCommand(["--serv"]), { name: "UsageError", message: /did you mean --serve\?/ });
});

Deno.test("each exercise page gets its stub, every gradient's three hints without the flags, and the solution", () => {
  assert.deepEqual(EXERCISE_PAGES, [3, 4, 5, 6, 7, 8, 9]);
  for (const chapter of EXERCISE_PAGES) {
    const data = exercisePageData(chapter);
    const spec = EXERCISES[chapter];
    assert.equal(data.stub, spec.stub);
    assert.deepEqual(data.gradients.map((g) => g.name), spec.gradients.map((g) => g.name));
    for (const g of data.gradients) {
      assert.equal(g.hints.length, 3);
      for (const h of g.hints) assert.doesNotMatch(h, /--hint|--solution|--level/, `${chapter} ${g.name}: ${h}`);
      assert.ok(hint(spec, g.name, 2).startsWith(g.hints[1]), `${chapter} ${g.name}: hint 2 is the CLI's`);
      assert.equal(g.solution, hint(spec, g.name, "solution"));
    }
    assert.equal(data.apiCard, wholeApiCard());
    // Only exercise 9 trains, with the CLI's steps and time limit.
    assert.deepEqual(data.training, chapter === 9 ? { steps: LIMITS.trainSteps, ms: LIMITS.trainMs } : undefined);
  }
});
