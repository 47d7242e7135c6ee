/**
 * The webview's exhaustiveness check. Its own copy: the webview takes only types from src/shared (a lint
 * rule), so no host code ends up in its bundle.
 */
export function unhandled(value: never): never {
  throw new Error(`Unhandled message: ${JSON.stringify(value)}`);
}
