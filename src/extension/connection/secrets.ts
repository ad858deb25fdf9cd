/**
 * The API key: stored in `context.secrets` (SecretStorage), falling back to the
 * `ANTHROPIC_API_KEY` environment variable. Never written to settings, logs, panels or exports.
 * Every key this window has seen is remembered (in memory only) so output can be redacted even
 * after the key was cleared or replaced.
 */
import * as vscode from 'vscode';
import { rememberSecret } from '../../core/redact';

export const SECRET_KEY_NAME = 'claudeDoctor.apiKey';

export type KeySource = 'secret' | 'env' | 'none';

export interface ResolvedKey {
  key: string | undefined;
  source: KeySource;
}

export class KeyStore {
  private readonly seen = new Set<string>();
  /** Cached presence for cheap UI (no key text). */
  private lastSource: KeySource = 'none';

  constructor(private readonly secrets: vscode.SecretStorage, private readonly env: NodeJS.ProcessEnv = process.env) {
    const e = env.ANTHROPIC_API_KEY;
    if (e) this.remember(e);
  }

  private remember(k: string | undefined): void {
    if (!k) return;
    rememberSecret(k); // the process-wide registry every redactor in core includes
    this.seen.add(k);
    const t = k.trim();
    if (t) this.seen.add(t);
  }

  /** Every secret to redact from any text leaving the extension host. */
  secretsToRedact(): string[] {
    return [...this.seen];
  }

  async get(): Promise<ResolvedKey> {
    let stored: string | undefined;
    try {
      stored = await this.secrets.get(SECRET_KEY_NAME);
    } catch {
      stored = undefined; // keyring unavailable: fall back to the environment
    }
    if (stored) {
      this.remember(stored);
      this.lastSource = 'secret';
      return { key: stored, source: 'secret' };
    }
    const env = this.env.ANTHROPIC_API_KEY;
    if (env) {
      this.remember(env);
      this.lastSource = 'env';
      return { key: env, source: 'env' };
    }
    this.lastSource = 'none';
    return { key: undefined, source: 'none' };
  }

  get source(): KeySource {
    return this.lastSource;
  }

  async set(key: string): Promise<void> {
    this.remember(key);
    await this.secrets.store(SECRET_KEY_NAME, key);
    this.lastSource = 'secret';
  }

  async clear(): Promise<void> {
    const old = await this.secrets.get(SECRET_KEY_NAME).then((v) => v, () => undefined);
    this.remember(old);
    await this.secrets.delete(SECRET_KEY_NAME);
    this.lastSource = this.env.ANTHROPIC_API_KEY ? 'env' : 'none';
  }
}

/** Problems with a key as typed or pasted; `undefined` when it looks usable. Never echoes the key. */
export function keyInputProblem(value: string): string | undefined {
  if (value.length === 0) return 'The key is empty.';
  if (value.trim().length === 0) return 'The key is only whitespace.';
  if (/[\r\n]/.test(value.trim())) return 'The key contains a line break.';
  if (/\s/.test(value.trim())) return 'The key contains spaces inside it.';
  return undefined;
}
