/**
 * Request validation like the Claude API's: the 400 `invalid_request_error` and 404
 * `not_found_error` answers, driven by the facts in `src/core/data/api-facts.ts`.
 */
import {
  API_VERSIONS,
  API_VERSION_2026_10_21,
  DOCS,
  REQUEST_RULES,
  lookupModel,
  todayUtc,
  type CurrentModel,
} from '../data/api-facts';

export interface ApiFailure {
  status: number;
  type: string;
  message: string;
  errorCode?: string;
}

export interface ValidMessagesRequest {
  model: CurrentModel;
  modelId: string;
  maxTokens: number;
  stream: boolean;
  thinking: 'enabled' | 'adaptive' | 'none';
  /** Text of system + messages (+ tools), for the token estimate. */
  inputText: string;
}

const bad = (message: string): ApiFailure => ({ status: 400, type: 'invalid_request_error', message });

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `anthropic-version` must be present and known. */
export function checkVersion(version: string | undefined): ApiFailure | { version: string } {
  if (!version) return bad('anthropic-version: header is required');
  const known: string[] = Object.values(API_VERSIONS);
  if (!known.includes(version)) {
    return bad(`anthropic-version: "${version}" is not a valid version (known: ${known.join(', ')})`);
  }
  return { version };
}

/** Parse a JSON body, answering the API's 400 for malformed or non-object JSON. */
export function parseJsonBody(raw: string): ApiFailure | { body: Json } {
  if (raw.trim() === '') return bad('Request body is empty: expected a JSON object.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    return bad(`The request body is not valid JSON: ${(e as Error).message}`);
  }
  if (!isObject(parsed)) return bad('Request body must be a JSON object.');
  return { body: parsed };
}

function checkModel(body: Json, today: string): ApiFailure | { model: CurrentModel; id: string } {
  if (!('model' in body)) return bad('model: Field required');
  const id = body['model'];
  if (typeof id !== 'string' || id === '') return bad('model: Input should be a valid string');
  const found = lookupModel(id, today);
  if (found.kind !== 'current') return { status: 404, type: 'not_found_error', message: `model: ${id}` };
  return { model: found.model, id };
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((b) => (isObject(b) ? (typeof b['text'] === 'string' ? b['text'] : JSON.stringify(b)) : ''))
      .join('\n');
  }
  return '';
}

/**
 * The `messages` rules (facts §6): non-empty, ≤ 100,000, roles, a leading system message, a later
 * system message on a model without support, a final assistant message on a no-prefill model.
 */
const SYSTEM_ROLE_MESSAGE =
  'messages: Unexpected role "system". The Messages API accepts a top-level `system` parameter, not "system" as an input message role.';

/** A text block with non-empty `citations`, directly or inside a `search_result` block. */
function hasCitations(block: Json): boolean {
  if (block['type'] === 'text' && Array.isArray(block['citations']) && block['citations'].length > 0) return true;
  if (block['type'] === 'search_result' && Array.isArray(block['content'])) {
    return block['content'].some((b: unknown) => isObject(b) && hasCitations(b));
  }
  return false;
}

function checkMessages(body: Json, model: CurrentModel, modelId: string, parts: string[], version = API_VERSIONS.legacy as string): ApiFailure | null {
  const v20261021 = version >= API_VERSION_2026_10_21.version;
  if (!('messages' in body)) return bad('messages: Field required');
  const messages = body['messages'];
  if (!Array.isArray(messages)) return bad('messages: Input should be a valid list');
  if (messages.length === 0) return bad('messages: at least one message is required');
  if (messages.length > REQUEST_RULES.maxMessages) {
    return bad(`messages: too many messages (${messages.length} > ${REQUEST_RULES.maxMessages})`);
  }
  for (let i = 0; i < messages.length; i++) {
    const msg: unknown = messages[i];
    if (!isObject(msg)) return bad(`messages.${i}: Input should be a valid dictionary`);
    const role = msg['role'];
    if (role !== 'user' && role !== 'assistant' && role !== 'system') {
      return bad(`messages.${i}.role: Input should be 'user', 'assistant' or 'system'`);
    }
    if (!('content' in msg)) return bad(`messages.${i}.content: Field required`);
    const content = msg['content'];
    if (typeof content !== 'string' && !Array.isArray(content)) {
      return bad(`messages.${i}.content: Input should be a valid string or list of content blocks`);
    }
    const finalAssistant = i === messages.length - 1 && role === 'assistant';
    if ((content === '' || (Array.isArray(content) && content.length === 0)) && !finalAssistant) {
      return bad(`messages.${i}: all messages must have non-empty content except for the optional final assistant message`);
    }
    if (Array.isArray(content)) {
      for (let j = 0; j < content.length; j++) {
        const block: unknown = content[j];
        if (!isObject(block) || typeof block['type'] !== 'string') {
          return bad(`messages.${i}.content.${j}.type: Field required`);
        }
        if (block['type'] === 'text' && typeof block['text'] !== 'string') {
          return bad(`messages.${i}.content.${j}.text: Field required`);
        }
        if (block['type'] === 'text' && block['text'] === '') {
          return bad('messages: text content blocks must be non-empty');
        }
        // anthropic-version 2026-10-21: two of its three Messages breaking changes.
        if (v20261021 && role === 'assistant' && block['type'] === 'document') {
          return bad(`messages.${i}.content.${j}: \`document\` blocks are not supported in assistant messages with anthropic-version ${version}`);
        }
        if (v20261021 && role === 'user' && hasCitations(block)) {
          return bad(`messages.${i}.content.${j}: text blocks with \`citations\` are not supported in user messages with anthropic-version ${version}`);
        }
      }
    }
    if (role === 'system') {
      // The real API's wording: no index, no model name (issue #11).
      if (i === 0 || model.midConversationSystem !== 'yes') return bad(SYSTEM_ROLE_MESSAGE);
      const prev = messages[i - 1] as Json;
      if (prev['role'] !== 'user') {
        return bad(`messages.${i}: a "system" message must directly follow a "user" message`);
      }
    }
    parts.push(textOf(content));
  }
  const last = messages[messages.length - 1] as Json;
  if (last['role'] === 'assistant' && !model.prefill) {
    return bad(
      'This model does not support assistant message prefill. The conversation must end with a user message.',
    );
  }
  return null;
}

