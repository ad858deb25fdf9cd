import { afterEach } from 'vitest';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../../src/core/simulator/index';

export const KEY = 'sk-ant-api03-simulator-test-key';
export const MODEL = 'claude-haiku-4-5';
export const USER = [{ role: 'user', content: 'Hello' }];

const running: RunningSimulator[] = [];

/** Start a simulator that is closed after the test. */
export async function sim(opts: SimulatorOptions = {}): Promise<RunningSimulator> {
  const s = await startSimulator(opts);
  running.push(s);
  return s;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

export const baseHeaders = (extra: Record<string, string> = {}): Record<string, string> => ({
  'content-type': 'application/json',
  'anthropic-version': '2026-10-21',
  authorization: `Bearer ${KEY}`,
  ...extra,
});

export async function post(
  s: RunningSimulator,
  body: unknown,
  headers: Record<string, string> = {},
  path = '/v1/messages',
): Promise<Response> {
  return fetch(s.url + path, {
    method: 'POST',
    headers: baseHeaders(headers),
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export async function get(s: RunningSimulator, path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(s.url + path, { headers: baseHeaders(headers) });
}

export const msg = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  model: MODEL,
  max_tokens: 100,
  messages: USER,
  ...extra,
});

export interface ErrorJson {
  type: string;
  error: { type: string; message: string; details?: { error_code: string } };
  request_id: string;
}

export async function errorOf(r: Response): Promise<ErrorJson> {
  return (await r.json()) as ErrorJson;
}

/** Parse an SSE body into {event, data} pairs. */
export function parseSse(text: string): { event: string; data: any }[] {
  return text
    .split('\n\n')
    .filter((b) => b.trim() !== '')
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))!.slice(7);
      const data = JSON.parse(lines.find((l) => l.startsWith('data: '))!.slice(6));
      return { event, data };
    });
}

/** Wait until `cond` holds (polling), failing after `ms`. */
export async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
