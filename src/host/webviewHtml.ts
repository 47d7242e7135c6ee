import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/**
 * The chat page: scripts by nonce only, styles and images from the extension (plus data: images), nothing
 * remote, no eval, no connect-src. Hostile Markdown can therefore load nothing even if it slipped past the
 * sanitiser.
 */
export function chatHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.css'));
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>Fixpoint</title>
</head>
<body>
<div id="app" role="application" aria-label="Fixpoint chat"></div>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}