function checkSystem(body: Json, parts: string[]): ApiFailure | null {
  if (!('system' in body) || body['system'] === undefined) return null;
  const system = body['system'];
  if (typeof system === 'string') {
    parts.push(system);
    return null;
  }
  if (!Array.isArray(system)) return bad('system: Input should be a valid string or list of text blocks');
  for (let i = 0; i < system.length; i++) {
    const b: unknown = system[i];
    if (!isObject(b) || b['type'] !== 'text' || typeof b['text'] !== 'string') {
      return bad(`system.${i}: Input should be a text block ({"type": "text", "text": …})`);
    }
    parts.push(b['text'] as string);
  }
  return null;
}

function checkSampling(body: Json, model: CurrentModel, modelId: string, version: string): ApiFailure | null {
  const present = (['temperature', 'top_p', 'top_k'] as const).filter((k) => body[k] !== undefined && body[k] !== null);
  if (present.length === 0) return null;
  if (model.rejectsSampling) {
    return bad(`${present[0]}: sampling parameters are not supported for ${modelId}`);
  }
  if (version >= REQUEST_RULES.samplingRejectedFromApiVersion) {
    return bad(
      `${present[0]}: Extra inputs are not permitted (sampling parameters are not supported with anthropic-version ${version})`,
    );
  }
  const t = body['temperature'];
  const p = body['top_p'];
  const k = body['top_k'];
  if (t !== undefined && t !== null && (typeof t !== 'number' || t < 0 || t > 1)) {
    return bad('temperature: Input should be a number between 0 and 1');
  }
  if (p !== undefined && p !== null && (typeof p !== 'number' || p < 0 || p > 1)) {
    return bad('top_p: Input should be a number between 0 and 1');
  }
  if (k !== undefined && k !== null && (typeof k !== 'number' || !Number.isInteger(k) || k < 0)) {
    return bad('top_k: Input should be a non-negative integer');
  }
  switch (model.legacySampling) {
    case 'free':
      return null;
    case 'no-temperature-with-top-p':
      if (t !== undefined && t !== null && p !== undefined && p !== null) {
        return bad(`\`temperature\` and \`top_p\` cannot both be specified for ${modelId}. Please use only one.`);
      }
      return null;
    case 'strict': {
      const rule = REQUEST_RULES.strictSampling;
      if (k !== undefined && k !== null && !rule.topK) return bad(`top_k: not supported for ${modelId}`);
      if (typeof t === 'number' && t !== rule.temperature) {
        return bad(`temperature: ${modelId} only supports temperature=${rule.temperature.toFixed(1)}`);
      }
      if (typeof p === 'number' && p < rule.minTopP) {
        return bad(`top_p: ${modelId} only supports top_p >= ${rule.minTopP}`);
      }
      return null;
    }
  }
}

