/**
 * The one error type of the patch engine. Its message goes back to the model verbatim, so it must say
 * what was wrong and what to send instead (line numbers, the expected marker, the closest file text).
 */
export class PatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PatchError';
  }
}
