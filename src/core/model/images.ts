// Images from tool results (an MCP server's screenshot or chart) on the wire: which models get them, and the
// note that tells the model what it got. Chat Completions lets a tool message carry text only, so the images
// follow the turn's tool results as a user message; the Responses API takes them inside the call's output.
import { profileOf } from './providers';
import type { ImageData, ModelSettings } from './types';

/** The formats every image-capable OpenAI-compatible API accepts; others are described, never sent. */
const SENDABLE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
/** Larger images are described instead: the smallest per-image limit among the common APIs. */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

/**
 * Model families known to take image input, by name (with or without a provider prefix or an Ollama tag).
 * Names that look alike but are text-only (o1-mini, o3-mini, gpt-3.5, gpt-oss) come first.
 */
export function seesImagesByName(model: string): boolean {
  const name = (model.split('/').at(-1) ?? model).toLowerCase();
  if (/^(o1-mini|o1-preview|o3-mini|gpt-3\.5|gpt-oss|gpt-4(-0\d+)?$)/.test(name)) return false;
  return /^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-4-turbo|gpt-5|chatgpt-4o|o1|o3|o4|codex-mini|gemini|gemma-?3|claude|pixtral|llava|bakllava|moondream|minicpm-v|llama-?4|grok-4)|vision|[-.]?vl\b|vl:|mistral-(small|medium)-?3\.[12]|mistral-(small|medium)-(2505|2506|2508)/.test(
    name,
  );
}

/** Whether images go to this model: the setting if given, else its provider's profile, else its name. */
export function acceptsImages(settings: Pick<ModelSettings, 'baseURL' | 'images'>, model: string): boolean {
  if (settings.images !== undefined) return settings.images;
  return profileOf(settings.baseURL).acceptsImages?.(model) ?? seesImagesByName(model);
}

/** The images worth sending (known format, within the size limit); the rest stay described in the text. */
export function sendableImages(images: readonly ImageData[] | undefined): ImageData[] {
  return (images ?? []).filter((i) => SENDABLE.has(i.mimeType.toLowerCase()) && decodedBytes(i.data) <= MAX_IMAGE_BYTES);
}

export function decodedBytes(base64: string): number {
  return Math.floor((base64.length * 3) / 4) - (base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0);
}

export const dataUrl = (image: ImageData) => `data:${image.mimeType};base64,${image.data}`;

/**
 * Appended to a tool result that had images, so the model knows whether it sees them and where: `sent` of
 * them are attached (`where`), the rest are only described in the result's text.
 */
export function imageNote(total: number, sent: number, accepts: boolean, where: 'below' | 'in the next message'): string {
  if (total === 0) return '';
  const them = total === 1 ? 'the image' : `${total} images`;
  if (!accepts) return `\n(${them} not shown: this model does not take images)`;
  if (sent === total) return `\n(${them} attached ${where})`;
  if (sent === 0) return `\n(${them} not shown: too large or of a format models do not take)`;
  return `\n(${sent} of ${total} images attached ${where}; the others are too large or of a format models do not take)`;
}
