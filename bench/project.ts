/**
 * The project index at scale: a 5,000-file workspace (a Next.js-style TypeScript app with a
 * `@/` tsconfig alias, and a Python package) whose Claude client lives in one module per language
 * and is imported everywhere; about one importer in 17 carries a bug (a missing max_tokens, a retired
 * model, an empty messages array, a retired model read as a member constant of the config module,
 * a request without max_tokens given to a retry wrapper with `messages.create` by reference) in a
 * file that never imports the SDK itself.
 *
 * Measured: `claude-doctor lint DIR` end to end (the bundled CLI in a child process), the same
 * in-process (`lintPaths`, cold analyzer), and a bare walk + read as the floor. Goal: the CLI
 * ≤ 10 s on 2 cores. Also checked: every injected bug is found (an index that missed importers
 * would be fast and wrong).
 *
 * `npx tsx bench/project.ts [--files N]`
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createAnalyzer } from '../src/core/analyzer/index';
import { lintPaths } from '../src/cli/lint';
import { fmt, goal, now, printGoals, shippedCli, table, writeResults, type Goal } from './common';

const ROOT = resolve(__dirname, '..');
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const FILES = Number(arg('--files') ?? 5000);

const MODELS = ['claude-haiku-4-5', 'claude-sonnet-5-5', 'claude-opus-4-8', 'claude-sonnet-4-6', 'claude-opus-5'];
type Flaw = 'missing' | 'retired' | 'empty' | 'member' | 'byref' | undefined;
const FLAWS = ['missing', 'retired', 'empty', 'member', 'byref'] as const;
// (i % 25 === 12 lands on TS routes only; i % 50 === 18 on Python services)
const flawOf = (i: number): Flaw => (i % 25 === 12 ? FLAWS[Math.floor(i / 25) % FLAWS.length] : i % 50 === 18 ? FLAWS[Math.floor(i / 50) % FLAWS.length] : undefined);

function put(root: string, rel: string, text: string): number {
  const p = join(root, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, text);
  return text.split('\n').length;
}

/** A route handler that imports the client through the alias (never the SDK). */
function tsRoute(i: number, flaw: Flaw): string {
  const model = flaw === 'retired' ? "'claude-3-5-sonnet-20241022'" : flaw === 'member' ? 'MODELS.legacy' : i % 3 === 0 ? 'CHAT_MODEL' : `'${MODELS[i % MODELS.length]}'`;
  const maxTokens = flaw === 'missing' || flaw === 'byref' ? '' : `    max_tokens: ${256 + (i % 5) * 128},\n`;
  const messages = flaw === 'empty' ? '    messages: [],\n' : "    messages: [{ role: 'user', content: prompt }],\n";
  const call = flaw === 'byref' ? 'withRetry(anthropic.messages.create.bind(anthropic.messages), ' : 'anthropic.messages.create(';
  return `import { NextResponse } from 'next/server';
import { anthropic } from '@/lib/anthropic';
import { CHAT_MODEL, MODELS } from '@/lib/config';
import { withRetry } from '@/lib/retry';
import { clamp, formatReply } from '@/lib/util';
import { track } from '../../shared/analytics';

export const runtime = 'nodejs';

/** Route ${i}: answers one question. */
export async function POST(req: Request) {
  const { prompt, userId } = (await req.json()) as { prompt: string; userId: string };
  if (!prompt || prompt.length > clamp(8000, 100, 20000)) {
    return NextResponse.json({ error: 'prompt missing or too long' }, { status: 400 });
  }
  const started = Date.now();
  const msg = await ${call}{
    model: ${model},
${maxTokens}    system: 'You are assistant ${i}. Answer briefly.',
${messages}    metadata: { user_id: userId },
  });
  track('route-${i}', Date.now() - started);
  return NextResponse.json({ text: formatReply(msg) });
}
`;
}

/** A component or utility: imports local modules, never a client (the index must not slow these down). */
function tsPlain(i: number): string {
  return `import { clamp } from '@/lib/util';
import { track } from '../shared/analytics';

export interface Props${i} { title: string; count: number }

export function label${i}(p: Props${i}): string {
  const n = clamp(p.count, 0, 99);
  track('label-${i}', n);
  return \`\${p.title} (\${n})\`;
}

export const defaults${i}: Props${i} = { title: 'Item ${i}', count: ${i % 50} };
`;
}

