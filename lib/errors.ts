/**
 * The one error type the core throws for bad input. Its message is a single sentence that
 * names the bad value and says what the user can do; pages show it as is, the CLI prints it
 * after `error:`. Anything else escaping `lib/` is a bug.
 */
export class DataError extends Error {
  override name = "DataError";
}
