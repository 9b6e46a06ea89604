/**
 * A helper for the tests of what the commands write: a real full disk, or a
 * real read-only folder, as a small tmpfs mounted for one test (as root, on
 * Linux; elsewhere the test says it skipped). Root writes into a folder
 * whose mode forbids it, so a read-only mount is the one way to refuse it.
 *
 * @example
 * ```ts
 * import { onSmallDisk } from "./testing.ts";
 * // Needs --allow-run=mount,umount --allow-read --allow-write, as root:
 * async function fullDiskWrite(): Promise<void> {
 *   await onSmallDisk({ full: true }, async (dir) => {
 *     await Deno.writeTextFile(`${dir}/x`, "x".repeat(1 << 20)); // throws: No space left on device
 *   });
 * }
 * ```
 * @module
 */

/**
 * Calls `fn` with a folder that is a tmpfs of 256 KiB: `setUp` writes into it
 * first, then it is filled up (`full`) or made read-only (`readOnly`).
 * Returns false, without calling `fn`, where no tmpfs can be mounted; the
 * mount and the folder are removed afterwards.
 *
 * @example
 * ```ts
 * async function readOnly(): Promise<boolean> {
 *   return await onSmallDisk({ readOnly: true }, async (dir) => {
 *     await Deno.writeTextFile(`${dir}/x`, "x").catch((e) => console.log(e.message)); // "Read-only file system …"
 *   });
 * }
 * ```
 */
export async function onSmallDisk(
  options: { full?: boolean; readOnly?: boolean; setUp?: (dir: string) => Promise<void> },
  fn: (dir: string) => Promise<void>,
): Promise<boolean> {
  const dir = await Deno.makeTempDir({ prefix: "small-disk-" });
  const run = async (command: string, args: string[]) => {
    try {
      return (await new Deno.Command(command, { args, stdout: "null", stderr: "null" }).output()).success;
    } catch {
      return false;
    }
  };
  try {
    if (!(await run("mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", dir]))) return false;
    try {
      await options.setUp?.(dir);
      if (options.full) {
        await Deno.writeFile(`${dir}/.filler`, new Uint8Array(1 << 20)).catch(() => {}); // until the disk is full
      }
      if (options.readOnly && !(await run("mount", ["-o", "remount,ro", dir]))) return false;
      await fn(dir);
      return true;
    } finally {
      await run("umount", ["-l", dir]);
    }
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