/** A Python service module of the package: the client comes from `app.llm`, relatively or not. */
function pyService(i: number, flaw: Flaw): string {
  const model = flaw === 'retired' ? '"claude-3-5-sonnet-20241022"' : flaw === 'member' ? 'settings.LEGACY_MODEL' : i % 2 === 0 ? 'DEFAULT_MODEL' : `"${MODELS[i % MODELS.length]}"`;
  const maxTokens = flaw === 'missing' || flaw === 'byref' ? '' : `            max_tokens=${256 + (i % 5) * 128},\n`;
  const messages = flaw === 'empty' ? '            messages=[],\n' : '            messages=[{"role": "user", "content": question}],\n';
  const imp = i % 2 === 0 ? 'from ..llm import client, settings, DEFAULT_MODEL' : 'from app.llm import client, settings, DEFAULT_MODEL';
  const call = flaw === 'byref' ? 'call_with_retry(\n            self.client.messages.create,\n' : 'self.client.messages.create(\n';
  return `"""Service ${i}."""
import logging

${imp}
from ..util import call_with_retry, clamp

log = logging.getLogger(__name__)


class Service${i}:
    def __init__(self):
        self.client = client

    def answer(self, question):
        log.info("service ${i}: %d chars", clamp(len(question), 0, 10000))
        return ${call}            model=${model},
${maxTokens}${messages}        )
`;
}

interface Generated { sdkless: number; lines: number; bugs: number; expected: Map<string, string> }

function generate(ws: string, files: number): Generated {
  let lines = 0;
  const expected = new Map<string, string>();
  lines += put(ws, 'package.json', '{ "name": "bench-app", "dependencies": { "@anthropic-ai/sdk": "^1.2.0", "next": "^15.0.0" } }\n');
  lines += put(ws, 'tsconfig.json', '{\n  // next.js\n  "compilerOptions": { "strict": true, "baseUrl": ".", "paths": { "@/*": ["./src/*"] } },\n}\n');
  lines += put(ws, 'src/lib/anthropic.ts', "import Anthropic from '@anthropic-ai/sdk';\n\nexport const anthropic = new Anthropic({ maxRetries: 3 });\n");
  lines += put(ws, 'src/lib/config.ts', "export const CHAT_MODEL = process.env.CHAT_MODEL ?? 'claude-sonnet-5-5';\nexport const MODELS = { chat: CHAT_MODEL, legacy: 'claude-3-5-sonnet-20241022' } as const;\n");
  lines += put(ws, 'src/lib/retry.ts', 'export async function withRetry<T>(fn: (p: never) => Promise<T>, p: unknown): Promise<T> {\n  return fn(p as never);\n}\n');
  lines += put(ws, 'src/lib/util.ts', 'export const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));\nexport const formatReply = (m: { content: unknown[] }) => JSON.stringify(m.content);\n');
  lines += put(ws, 'src/shared/analytics.ts', 'export function track(name: string, value: number): void {\n  void name;\n  void value;\n}\n');
  lines += put(ws, 'requirements.txt', 'anthropic>=0.40\n');
  lines += put(ws, 'py/app/__init__.py', '');
  lines += put(ws, 'py/app/llm.py', 'import anthropic\n\nclient = anthropic.Anthropic(max_retries=3)\nDEFAULT_MODEL = "claude-sonnet-5-5"\n\n\nclass Settings:\n    LEGACY_MODEL = "claude-3-5-sonnet-20241022"\n\n\nsettings = Settings()\n');
  lines += put(ws, 'py/app/util.py', 'def clamp(n, lo, hi):\n    return min(hi, max(lo, n))\n\n\ndef call_with_retry(fn, **kwargs):\n    return fn(**kwargs)\n');
  lines += put(ws, 'py/app/services/__init__.py', '');
  let made = 10;
  let sdkless = 0;
  let bugs = 0;
  const rule: Record<string, string> = { missing: 'missing-max-tokens', retired: 'retired-model', empty: 'empty-messages', member: 'retired-model', byref: 'missing-max-tokens' };
  for (let i = 0; made < files; i++, made++) {
    const kind = i % 10; // 0–4 TS routes, 5–7 TS plain modules, 8–9 Python services
    const flaw = kind <= 4 || kind >= 8 ? flawOf(i) : undefined;
    let rel: string;
    if (kind <= 4) {
      rel = `src/app/api/r${Math.floor(i / 100)}/route${i}/route.ts`;
      lines += put(ws, rel, tsRoute(i, flaw));
      sdkless++;
    } else if (kind <= 7) {
      rel = `src/components/c${Math.floor(i / 100)}/item${i}.ts`;
      lines += put(ws, rel, tsPlain(i));
    } else {
      rel = `py/app/services/s${i}.py`;
      lines += put(ws, rel, pyService(i, flaw));
      sdkless++;
    }
    if (flaw) {
      bugs++;
      expected.set(rel, rule[flaw]!);
    }
  }
  // node_modules is never walked
  for (let i = 0; i < 200; i++) put(ws, `node_modules/dep${i}/index.ts`, "import Anthropic from '@anthropic-ai/sdk';\nnew Anthropic().messages.create({ model: 'claude-2.1', messages: [] });\n");
  return { sdkless, lines, bugs, expected };
}

