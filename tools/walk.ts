/** Every file under `root` whose name ends with `suffix`, depth first. */
export async function* walk(root: string, suffix: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(root)) {
    const path = `${root}/${entry.name}`;
    if (entry.isDirectory) yield* walk(path, suffix);
    else if (entry.isFile && entry.name.endsWith(suffix)) yield path;
  }
}
