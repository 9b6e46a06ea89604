/**
 * What the runner of one call of the learner's gradients() is told, in the
 * terminal's sandbox and in an exercise page's worker alike: the
 * {@linkcode Header} (the exercise, the program, the input without the
 * upstream gradients the exercise does not give, the feed), and, in the fed
 * call, the correct value that answers each commit ({@linkcode answerOf}).
 *
 * @example
 * ```ts
 * import { headerOf } from "./header.ts";
 * import type { ExerciseInput } from "./learner.ts";
 * const spec = { chapter: 3, given: [], gradients: [{ name: "dprobs", deps: ["dlogprobs"] }] };
 * const header = headerOf(spec, { lines: { dprobs: 7 }, code: "" }, {} as ExerciseInput);
 * header.withheld.dlogits; // "exercise 3 does not give input.dlogits: it starts from the loss"
 * ```
 * @module
 */

import type { Tensor } from "../tensor.ts";
import type { ExerciseSpec } from "./checker.ts";
import type { ExerciseInput } from "./learner.ts";
import type { Prepared } from "./prepared.ts";
import { type Header, pack, toBase64 } from "./wire.ts";

/** The upstream gradients an exercise may give in its input; the others are withheld. */
const GIVEN = ["dlogits", "dhpreact", "dhprebn"] as const;

/**
 * What the runner is told for one call of exercise `spec` on the `prepared`
 * program: `input` packed without the upstream gradients the exercise does
 * not give (reading one throws the message in `withheld`), and in the fed
 * call the `feed`.
 *
 * @example
 * ```ts
 * import type { ExerciseInput } from "./learner.ts";
 * const spec = { chapter: 5, given: ["dhpreact" as const], gradients: [] };
 * const header = headerOf(spec, { lines: {}, code: "" }, { dhpreact: 1 } as unknown as ExerciseInput);
 * header.withheld.dlogits; // "exercise 5 does not give input.dlogits: it starts from dhpreact"
 * header.input; // { dhpreact: 1 }
 * ```
 */
export function headerOf(
  spec: Pick<ExerciseSpec, "chapter" | "given"> & { gradients: { name: string; deps: string[] }[] },
  prepared: Pick<Prepared, "lines" | "code">,
  input: ExerciseInput,
  feed?: Header["feed"],
): Header {
  const { dlogits: _, dhpreact: __, dhprebn: ___, ...rest } = input;
  const starts = spec.given.length > 0 ? `it starts from ${spec.given.join(" and ")}` : "it starts from the loss";
  return {
    chapter: spec.chapter,
    gradients: spec.gradients.map((g) => ({ name: g.name, deps: g.deps })),
    lines: prepared.lines,
    program: prepared.code,
    input: pack({ ...rest, ...Object.fromEntries(spec.given.map((name) => [name, input[name]])) }),
    withheld: Object.fromEntries(
      GIVEN.filter((name) => !spec.given.includes(name)).map((name) => [
        name,
        `exercise ${spec.chapter} does not give input.${name}: ${starts}`,
      ]),
    ),
    feed,
  };
}

/**
 * The answer to a commit of gradient `name` in the fed call: its correct
 * value, from `correct`, as shape and base64 float32 bytes (shape [0] and
 * no bytes for a name the exercise does not know).
 *
 * @example
 * ```ts
 * import { tensor } from "../tensor.ts";
 * answerOf({ dprobs: tensor([1]) }, "dprobs"); // { shape: [1], f32: "AACAPw==" }
 * answerOf({}, "toString"); // { shape: [0], f32: "" }
 * ```
 */
export function answerOf(correct: Record<string, Tensor>, name: string): { shape: number[]; f32: string } {
  const t = Object.hasOwn(correct, name) ? correct[name] : undefined;
  return t ? { shape: [...t.shape], f32: toBase64(t.data) } : { shape: [0], f32: "" };
}
