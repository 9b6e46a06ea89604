import assert from "node:assert/strict";
import { fileFor } from "./serve.ts";

Deno.test("fileFor maps a request's path into the folder and never leaves it, and refuses hidden files and bad escapes", () => {
  assert.equal(fileFor("site", "/"), "site/index.html");
  assert.equal(fileFor("site", "/js/chapter.js"), "site/js/chapter.js");
  assert.equal(fileFor("site", "/assets/"), "site/assets/index.html");
  // A request's path is absolute: ".." stops at the folder.
  assert.equal(fileFor("site", "/../deno.json"), "site/deno.json");
  assert.equal(fileFor("site", "/%2e%2e/%2e%2e/deno.json"), "site/deno.json");
  assert.equal(fileFor("site", "/.made-by-deno-task-site"), null);
  assert.equal(fileFor("site", "/%E0%A4%A"), null);
});
