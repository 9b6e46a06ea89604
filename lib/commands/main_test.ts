// main.ts's dispatcher (its test lives here: the top level holds main.ts alone): --help for the program and for
// `deno task chapter`, and the one-line errors for a mistyped command or chapter. Running a chapter is
// chapters/chapters_test.ts's job.

import assert from "node:assert/strict";
import { main } from "../../main.ts";
import { quietly } from "../testing.ts";

Deno.test("deno run main.ts --help lists every command and exits 0", async () => {
  for (const flag of ["--help", "-h", "help"]) {
    const { result, output } = await quietly(() => main([flag]));
    assert.equal(result, 0);
    for (const command of ["chapter [N]", "exercise N", "train", "sample", "bench"]) {
      assert.match(output, new RegExp(`^  deno task ${command.replace(/[[\]]/g, "\\$&")} +\\S`, "m"), command);
    }
    assert.match(output, /^ {2}deno run main\.ts +every chapter, in order/m);
  }
});

Deno.test("deno task chapter --help says how to list the chapters and run one, and exits 0", async () => {
  for (const args of [["--help"], ["-h"], ["3", "--help"]]) {
    const { result, output } = await quietly(() => main(["chapter", ...args]));
    assert.equal(result, 0);
    assert.match(output, /^ {2}deno task chapter {11}list the chapters$/m);
    assert.match(output, /^ {2}deno task chapter N {9}run chapter N \(1 to 9\)/m);
  }
});

Deno.test("a mistyped command, chapter or flag is one line that says what is allowed", async () => {
  await assert.rejects(() => main(["chapter", "--hepl"]), {
    name: "UsageError",
    message: "Unknown option '--hepl': did you mean --help? (see `deno task chapter --help`)",
  });
  for (const chapter of ["-1", "12", "three"]) {
    await assert.rejects(() => main(["chapter", chapter]), {
      name: "UsageError",
      message: `there is no chapter "${chapter}": chapters are numbered 1 to 9 (\`deno task chapter\` lists them)`,
    });
  }
  await assert.rejects(() => main(["chapters", "3"]), {
    name: "UsageError",
    message: 'unknown command "chapters" (did you mean chapter?): the commands are chapter, exercise, train, ' +
      "sample, bench, notebooks and site (`deno run main.ts --help` says more)",
  });
});
