/**
 * The one "Claude Doctor" output channel (a LogOutputChannel). Every line goes through
 * `redactSecrets` with every key the window has seen. It is never revealed by itself: only when
 * the user asks. A bounded mirror of the written lines lets the leak test read what was written.
 */
import * as vscode from 'vscode';
import { redactSecrets } from '../../core/redact';

export type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export class RedactingLog implements vscode.Disposable {
  private channel: vscode.LogOutputChannel | undefined;
  private readonly mirror: string[] = [];
  private static readonly MIRROR_MAX = 2000;

  constructor(private readonly secrets: () => readonly string[]) {}

  private get ch(): vscode.LogOutputChannel {
    this.channel ??= vscode.window.createOutputChannel('Claude Doctor', { log: true });
    return this.channel;
  }

  write(level: Level, message: string): void {
    const line = redactSecrets(message, this.secrets());
    this.mirror.push(`[${level}] ${line}`);
    if (this.mirror.length > RedactingLog.MIRROR_MAX) this.mirror.splice(0, this.mirror.length - RedactingLog.MIRROR_MAX);
    this.ch[level](line);
  }

  info(m: string): void { this.write('info', m); }
  warn(m: string): void { this.write('warn', m); }
  error(m: string): void { this.write('error', m); }
  debug(m: string): void { this.write('debug', m); }

  show(): void { this.ch.show(true); }

  /** What was written (already redacted). */
  lines(): readonly string[] { return this.mirror; }

  dispose(): void { this.channel?.dispose(); this.channel = undefined; }
}
