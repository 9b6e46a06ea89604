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

/** The hint levels below the solution: 1, the forward line and the shapes; 2, the local derivative; 3, the structure. */
export type HintLevel = 1 | 2 | 3;

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
  const g = spec.gradients.find((x) => x.name === name);
  if (!g) {
    throw new UsageError(
      `exercise ${spec.chapter} has no gradient ${JSON.stringify(name)}: its gradients are ${
        spec.gradients.map((x) => x.name).join(", ")
      }`,
    );
  }
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
