import assert from "node:assert/strict";
import { main } from "../../main.ts";
import { quietly } from "../testing.ts";
import { siteCommand } from "./site.ts";

Deno.test("deno task site --help says what it builds and how to serve it, and exits 0", async () => {
  const { result, output } = await quietly(() => siteCommand(["--help"]));
  assert.equal(result, 0);
  assert.match(output, /^ {2}--serve +after building, serve site\/ on http:\/\/127\.0\.0\.1:PORT\//m);
  assert.match((await quietly(() => main(["--help"]))).output, /^ {2}deno task site +build the tutorial/m);
});

Deno.test("a bad flag of deno task site is one line, before anything is built", async () => {
  await assert.rejects(() => siteCommand(["--port", "70000"]), {
    name: "UsageError",
    message: "--port 70,000 is more than the limit of 65,535",
  });
  await assert.rejects(() => siteCommand(["--serv"]), { name: "UsageError", message: /did you mean --serve\?/ });
});