function checkThinking(body: Json, maxTokens: number | undefined, model?: CurrentModel, modelId?: string): ApiFailure | { thinking: ValidMessagesRequest['thinking'] } {
  const th = body['thinking'];
  const implied: ValidMessagesRequest['thinking'] = model?.thinking.mode ? 'adaptive' : 'none';
  if (th === undefined || th === null) return { thinking: implied };
  if (!isObject(th)) return bad('thinking: Input should be a valid dictionary');
  if (model && th['type'] === 'disabled' && model.thinking.rejectsDisabled === true) {
    return bad(`thinking.type: "disabled" is not supported for ${modelId}. Omit \`thinking\` or use {"type": "adaptive"}.`);
  }
  if (model && th['type'] === 'enabled' && model.thinking.rejectsBudget === true) {
    return bad(`thinking.type: "enabled" with \`budget_tokens\` is not supported for ${modelId}. Use {"type": "adaptive"} (optionally with \`output_config.effort\`).`);
  }
  switch (th['type']) {
    case 'disabled':
    case 'between_tools':
      return { thinking: 'none' };
    case 'adaptive':
      return { thinking: 'adaptive' };
    case 'enabled': {
      const budget = th['budget_tokens'];
      if (budget === undefined) return bad('thinking.enabled.budget_tokens: Field required');
      if (typeof budget !== 'number' || !Number.isInteger(budget)) {
        return bad('thinking.enabled.budget_tokens: Input should be a valid integer');
      }
      if (budget < REQUEST_RULES.minThinkingBudget) {
        return bad(`thinking.enabled.budget_tokens: Input should be greater than or equal to ${REQUEST_RULES.minThinkingBudget}`);
      }
      if (maxTokens !== undefined && maxTokens <= budget) {
        return bad(
          `\`max_tokens\` must be greater than \`thinking.budget_tokens\` (${maxTokens} <= ${budget}). Please consult our documentation at ${DOCS.extendedThinking}#max-tokens-and-context-window-size`,
        );
      }
      return { thinking: 'enabled' };
    }
    default:
      return bad(
        `thinking.type: Input tag '${String(th['type'])}' found using 'type' does not match any of the expected tags: 'enabled', 'disabled', 'adaptive', 'between_tools'`,
      );
  }
}

function checkMaxTokens(body: Json): ApiFailure | { maxTokens: number } {
  if (!('max_tokens' in body) || body['max_tokens'] === undefined) return bad('max_tokens: Field required');
  const n = body['max_tokens'];
  if (typeof n !== 'number' || !Number.isInteger(n)) return bad('max_tokens: Input should be a valid integer');
  if (n < 0) return bad('max_tokens: Input should be greater than or equal to 0');
  return { maxTokens: n };
}

/** Validate a `POST /v1/messages` body; `today` (`YYYY-MM-DD`, UTC) decides which models have retired. */
export function validateMessages(body: Json, version: string, today: string = todayUtc()): ApiFailure | ValidMessagesRequest {
  // Field presence first, in the API's order of report.
  if (!('model' in body)) return bad('model: Field required');
  const mt = checkMaxTokens(body);
  if ('status' in mt) return mt;
  if (!('messages' in body)) return bad('messages: Field required');
  const m = checkModel(body, today);
  if ('status' in m) return m;
  const { model, id } = m;
  if (mt.maxTokens > model.maxOutputTokens) {
    return bad(
      `max_tokens: ${mt.maxTokens} > ${model.maxOutputTokens}, which is the maximum allowed number of output tokens for ${id}`,
    );
  }
  const parts: string[] = [];
  const sys = checkSystem(body, parts);
  if (sys) return sys;
  const msgs = checkMessages(body, model, id, parts, version);
  if (msgs) return msgs;
  const stream = body['stream'];
  if (stream !== undefined && stream !== null && typeof stream !== 'boolean') {
    return bad('stream: Input should be a valid boolean');
  }
  const sampling = checkSampling(body, model, id, version);
  if (sampling) return sampling;
  const th = checkThinking(body, mt.maxTokens, model, id);
  if ('status' in th) return th;
  if (Array.isArray(body['tools'])) parts.push(JSON.stringify(body['tools']));
  return {
    model,
    modelId: id,
    maxTokens: mt.maxTokens,
    stream: stream === true,
    thinking: th.thinking,
    inputText: parts.join('\n'),
  };
}

/** Validate a `POST /v1/messages/count_tokens` body. */
export function validateCountTokens(body: Json, today: string = todayUtc()): ApiFailure | { inputText: string; modelId: string } {
  if (!('model' in body)) return bad('model: Field required');
  if (!('messages' in body)) return bad('messages: Field required');
  const m = checkModel(body, today);
  if ('status' in m) return m;
  const parts: string[] = [];
  const sys = checkSystem(body, parts);
  if (sys) return sys;
  const msgs = checkMessages(body, m.model, m.id, parts);
  if (msgs) return msgs;
  const th = checkThinking(body, undefined, m.model, m.id);
  if ('status' in th) return th;
  if (Array.isArray(body['tools'])) parts.push(JSON.stringify(body['tools']));
  return { inputText: parts.join('\n'), modelId: m.id };
}

/** A rough, deterministic token estimate: about 4 characters per token, plus framing. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4)) + 7;
}
