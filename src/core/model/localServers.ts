/**
 * Local model servers on their usual loopback ports (issue 17): when nothing is configured, the setup card
 * offers the ones that answer, with their models, so a working local setup is one click. Only 127.0.0.1 is
 * asked, each with a short timeout, and only the OpenAI-compatible model list is read.
 */
import { PROVIDER_PRESETS, type ProviderId } from './providers';

export interface LocalServer {
  provider: ProviderId;
  label: string;
  baseUrl: string;
  models: string[];
}

export interface LocalCandidate {
  provider: ProviderId;
  label: string;
  baseUrl: string;
}

/** The presets that live on localhost, plus llama.cpp's server (OpenAI-compatible on :8080, no preset of its own). */
export function defaultLocalCandidates(): LocalCandidate[] {
  const presets = PROVIDER_PRESETS.filter((p) => /^http:\/\/(localhost|127\.0\.0\.1)[:/]/.test(p.baseUrl)).map((p) => ({
    provider: p.id,
    label: p.label,
    baseUrl: p.baseUrl.replace('localhost', '127.0.0.1'),
  }));
  return [...presets, { provider: 'custom', label: 'llama.cpp server', baseUrl: 'http://127.0.0.1:8080/v1' }];
}

export async function discoverLocalServers(candidates = defaultLocalCandidates(), timeoutMs = 700): Promise<LocalServer[]> {
  const found = await Promise.all(
    candidates.map(async (candidate): Promise<LocalServer | undefined> => {
      try {
        const response = await fetch(`${candidate.baseUrl.replace(/\/+$/, '')}/models`, { signal: AbortSignal.timeout(timeoutMs) });
        if (!response.ok) return undefined;
        const body = (await response.json()) as { data?: Array<{ id?: unknown }> };
        const models = (body.data ?? []).flatMap((m) => (typeof m.id === 'string' ? [m.id] : []));
        return { ...candidate, models };
      } catch {
        return undefined; // Nothing listens there, or not an OpenAI-compatible server.
      }
    }),
  );
  return found.filter((s): s is LocalServer => s !== undefined);
}
