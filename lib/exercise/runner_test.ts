import assert from "node:assert/strict";
import { tensor } from "../tensor.ts";
import type { Header } from "./wire.ts";
import { callOnce, inputOf, loadFailed } from "./runner.ts";

const header: Header = {
  chapter: 3,
  gradients: [{ name: "dprobs", deps: [] }],
  lines: { dprobs: 2 },
  program: "",
  input: { n: 32, fwd: {}, params: {} },
  withheld: { dlogits: "exercise 3 does not give input.dlogits: it starts from the loss" },
};

Deno.test("the input gives what the header packed, and reading a withheld gradient throws why", () => {
  const input = inputOf(header);
  assert.equal(input.n, 32);
  assert.throws(() => input.dlogits, { message: "exercise 3 does not give input.dlogits: it starts from the loss" });
  assert.deepEqual(Object.keys(input), ["n", "fwd", "params"]);
});

Deno.test("a module that throws as it loads is reported as such, and its timer is turned off", async () => {
  const marks: string[] = [];
  const channel = { mark: (m: string) => void marks.push(m), commit: () => tensor([0]) };
  const report = await callOnce(header, channel, () => Promise.reject(new TypeError("x is not defined")));
  assert.equal(report.ended, "load");
  assert.match(report.threw!.text, /x is not defined/);
  assert.deepEqual(marks, ["timer load", "timer off"]);
  assert.deepEqual(loadFailed(42).threw?.text, "42");
});

Deno.test("the call hands gradients() the input, after beforeLoad, and reports what it returned", async () => {
  const order: string[] = [];
  const channel = { mark: (m: string) => void order.push(m), commit: () => tensor([0]) };
  let seen = 0;
  const gradients = ({ n }: { n: number }) => {
    seen = n;
    return {};
  };
  const report = await callOnce(header, channel, () => {
    order.push("load");
    return Promise.resolve({ __gradients: gradients });
  }, () => order.push("before"));
  assert.equal(report.ended, "returned");
  assert.equal(seen, 32);
  assert.deepEqual(order.slice(0, 4), ["before", "timer load", "load", "timer off"]);
});