function walkAndRead(dir: string): number {
  let bytes = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) { if (e.name !== 'node_modules') bytes += walkAndRead(p); } else bytes += readFileSync(p).length;
  }
  return bytes;
}

async function main(): Promise<void> {
  const goals: Goal[] = [];
  const ws = mkdtempSync(join(tmpdir(), 'cd-bench-project-'));
  const cliDir = join(ROOT, '.cache', `bench-project-cli-${process.pid}`);
  try {
    const gen = generate(ws, FILES);
    const tWalk = now();
    const bytes = walkAndRead(ws);
    const walkMs = now() - tWalk;

    const tIn = now();
    const report = await lintPaths([ws], { disabled: new Set() }, createAnalyzer());
    const inMs = now() - tIn;
    const found = new Set(report.entries.map((e) => `${e.file.replace(/\\/g, '/').replace(/^.*?cd-bench-project-[^/]+\//, '')}\u0000${e.rule}`));
    let missed = 0;
    for (const [rel, rule] of gen.expected) if (!found.has(`${rel}\u0000${rule}`)) missed++;

    const cliJs = await shippedCli(cliDir);
    const tCli = now();
    const r = spawnSync(process.execPath, [cliJs, 'lint', ws, '--format', 'json'], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
    const cliMs = now() - tCli;
    if (r.status !== 0 && r.status !== 1) throw new Error(`CLI failed (${r.status}): ${r.stderr}`);
    const cliFindings = (JSON.parse(r.stdout) as unknown[]).length;

    table(`Project: ${FILES.toLocaleString('en-US')} files (${gen.sdkless} call a client they import, none of them imports the SDK; ${gen.lines.toLocaleString('en-US')} lines, ${(bytes / 1024 / 1024).toFixed(1)} MB) + 200 files in node_modules`, [
      'measure', 'ms', 'files analyzed', 'findings', 'vs walk+read',
    ], [
      ['bare walk + read (baseline)', walkMs, '-', '-', '1.00×'],
      ['lintPaths in-process (cold analyzer)', inMs, String(report.analyzed), String(report.entries.length), `${fmt(inMs / walkMs, 1)}×`],
      ['claude-doctor lint DIR (bundled CLI, end to end)', cliMs, '-', String(cliFindings), `${fmt(cliMs / walkMs, 1)}×`],
    ]);
    console.log(`injected bugs: ${gen.bugs}, missed: ${missed}`);
    goals.push(goal(`${FILES.toLocaleString('en-US')}-file project, client imported everywhere, CLI end to end`, cliMs / 1000, 's', '<=', 10));
    goals.push(goal('injected bugs in files that only import the client, missed', missed, '', '<=', 0));
    writeResults('project', {
      files: FILES, sdklessImporters: gen.sdkless, lines: gen.lines, bytes, walkReadMs: walkMs, inProcessMs: inMs, cliMs,
      analyzed: report.analyzed, findings: report.entries.length, cliFindings, bugs: gen.bugs, missed, goals,
    });
  } finally {
    rmSync(ws, { recursive: true, force: true });
    rmSync(cliDir, { recursive: true, force: true });
  }
  printGoals(goals);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
