import type { DiagnosticInfo } from '../ports';

export interface FixTarget {
  path: string;
  languageId: string;
  diagnostic: DiagnosticInfo & { endLine: number; related?: Array<{ path: string; line: number; message: string }> };
  /** The enclosing function/class (from document symbols) or a window of lines around the problem. */
  excerpt: { startLine: number; endLine: number; text: string; kind: 'symbol' | 'window' };
  otherDiagnostics: DiagnosticInfo[];
}

/** Lines above/below the diagnostic when no enclosing symbol is known. */
export const FIX_WINDOW_LINES = 20;
/** An enclosing symbol longer than this is replaced by the window (a 2,000-line class says little). */
export const MAX_SYMBOL_LINES = 150;

/** The focused task text for "Ask agent to fix": everything needed to fix one diagnostic, nothing more. */
export function buildFixPrompt(target: FixTarget): string {
  const d = target.diagnostic;
  const head = `${d.severity}${d.code ? ` ${d.code}` : ''}${d.source ? ` (${d.source})` : ''}`;
  const lines = [
    `Fix this ${d.severity} in ${target.path} at line ${d.line}, column ${d.column}${d.endLine !== d.line ? ` (to line ${d.endLine})` : ''}:`,
    `  ${head}: ${d.message}`,
  ];
  for (const r of d.related ?? []) lines.push(`  related: ${r.path}:${r.line}: ${r.message}`);
  const label = target.excerpt.kind === 'symbol' ? 'Enclosing code' : 'Code around it';
  lines.push(
    '',
    `${label} (lines ${target.excerpt.startLine}-${target.excerpt.endLine}, numbered):`,
    '```' + target.languageId,
    numbered(target.excerpt.text, target.excerpt.startLine),
    '```',
  );
  const others = target.otherDiagnostics.filter((o) => !(o.line === d.line && o.message === d.message)).slice(0, 20);
  if (others.length) {
    lines.push('', `Other problems in ${target.path}:`, ...others.map((o) => `- ${o.line}:${o.column} ${o.severity}: ${o.message}`));
  }
  lines.push('', 'Make the smallest correct change with apply_patch. Read more of the file only if you need to.');
  return lines.join('\n');
}

function numbered(text: string, start: number): string {
  return text
    .split(/\r?\n/)
    .map((line, i) => `${String(start + i).padStart(5)}  ${line}`)
    .join('\n');
}
