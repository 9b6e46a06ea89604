/**
 * The hints of `deno task exercise N --hint NAME [--level 2|3]` and the
 * solution of `--solution NAME`, in steps: 1, the forward line a gradient
 * inverts and its shape; 2, the local derivative; 3, the structure of the
 * answer with its pieces named, not written; then, only when asked, the
 * chapter's own lines.
 *
 * @example
 * ```ts
 * import { hint } from "./hints.ts";
 * import { specOf } from "./context.ts";
 * hint(specOf(3), "dprobs", 2); // "dprobs: d/dx log(x) = 1/x, elementwise; multiply by the upstream dlogprobs (the\nchain rule)."
 * ```
 * @module
 */

import { UsageError } from "../../cli.ts";
import { type ExerciseInput, type ExerciseSpec, extractSolution } from "../../exercise/checker.ts";
import { formatShape, type Tensor } from "../../tensor.ts";
import { wrap } from "../../report/print.ts";
import { exerciseInput } from "./context.ts";
import { camelCase } from "../../exercise/python.ts";
import { editDistance } from "../../spelling.ts";
import { EXERCISES } from "../../../chapters/exercises/specs.ts";

/** The hint levels below the solution: 1, the forward line and the shapes; 2, the local derivative; 3, the structure. */
export type HintLevel = 1 | 2 | 3;

/**
 * The gradient of `spec` that `name` means: its own name, the lecture's
 * snake_case of it (`dbnvar_inv` is `dbnvarInv`) or it with the case slipped
 * (`dbnVar` is `dbnvar`); a {@linkcode UsageError} naming the exercise's
 * gradients, and the nearest when it is close, otherwise.
 *
 * @example
 * ```ts
 * import { specOf } from "./context.ts";
 * gradientNamed(specOf(3), "dcounts_sum_inv").name; // "dcountsSumInv"
 * ```
 */
export function gradientNamed(spec: ExerciseSpec, name: string): ExerciseSpec["gradients"][number] {
  const lower = camelCase(name).toLowerCase();
  const g = spec.gradients.find((x) => x.name === name) ?? spec.gradients.find((x) => x.name === camelCase(name)) ??
    spec.gradients.find((x) => x.name.toLowerCase() === lower);
  if (g) return g;
  const near = spec.gradients.map((x) => ({ x, d: editDistance(lower, x.name.toLowerCase()) }))
    .sort((a, b) => a.d - b.d)[0];
  const other = near && near.d <= 2 ? undefined : Object.values(EXERCISES).map((e) => ({
    e,
    x: e.gradients.find((x) => x.name.toLowerCase() === lower),
  })).find(({ e, x }) => e.chapter !== spec.chapter && x);
  const mean = near && near.d <= 2
    ? ` (did you mean ${near.x.name}?)`
    : other
    ? ` (${other.x!.name} is exercise ${other.e.chapter}'s: deno task exercise ${other.e.chapter} --hint ${
      other.x!.name
    })`
    : "";
  throw new UsageError(
    `exercise ${spec.chapter} has no gradient ${JSON.stringify(name)}${mean}: its gradients are ${
      spec.gradients.map((x) => x.name).join(", ")
    }`,
  );
}

/**
 * The hint at a level (1: the forward line and the shapes, 2: the local
 * derivative, 3: the structure of the answer), or the solution; a
 * {@linkcode UsageError} naming the
 * exercise's gradients when it has no gradient `name`. `given` is the
 * exercise's input, for the shapes (made when not given).
 *
 * @example
 * ```ts
 * import { specOf } from "./context.ts";
 * hint(specOf(3), "dprobs", 1).startsWith("dprobs inverts the forward line `logprobs = log(probs)`."); // true
 * hint(specOf(3), "dprobs", "solution").endsWith("const dprobs = mul(pow(probs, -1), dlogprobs); // [n, 27]"); // true
 * ```
 */
export function hint(spec: ExerciseSpec, name: string, level: HintLevel | "solution", given?: ExerciseInput): string {
  const g = gradientNamed(spec, name);
  name = g.name;
  if (level === "solution") {
    const lines = extractSolution(spec.source, spec.solvedIn, g.solution ?? [name]);
    return `The solution from ${spec.solvedBy ?? `chapter ${spec.chapter} (${spec.solvedIn})`}:\n\n${
      lines.map((l) => `  ${l.replaceAll("\n", "\n  ")}`).join("\n")
    }`;
  }
  if (level === 2) {
    return wrap(
      `${name}: ${g.rule.replace(/\s+/g, " ")} (More: --hint ${name} --level 3, the structure of the answer.)`,
    );
  }
  if (level === 3) {
    return wrap(`${g.structure.replace(/\s+/g, " ")} (The chapter's own lines: --solution ${name}.)`);
  }
  const input = given ?? exerciseInput(); // only the first hint needs the shapes of the forward pass
  const shapeOf = (key: string) => {
    const t = (input.fwd as unknown as Record<string, Tensor | undefined>)[key] ??
      (input.params as unknown as Record<string, Tensor | undefined>)[key];
    return t ? formatShape(t.shape) : undefined;
  };
  const shape = shapeOf(g.of);
  const deps = g.deps.length > 0 ? ` It is computed from ${g.deps.join(" and ")}.` : "";
  return wrap(
    `${name} inverts the forward line \`${g.forward}\`. It is the gradient of ${g.of}${
      shape ? `, so it has ${g.of}'s shape ${shape}` : ""
    }.${deps} (More: --hint ${name} --level 2.)`,
  );
}
