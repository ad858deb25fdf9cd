/**
 * Error bodies as they arrive: the API's JSON error (also truncated), a proxy's HTML page, plain
 * text. Picks out type, code, message and request id without trusting the shape.
 */
export type BodyKind = 'json' | 'truncated-json' | 'html' | 'text' | 'empty';

/** Longest message kept in a classification (bodies can be megabytes of HTML). */
export const MAX_MESSAGE_LENGTH = 1000;

/** Bodies longer than this are only scanned in their first part. */
const MAX_SCAN = 256 * 1024;

// ---------------------------------------------------------------------------------------------
// Body parsing
// ---------------------------------------------------------------------------------------------

export interface ParsedErrorBody {
  errorType?: string;
  errorCode?: string;
  message?: string;
  requestId?: string;
  bodyKind?: BodyKind;
}

export function clip(s: string, n = MAX_MESSAGE_LENGTH): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

function decodeEntities(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');
}

function stringField(obj: unknown, key: string): string | undefined {
  if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
    const v = (obj as Record<string, unknown>)[key];
    if (typeof v === 'string') return v;
  }
  return undefined;
}

/** The JSON string literal value after `"key":` (handles escapes), from possibly truncated JSON. */
function salvageString(text: string, key: string, from = 0): string | undefined {
  const re = new RegExp(`"${key}"\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)("?)`, 'g');
  re.lastIndex = from;
  const m = re.exec(text);
  if (!m) return undefined;
  const raw = m[1] ?? '';
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

/**
 * Pull `error.type`, `error.details.error_code`, `error.message` and `request_id` out of a body.
 * Never throws: valid JSON, truncated JSON (fields salvaged), HTML (the page title becomes the
 * message), plain text, empty.
 */
export function parseErrorBody(body: string): ParsedErrorBody {
  try {
    if (typeof body !== 'string') return { bodyKind: 'empty' };
    const scan = body.length > MAX_SCAN ? body.slice(0, MAX_SCAN) : body;
    const trimmed = scan.trim();
    if (trimmed.length === 0) return { bodyKind: 'empty' };

    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      let parsed: unknown;
      let ok = false;
      if (body.length <= MAX_SCAN * 40) {
        try {
          parsed = JSON.parse(body);
          ok = true;
        } catch {
          ok = false;
        }
      }
      if (ok) {
        const out: ParsedErrorBody = { bodyKind: 'json' };
        const err = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>).error : undefined;
        const errorType = stringField(err, 'type');
        const message = stringField(err, 'message') ?? (typeof err === 'string' ? err : undefined);
        const details = err && typeof err === 'object' ? (err as Record<string, unknown>).details : undefined;
        const errorCode = stringField(details, 'error_code');
        const requestId = stringField(parsed, 'request_id');
        if (errorType) out.errorType = errorType;
        if (message !== undefined) out.message = clip(message);
        if (errorCode) out.errorCode = errorCode;
        if (requestId) out.requestId = requestId;
        return out;
      }
      // Truncated or otherwise broken JSON: salvage what is there.
      const out: ParsedErrorBody = { bodyKind: 'truncated-json' };
      const errIdx = scan.search(/"error"\s*:\s*\{/);
      if (errIdx >= 0) {
        const t = salvageString(scan, 'type', errIdx);
        if (t) out.errorType = t;
        const msg = salvageString(scan, 'message', errIdx);
        if (msg !== undefined) out.message = clip(msg);
        const code = salvageString(scan, 'error_code', errIdx);
        if (code) out.errorCode = code;
      }
      const rid = salvageString(scan, 'request_id');
      if (rid) out.requestId = rid;
      return out;
    }

    if (/^<(!doctype|html|head|body|\?xml|h1|center|title)/i.test(trimmed) || /<\/(html|body|title|h1)>/i.test(scan)) {
      const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(scan)?.[1] ?? /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(scan)?.[1];
      const text = (title ?? scan.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/gi, ' ').replace(/<[^>]*>/g, ' '))
        .replace(/\s+/g, ' ')
        .trim();
      const out: ParsedErrorBody = { bodyKind: 'html' };
      if (text) out.message = clip(decodeEntities(text), 200);
      return out;
    }

    return { bodyKind: 'text', message: clip(trimmed.replace(/\s+/g, ' '), 300) };
  } catch {
    return {};
  }
}
