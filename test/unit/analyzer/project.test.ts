/**
 * The project-wide client index: realistic multi-file projects written to a temp dir, linted
 * through `lintPaths` (what `claude-doctor lint DIR` runs), the bundled CLI, and the core API the
 * editor uses (ProjectIndex + analyze / analyzeIncremental).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { languageFromPath, ProjectIndex, type ProjectImports } from '../../../src/core/analyzer/index';
import type { Finding } from '../../../src/core/analyzer/types';
import { lintPaths, type LintEntry } from '../../../src/cli/lint';
import { bundleCli, runCli } from '../cli/helpers';
import { analyzer, lineOf } from './helpers';

vi.setConfig({ testTimeout: 60_000 });

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'cd-project-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function write(root: string, files: Record<string, string>): string {
  for (const [rel, text] of Object.entries(files)) {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
  return root;
}

const TODAY = '2026-12-04';

function fsIndex(): ProjectIndex {
  return new ProjectIndex({
    async read(f) {
      try { return readFileSync(f, 'utf8'); } catch { return undefined; }
    },
  }, analyzer());
}

/** The core API the editor uses: the index's answer for the file, then the engine. */
async function analyzeWith(index: ProjectIndex | undefined, file: string): Promise<{ text: string; findings: Finding[]; project?: ProjectImports }> {
  const text = readFileSync(file, 'utf8');
  const language = languageFromPath(file)!;
  const project = index ? await index.importsFor(file, text, language) : undefined;
  return { text, project, findings: await analyzer().analyze(text, { language, project, today: TODAY }) };
}

/** "line:rule:severity" per finding. */
function shown(text: string, findings: readonly Finding[]): string[] {
  return findings.map((f) => `${lineOf(text, f.start)}:${f.rule}:${f.severity}`).sort();
}

function byFile(entries: readonly LintEntry[], suffix: string): string[] {
  return entries.filter((e) => e.file.replace(/\\/g, '/').endsWith(suffix)).map((e) => `${e.line}:${e.rule}:${e.severity}`).sort();
}

const OK_MESSAGES = "messages: [{ role: 'user', content: 'hi' }]";

// ---------------------------------------------------------------------------------------------
// A Next.js app: `@/lib/anthropic` through tsconfig paths, a barrel, a factory, a class field
// ---------------------------------------------------------------------------------------------

function nextApp(root: string): string {
  return write(root, {
    'tsconfig.json': `{
  // created by create-next-app
  "compilerOptions": {
    "target": "ES2017",
    "baseUrl": ".",
    "paths": { "@/*": ["./src/*"], },
  },
  "include": ["next-env.d.ts", "**/*.ts", "**/*.tsx"],
}
`,
    'src/lib/anthropic.ts': `import Anthropic from '@anthropic-ai/sdk';

export const anthropic = new Anthropic({ apiKey: process.env.ANTHROPIC_API_KEY });

let cached: Anthropic | undefined;
export function getClaude(): Anthropic {
  if (!cached) cached = new Anthropic();
  return cached;
}

export default anthropic;
`,
    'src/lib/config.ts': `export const CHAT_MODEL = 'claude-3-opus-20240229';
export const SUMMARY_MODEL = process.env.SUMMARY_MODEL ?? 'claude-sonnet-5-5';
`,
    'src/lib/index.ts': `export * from './anthropic';
export { anthropic as claude } from './anthropic';
export * from './config';
`,
    'src/app/api/chat/route.ts': `import { NextResponse } from 'next/server';
import { anthropic } from '@/lib/anthropic';
import { CHAT_MODEL } from '@/lib/config';

export async function POST(req: Request) {
  const { prompt } = await req.json();
  const msg = await anthropic.messages.create({
    model: CHAT_MODEL,
    max_tokens: 1024,
    messages: [{ role: 'user', content: prompt }],
  });
  return NextResponse.json(msg);
}
`,
    'src/app/api/summary/route.ts': `import { getClaude } from '@/lib/anthropic';

export async function POST(req: Request) {
  const text = await req.text();
  const client = getClaude();
  const msg = await client.messages.create({
    model: 'claude-sonnet-5-5',
    messages: [{ role: 'user', content: text }],
  });
  return Response.json(msg);
}
`,
    'src/app/api/default/route.ts': `import claude from '../../../lib/anthropic';

export async function GET() {
  return Response.json(await claude.messages.create({ model: 'claude-sonnet-5-5', ${OK_MESSAGES} }));
}
`,
    'src/server/barrel-user.ts': `import { claude, SUMMARY_MODEL } from '@/lib';

export const summarize = (text: string) =>
  claude.messages.create({ model: SUMMARY_MODEL, messages: [{ role: 'user', content: text }] });
`,
    'src/server/assistant.ts': `import { anthropic } from '@/lib/anthropic';

export class Assistant {
  private client;
  constructor() {
    this.client = anthropic;
  }
  async reply(question: string) {
    return this.client.messages.create({ model: 'claude-sonnet-5-5', messages: [{ role: 'user', content: question }] });
  }
}
`,
    'src/server/unknown.ts': `import { llm } from '@/lib/llm-gateway';
import { helpers } from 'some-package';

export async function ask(q: string) {
  await helpers.log(q);
  return llm.messages.create({ model: 'claude-sonnet-5-5', messages: [{ role: 'user', content: q }] });
}
`,
    'src/server/plain.ts': `import { format } from './format';
export const hello = (name: string) => format(name);
`,
    'src/server/format.ts': `export const format = (s: string) => s.trim();
`,
  });
}

describe('TS/JS: a Next.js app', () => {
  let root: string;
  beforeAll(() => {
    root = nextApp(join(tmp, 'next'));
  });

  it('without the index, files that only import the client are not analysed (what the index fixes)', async () => {
    const r = await analyzeWith(undefined, join(root, 'src/app/api/summary/route.ts'));
    expect(r.findings).toEqual([]);
  });

  it('resolves the @/ alias, factories, default exports, barrels and class fields (core API)', async () => {
    const index = fsIndex();
    const chat = await analyzeWith(index, join(root, 'src/app/api/chat/route.ts'));
    expect(chat.project?.hasClient).toBe(true);
    // the model constant of config.ts is retired: reported here, with no fix that would edit the name
    expect(shown(chat.text, chat.findings)).toEqual(['8:retired-model:error']);
    const retired = chat.findings[0]!;
    expect(retired.message).toContain('CHAT_MODEL comes from config.ts');
    expect(retired.fixes).toEqual([]);

    const summary = await analyzeWith(index, join(root, 'src/app/api/summary/route.ts'));
    expect(shown(summary.text, summary.findings)).toEqual(['6:missing-max-tokens:error']);
    // the fix is in this file, after the model
    expect(summary.findings[0]!.fixes[0]!.edits[0]!.newText).toContain('max_tokens: 1024');

    const def = await analyzeWith(index, join(root, 'src/app/api/default/route.ts'));
    expect(shown(def.text, def.findings)).toEqual(['4:missing-max-tokens:error']);

    const barrel = await analyzeWith(index, join(root, 'src/server/barrel-user.ts'));
    // `SUMMARY_MODEL = env ?? 'claude-sonnet-5-5'` is not a plain constant: only max_tokens
    expect(shown(barrel.text, barrel.findings)).toEqual(['4:missing-max-tokens:error']);

    const cls = await analyzeWith(index, join(root, 'src/server/assistant.ts'));
    expect(shown(cls.text, cls.findings)).toEqual(['9:missing-max-tokens:error']);
  });

  it('an import the index cannot resolve stays humble, and a file that imports no client is skipped', async () => {
    const index = fsIndex();
    const unknown = await analyzeWith(index, join(root, 'src/server/unknown.ts'));
    // nothing here is known to be a client: not analysed at all
    expect(unknown.project?.hasClient).toBe(false);
    expect(unknown.findings).toEqual([]);
    const plain = await analyzeWith(index, join(root, 'src/server/plain.ts'));
    expect(plain.project?.hasClient).toBe(false);
    expect(plain.findings).toEqual([]);
  });

  it('lintPaths (claude-doctor lint DIR) reports the importers', async () => {
    const report = await lintPaths([root], { disabled: new Set() });
    expect(byFile(report.entries, 'src/app/api/chat/route.ts')).toEqual(['8:retired-model:error']);
    expect(byFile(report.entries, 'src/app/api/summary/route.ts')).toEqual(['6:missing-max-tokens:error']);
    expect(byFile(report.entries, 'src/app/api/default/route.ts')).toEqual(['4:missing-max-tokens:error']);
    expect(byFile(report.entries, 'src/server/barrel-user.ts')).toEqual(['4:missing-max-tokens:error']);
    expect(byFile(report.entries, 'src/server/assistant.ts')).toEqual(['9:missing-max-tokens:error']);
    expect(byFile(report.entries, 'src/server/unknown.ts')).toEqual([]);
    // the client module, the barrel that re-exports it and the five importers; plain.ts, format.ts, unknown.ts, config.ts are not
    expect(report.analyzed).toBe(7);
  });

  it('the bundled CLI agrees', async () => {
    const cli = await bundleCli();
    let r;
    try {
      r = await runCli(cli, ['lint', '.', '--format', 'json'], { cwd: root });
    } finally {
      cli.dispose();
    }
    expect(r.code).toBe(1);
    const entries = JSON.parse(r.stdout) as LintEntry[];
    expect(byFile(entries, 'src/app/api/summary/route.ts')).toEqual(['6:missing-max-tokens:error']);
    expect(byFile(entries, 'src/server/assistant.ts')).toEqual(['9:missing-max-tokens:error']);
  });
});

// ---------------------------------------------------------------------------------------------
// A Python package: absolute and relative imports, submodules, `import x.y as z`, self.client
// ---------------------------------------------------------------------------------------------

function pyApp(root: string): string {
  return write(root, {
    'pyproject.toml': '[project]\nname = "app"\ndependencies = ["anthropic>=0.40"]\n',
    'app/__init__.py': '',
    'app/llm.py': `import os

import anthropic

client = anthropic.Anthropic(api_key=os.environ["ANTHROPIC_API_KEY"])
DEFAULT_MODEL = "claude-2.1"

_async = None


def get_async_client():
    global _async
    if _async is None:
        _async = anthropic.AsyncAnthropic()
    return _async
`,
    'app/services/__init__.py': 'from .client import claude\n',
    'app/services/client.py': 'from app.llm import client as claude\n',
    'app/services/chat.py': `from app.llm import client, DEFAULT_MODEL
from ..llm import get_async_client


class ChatService:
    def __init__(self):
        self.client = client
        self.aclient = get_async_client()

    def reply(self, question):
        return self.client.messages.create(
            model=DEFAULT_MODEL,
            max_tokens=512,
            messages=[{"role": "user", "content": question}],
        )

    async def areply(self, question):
        return await self.aclient.messages.create(
            model="claude-sonnet-5-5",
            messages=[{"role": "user", "content": question}],
        )
`,
    'app/jobs/summarize.py': `import app.llm as llm
from app import llm as llm2
from app.services import claude


def summarize(text):
    return llm.client.messages.create(model="claude-sonnet-5-5", messages=[{"role": "user", "content": text}])


def title(text):
    return llm2.client.messages.create(model="claude-sonnet-5-5", max_tokens=20, messages=[])


def tag(text):
    return claude.messages.create(model="claude-sonnet-5-5", messages=[{"role": "user", "content": text}])
`,
    'app/jobs/opaque.py': `from app.llm import DEFAULT_MODEL
from vendor.gateway import gateway


def ask(q):
    return gateway.messages.create(model=DEFAULT_MODEL, messages=[{"role": "user", "content": q}])
`,
    'app/jobs/mixed.py': `import anthropic
from vendor.gateway import gateway

local = anthropic.Anthropic()


def ask(q):
    return gateway.messages.create(model="claude-sonnet-5-5", messages=[{"role": "user", "content": q}])


def ask_local(q):
    return local.messages.create(model="claude-sonnet-5-5", messages=[{"role": "user", "content": q}])
`,
  });
}

describe('Python: a package', () => {
  let root: string;
  beforeAll(() => {
    root = pyApp(join(tmp, 'py'));
  });

  it('resolves from-imports, relative imports, factories and self.client fields (core API)', async () => {
    const index = fsIndex();
    const chat = await analyzeWith(index, join(root, 'app/services/chat.py'));
    expect(chat.project?.hasClient).toBe(true);
    expect(shown(chat.text, chat.findings)).toEqual(['12:retired-model:error', '18:missing-max-tokens:error']);
    expect(chat.findings.find((f) => f.rule === 'retired-model')!.fixes).toEqual([]);
  });

  it('resolves `import a.b as m` then m.client, submodules, and re-exports through __init__', async () => {
    const index = fsIndex();
    const jobs = await analyzeWith(index, join(root, 'app/jobs/summarize.py'));
    expect(shown(jobs.text, jobs.findings)).toEqual([
      '11:empty-messages:error',
      '15:missing-max-tokens:error',
      '7:missing-max-tokens:error',
    ]);
  });

  it('names from modules the index cannot see into stay humble', async () => {
    const index = fsIndex();
    // only a constant comes from the project: no client, so the file is not analysed
    const opaque = await analyzeWith(index, join(root, 'app/jobs/opaque.py'));
    expect(opaque.project?.hasClient).toBe(false);
    expect(opaque.findings).toEqual([]);
    // with the SDK imported, a call on an unresolvable import is at most a warning; the local client's is an error
    const mixed = await analyzeWith(index, join(root, 'app/jobs/mixed.py'));
    expect(shown(mixed.text, mixed.findings)).toEqual(['12:missing-max-tokens:error', '8:missing-max-tokens:warning']);
  });

  it('lintPaths reports the importers', async () => {
    const report = await lintPaths([root], { disabled: new Set() });
    expect(byFile(report.entries, 'app/services/chat.py')).toEqual(['12:retired-model:error', '18:missing-max-tokens:error']);
    expect(byFile(report.entries, 'app/jobs/summarize.py')).toEqual(['11:empty-messages:error', '15:missing-max-tokens:error', '7:missing-max-tokens:error']);
    expect(byFile(report.entries, 'app/jobs/opaque.py')).toEqual([]);
    expect(byFile(report.entries, 'app/jobs/mixed.py')).toEqual(['12:missing-max-tokens:error', '8:missing-max-tokens:warning']);
  });
});

// ---------------------------------------------------------------------------------------------
// Incremental: what the editor does when the client module changes
// ---------------------------------------------------------------------------------------------

describe('incremental: the client module changes', () => {
  it('importers see the new facts, and the engine cache does not reuse the old ones', async () => {
    const root = write(join(tmp, 'inc'), {
      'lib/client.ts': "import Anthropic from '@anthropic-ai/sdk';\nexport const client = new Anthropic();\n",
      'routes/a.ts': `import { client } from '../lib/client';\n\nexport const a = () => client.messages.create({ model: 'claude-sonnet-5-5', ${OK_MESSAGES} });\n`,
      'routes/b.ts': "import { format } from './fmt';\nexport const b = format;\n",
      'routes/fmt.ts': 'export const format = (s: string) => s;\n',
    });
    const index = fsIndex();
    const lib = join(root, 'lib/client.ts');
    const a = join(root, 'routes/a.ts');
    const text = readFileSync(a, 'utf8');
    const run = async (): Promise<string[]> => {
      const project = await index.importsFor(a, text, 'typescript');
      return shown(text, await analyzer().analyzeIncremental('inc:a', text, { language: 'typescript', project, today: TODAY }));
    };
    expect(await run()).toEqual(['3:missing-max-tokens:error']);
    expect(index.dependents(lib)).toEqual([a]);
    expect(index.dependents(join(root, 'routes/fmt.ts'))).toEqual([]);

    // A comment changes nothing the importers read: they need no second look.
    expect(index.update(lib, "import Anthropic from '@anthropic-ai/sdk';\n// the one client\nexport const client = new Anthropic();\n")).toBe(true);
    expect(await index.exportsChanged(lib)).toBe(false);
    // The export is renamed: `client` is no longer a client of that module.
    expect(index.update(lib, "import Anthropic from '@anthropic-ai/sdk';\nexport const claude = new Anthropic();\n")).toBe(true);
    expect(await index.exportsChanged(lib)).toBe(true);
    expect(await run()).toEqual([]);
    // Back again: found again (same importer text, same engine cache key for the importer's text).
    index.update(lib, "import Anthropic from '@anthropic-ai/sdk';\nexport const client = new Anthropic();\n");
    expect(await run()).toEqual(['3:missing-max-tokens:error']);
    // It stops being an Anthropic client altogether.
    index.update(lib, "import OpenAI from 'openai';\nexport const client = new OpenAI();\n");
    expect(await run()).toEqual([]);
    analyzer().forget('inc:a');
  });

  it('a constant changing in another module changes the findings of its importer (the file key of the engine holds the answer of the index)', async () => {
    const root = write(join(tmp, 'inc-const'), {
      'config.py': 'MODEL = "claude-2.1"\n',
      'llm.py': 'import anthropic\n\nclient = anthropic.Anthropic()\n',
      'app.py': `from llm import client\nfrom config import MODEL\n\n\ndef ask(q):\n    return client.messages.create(model=MODEL, max_tokens=5, messages=[{"role": "user", "content": q}])\n`,
    });
    const index = fsIndex();
    const app = join(root, 'app.py');
    const text = readFileSync(app, 'utf8');
    const run = async (): Promise<string[]> => {
      const project = await index.importsFor(app, text, 'python');
      return shown(text, await analyzer().analyzeIncremental('inc:const', text, { language: 'python', project, today: TODAY }));
    };
    expect(await run()).toEqual(['6:retired-model:error']);
    index.update(join(root, 'config.py'), 'MODEL = "claude-sonnet-5-5"\n');
    expect(await run()).toEqual([]);
    index.update(join(root, 'config.py'), 'MODEL = "claude-3-opus-20240229"\n');
    const again = await run();
    expect(again).toEqual(['6:retired-model:error']);
    expect(index.dependents(join(root, 'config.py'))).toEqual([app]);
    analyzer().forget('inc:const');
  });

  it('the provider reaches the rules: a Bedrock client in another module takes Bedrock model ids', async () => {
    const root = write(join(tmp, 'bedrock'), {
      'lib/client.ts': "import { AnthropicBedrock } from '@anthropic-ai/bedrock-sdk';\nexport const client = new AnthropicBedrock();\n",
      'a.ts': `import { client } from './lib/client';\nexport const a = () => client.messages.create({ model: 'anthropic.claude-3-opus-20240229-v1:0', max_tokens: 10, ${OK_MESSAGES} });\n`,
    });
    const r = await analyzeWith(fsIndex(), join(root, 'a.ts'));
    expect(r.project?.hasClient).toBe(true);
    expect(r.findings.filter((f) => f.rule === 'retired-model' || f.rule === 'unknown-model')).toEqual([]);
  });

  it('built once: each module is read and parsed once for many importers', async () => {
    const files: Record<string, string> = {
      'tsconfig.json': '{ "compilerOptions": { "paths": { "~/*": ["./src/*"] } } }\n',
      'src/lib/client.ts': "import Anthropic from '@anthropic-ai/sdk';\nexport const client = new Anthropic();\n",
      'src/lib/util.ts': 'export const id = <T>(x: T) => x;\n',
    };
    for (let i = 0; i < 40; i++) files[`src/routes/r${i}.ts`] = `import { client } from '~/lib/client';\nimport { id } from '../lib/util';\nexport const r${i} = () => client.messages.create(id({ model: 'claude-sonnet-5-5', max_tokens: 5, ${OK_MESSAGES} }));\n`;
    const root = write(join(tmp, 'once'), files);
    const reads = new Map<string, number>();
    let parses = 0;
    const index = new ProjectIndex({
      async read(f) {
        reads.set(f, (reads.get(f) ?? 0) + 1);
        try { return readFileSync(f, 'utf8'); } catch { return undefined; }
      },
    }, { moduleFacts: (text, language) => { parses++; return analyzer().moduleFacts(text, language); } });
    for (let i = 0; i < 40; i++) {
      const f = join(root, `src/routes/r${i}.ts`);
      expect((await index.importsFor(f, readFileSync(f, 'utf8'), 'typescript')).hasClient).toBe(true);
    }
    expect(reads.get(join(root, 'src/lib/client.ts'))).toBe(1);
    expect(reads.get(join(root, 'src/lib/util.ts'))).toBe(1);
    expect(reads.get(join(root, 'tsconfig.json'))).toBe(1);
    // only the client module is parsed: util.ts offers nothing (no SDK, no claude string, no such import)
    expect(parses).toBe(1);
  });

  it('TS: with the SDK imported too, a call on an import the index cannot see into is at most a warning', async () => {
    const root = write(join(tmp, 'ts-mixed'), {
      'svc.ts': `import Anthropic from '@anthropic-ai/sdk';\nimport { gateway } from './vendor/gateway';\n\nconst local = new Anthropic();\nexport const viaGateway = () => gateway.messages.create({ model: 'claude-sonnet-5-5', ${OK_MESSAGES} });\nexport const viaLocal = () => local.messages.create({ model: 'claude-sonnet-5-5', ${OK_MESSAGES} });\n`,
    });
    const index = fsIndex();
    const r = await analyzeWith(index, join(root, 'svc.ts'));
    expect(shown(r.text, r.findings)).toEqual(['5:missing-max-tokens:warning', '6:missing-max-tokens:error']);
    // without the index the unresolved name was an error (what humility changes)
    const bare = await analyzeWith(undefined, join(root, 'svc.ts'));
    expect(shown(bare.text, bare.findings)).toEqual(['5:missing-max-tokens:error', '6:missing-max-tokens:error']);
  });

  it('CommonJS: module.exports and require, destructured or not', async () => {
    const root = write(join(tmp, 'cjs'), {
      'lib/claude.js': "const Anthropic = require('@anthropic-ai/sdk');\n\nconst client = new Anthropic();\nmodule.exports = { client, MODEL: 'claude-2.1' };\n",
      'jobs/a.js': `const { client, MODEL } = require('../lib/claude');\n\nexports.run = () => client.messages.create({ model: MODEL, max_tokens: 5, ${OK_MESSAGES} });\n`,
      'jobs/b.js': `const claude = require('../lib/claude');\n\nexports.run = () => claude.client.messages.create({ model: 'claude-sonnet-5-5', ${OK_MESSAGES} });\n`,
    });
    const index = fsIndex();
    const a = await analyzeWith(index, join(root, 'jobs/a.js'));
    expect(shown(a.text, a.findings)).toEqual(['3:retired-model:error']);
    const b = await analyzeWith(index, join(root, 'jobs/b.js'));
    expect(shown(b.text, b.findings)).toEqual(['3:missing-max-tokens:error']);
  });

  it('Python: `import pkg.mod` without an alias, and an import inside a function', async () => {
    const root = write(join(tmp, 'py-plain'), {
      'app/__init__.py': '',
      'app/llm.py': 'from anthropic import Anthropic\n\nclient = Anthropic()\n',
      'main.py': `import app.llm\n\n\ndef ask(q):\n    return app.llm.client.messages.create(model="claude-sonnet-5-5", messages=[{"role": "user", "content": q}])\n\n\ndef later(q):\n    from app.llm import client as c\n    return c.messages.create(model="claude-sonnet-5-5", max_tokens=5, messages=[])\n`,
    });
    const r = await analyzeWith(fsIndex(), join(root, 'main.py'));
    expect(shown(r.text, r.findings)).toEqual(['10:empty-messages:error', '5:missing-max-tokens:error']);
  });

  it('import cycles and deep re-export chains terminate', async () => {
    const root = write(join(tmp, 'cycle'), {
      'a.ts': "export * from './b';\nimport Anthropic from '@anthropic-ai/sdk';\nexport const client = new Anthropic();\n",
      'b.ts': "export * from './a';\nexport { client as c2 } from './a';\n",
      'use.ts': `import { c2 } from './b';\nexport const u = () => c2.messages.create({ model: 'claude-sonnet-5-5', ${OK_MESSAGES} });\n`,
    });
    const r = await analyzeWith(fsIndex(), join(root, 'use.ts'));
    expect(shown(r.text, r.findings)).toEqual(['2:missing-max-tokens:error']);
  });
});

// ---------------------------------------------------------------------------------------------
// Lazy loads, constant expressions, member constants, calls by reference, across modules
// ---------------------------------------------------------------------------------------------

describe('across modules: lazily loaded clients', () => {
  it('JS: require() of the client module inside a function body binds the client there', async () => {
    const root = write(join(tmp, 'lazy-js'), {
      'lib/base.js': "const Anthropic = require('@anthropic-ai/sdk');\n\nmodule.exports = { client: new Anthropic() };\n",
      // a factory that requires its client inside its body returns that client
      'lib/factory.js': "function getClient() {\n  const { client } = require('./base');\n  return client;\n}\n\nmodule.exports = { getClient };\n",
      'jobs/run.js': `async function run(q) {
  const { client } = require('../lib/base');
  return client.messages.create({ model: 'claude-sonnet-5-5', messages: [{ role: 'user', content: q }] });
}

async function viaModule(q) {
  const lib = require('../lib/base');
  return lib.client.messages.create({ model: 'claude-2.1', max_tokens: 5, messages: [{ role: 'user', content: q }] });
}

async function viaFactory(q) {
  const { getClient } = require('../lib/factory');
  return getClient().messages.create({ model: 'claude-sonnet-5-5', messages: [{ role: 'user', content: q }] });
}

async function viaImport(q) {
  const { client: c } = await import('../lib/base.js');
  return c.messages.create({ model: 'claude-sonnet-5-5', max_tokens: 5, messages: [] });
}

module.exports = { run, viaModule, viaFactory, viaImport };
`,
      'jobs/other.js': `async function run(q) {
  const { client } = require('../lib/not-there');
  return client.messages.create({ model: 'claude-sonnet-5-5', messages: [{ role: 'user', content: q }] });
}
module.exports = { run };
`,
    });
    const index = fsIndex();
    const r = await analyzeWith(index, join(root, 'jobs/run.js'));
    expect(r.project?.hasClient).toBe(true);
    // errors: every client is known (a humble warning would mean the name was not resolved)
    expect(shown(r.text, r.findings)).toEqual(['18:empty-messages:error', '3:missing-max-tokens:error', '8:retired-model:error', '13:missing-max-tokens:error'].sort());
    // a module the index cannot find brings no client: the file is not analysed
    const other = await analyzeWith(index, join(root, 'jobs/other.js'));
    expect(other.project?.hasClient).toBe(false);
    expect(other.findings).toEqual([]);
  });

  it('Python: a factory that imports its client inside the function', async () => {
    const root = write(join(tmp, 'lazy-py'), {
      'app/__init__.py': '',
      'app/base.py': 'import anthropic\n\nclient = anthropic.Anthropic()\n',
      'app/factory.py': 'def get_client():\n    from .base import client\n\n    return client\n',
      'app/use.py': 'from app.factory import get_client\n\n\ndef ask(q):\n    return get_client().messages.create(model="claude-sonnet-5-5", messages=[{"role": "user", "content": q}])\n',
    });
    const r = await analyzeWith(fsIndex(), join(root, 'app/use.py'));
    expect(shown(r.text, r.findings)).toEqual(['5:missing-max-tokens:error']);
  });
});

describe('across modules: constant expressions and member constants', () => {
  const tsFiles = (extra: Record<string, string> = {}): Record<string, string> => ({
    'lib/client.ts': "import Anthropic from '@anthropic-ai/sdk';\nexport const client = new Anthropic();\n",
    'lib/config.ts': `const FAMILY = 'opus';
export const LEGACY = \`claude-3-\${FAMILY}-20240229\`;
export const CURRENT = \`claude-\${'sonnet'}-5-5\`;
export const MAX_TOKENS = 32_000;
export const LIMITS = { model: 'claude-2.1', tokens: 64 } as const;
export const cfg = { MODEL: 'claude-3-haiku-20240307', models: { default: 'claude-instant-1.2', fast: 'claude-haiku-4-5' } };
export const fromEnv = { MODEL: process.env.CLAUDE_MODEL };
export const patched = { MODEL: 'claude-2.1' };
patched.MODEL = process.env.CLAUDE_MODEL ?? patched.MODEL;
export default { MODEL: 'claude-2.0' };
`,
    ...extra,
  });
  const req = (model: string, maxTokens = '5'): string => `client.messages.create({ model: ${model}, max_tokens: ${maxTokens}, ${OK_MESSAGES} })`;

  it('TS: templates, numbers, `as const` objects, nested members, default-exported objects, namespaces', async () => {
    const root = write(join(tmp, 'consts-ts'), tsFiles({
      'use.ts': `import { client } from './lib/client';
import settings, { LEGACY, CURRENT, MAX_TOKENS, LIMITS, cfg, fromEnv, patched } from './lib/config';
import * as config from './lib/config';

export const a = () => ${req('LEGACY')};
export const b = () => ${req('CURRENT')};
export const c = () => ${req("'claude-opus-4-8'", 'MAX_TOKENS')};
export const d = () => ${req('LIMITS.model', 'LIMITS.tokens')};
export const e = () => ${req('cfg.MODEL')};
export const f = () => ${req('cfg.models.default')};
export const g = () => ${req('cfg.models.fast')};
export const h = () => ${req('settings.MODEL')};
export const i = () => ${req('config.LIMITS.model')};
export const j = () => ${req('fromEnv.MODEL')};
export const k = () => ${req('patched.MODEL')};
`,
    }));
    const r = await analyzeWith(fsIndex(), join(root, 'use.ts'));
    expect(shown(r.text, r.findings)).toEqual([
      '10:retired-model:error', // cfg.models.default
      '12:retired-model:error', // settings.MODEL (export default {...})
      '13:retired-model:error', // config.LIMITS.model
      '5:retired-model:error', // LEGACY
      '7:nonstreaming-long-request:warning', // MAX_TOKENS (the client's options are in another module)
      '8:retired-model:error', // LIMITS.model
      '9:retired-model:error', // cfg.MODEL
    ]);
    const legacy = r.findings.find((f) => lineOf(r.text, f.start) === 5)!;
    expect(legacy.message).toContain('claude-3-opus-20240229');
    expect(legacy.message).toContain('LEGACY comes from config.ts');
    expect(legacy.fixes).toEqual([]);
    const member = r.findings.find((f) => lineOf(r.text, f.start) === 10)!;
    expect(member.message).toContain('cfg.models.default comes from config.ts');
  });

  it('CommonJS: module.exports of an object with constants', async () => {
    const root = write(join(tmp, 'consts-cjs'), {
      'lib/claude.js': "const Anthropic = require('@anthropic-ai/sdk');\n\nmodule.exports = { client: new Anthropic(), settings: { model: 'claude-2.1', maxTokens: 40000 } };\n",
      'a.js': "const { client, settings } = require('./lib/claude');\n\nexports.a = () => client.messages.create({ model: settings.model, max_tokens: settings.maxTokens, messages: [{ role: 'user', content: 'x' }] });\n",
    });
    const r = await analyzeWith(fsIndex(), join(root, 'a.js'));
    expect(shown(r.text, r.findings)).toEqual(['3:nonstreaming-long-request:warning', '3:retired-model:error']);
  });

  it('Python: Final constants, f-strings, module attributes, class attributes and instances; BaseSettings stays unknown', async () => {
    const root = write(join(tmp, 'consts-py'), {
      'app/__init__.py': '',
      'app/llm.py': 'import anthropic\n\nclient = anthropic.Anthropic()\n',
      'app/config.py': `import os
from typing import Final

from pydantic_settings import BaseSettings

MODEL: Final = "claude-2.1"
FAMILY = "opus"
LEGACY = f"claude-3-{FAMILY}-20240229"
FROM_ENV = f"claude-3-{os.environ['FAMILY']}-20240229"
MAX_TOKENS = 32_000


class Settings:
    CLAUDE_MODEL = "claude-3-haiku-20240307"


class EnvSettings(BaseSettings):
    CLAUDE_MODEL: str = "claude-2.1"


settings = Settings()
env_settings = EnvSettings()
`,
      'app/use.py': `from app import config
from app.config import LEGACY, FROM_ENV, MAX_TOKENS, Settings, settings, env_settings
from app.llm import client


def a(q):
    return client.messages.create(model=config.MODEL, max_tokens=5, messages=[{"role": "user", "content": q}])


def b(q):
    return client.messages.create(model=LEGACY, max_tokens=5, messages=[{"role": "user", "content": q}])


def c(q):
    return client.messages.create(model=FROM_ENV, max_tokens=5, messages=[{"role": "user", "content": q}])


def d(q):
    return client.messages.create(model="claude-opus-4-8", max_tokens=MAX_TOKENS, messages=[{"role": "user", "content": q}])


def e(q):
    return client.messages.create(model=settings.CLAUDE_MODEL, max_tokens=5, messages=[{"role": "user", "content": q}])


def f(q):
    return client.messages.create(model=Settings.CLAUDE_MODEL, max_tokens=5, messages=[{"role": "user", "content": q}])


def g(q):
    return client.messages.create(model=env_settings.CLAUDE_MODEL, max_tokens=5, messages=[{"role": "user", "content": q}])


def h(q):
    return client.messages.create(model=config.settings.CLAUDE_MODEL, max_tokens=5, messages=[{"role": "user", "content": q}])
`,
    });
    const r = await analyzeWith(fsIndex(), join(root, 'app/use.py'));
    expect(shown(r.text, r.findings)).toEqual([
      '11:retired-model:error',
      '19:nonstreaming-long-request:warning',
      '23:retired-model:error',
      '27:retired-model:error',
      '35:retired-model:error',
      '7:retired-model:error',
    ]);
    expect(r.findings.find((f) => lineOf(r.text, f.start) === 7)!.message).toContain('config.MODEL comes from config.py');
  });
});

describe('across modules: a template whose parts come from other modules', () => {
  it('TS and Python: the parts are followed to their modules (which name no model themselves)', async () => {
    const root = write(join(tmp, 'consts-parts'), {
      'lib/client.ts': "import Anthropic from '@anthropic-ai/sdk';\nexport const client = new Anthropic();\n",
      'lib/family.ts': "export const FAMILY = 'opus';\nexport const DATE = 20240229;\nexport const FROM_ENV = process.env.FAMILY;\n",
      'lib/config.ts': "import { FAMILY, DATE, FROM_ENV } from './family';\nexport const MODEL = `claude-3-${FAMILY}-${DATE}`;\nexport const OTHER = `claude-3-${FROM_ENV}-${DATE}`;\n",
      'use.ts': `import { client } from './lib/client';\nimport { MODEL, OTHER } from './lib/config';\n\nexport const a = () => ${"client.messages.create({ model: MODEL, max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })"};\nexport const b = () => ${"client.messages.create({ model: OTHER, max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })"};\n`,
      'py/__init__.py': '',
      'py/family.py': 'FAMILY = "opus"\n',
      'py/llm.py': 'import anthropic\n\nclient = anthropic.Anthropic()\n',
      'py/config.py': 'from .family import FAMILY\n\nMODEL = f"claude-3-{FAMILY}-20240229"\n\n\nclass Models:\n    CHAT = MODEL\n',
      'py/use.py': 'from .config import MODEL, Models\nfrom .llm import client\n\n\ndef a(q):\n    return client.messages.create(model=MODEL, max_tokens=5, messages=[{"role": "user", "content": q}])\n\n\ndef b(q):\n    return client.messages.create(model=Models.CHAT, max_tokens=5, messages=[{"role": "user", "content": q}])\n',
    });
    const index = fsIndex();
    const ts = await analyzeWith(index, join(root, 'use.ts'));
    expect(shown(ts.text, ts.findings)).toEqual(['4:retired-model:error']);
    expect(ts.findings[0]!.message).toContain('claude-3-opus-20240229');
    const py = await analyzeWith(index, join(root, 'py/use.py'));
    expect(shown(py.text, py.findings)).toEqual(['10:retired-model:error', '6:retired-model:error']);
    // the part's module is a dependency of the importer: editing it re-checks the importer
    expect(index.dependents(join(root, 'lib/family.ts'))).toContain(join(root, 'use.ts'));
  });
});

describe('across modules: messages.create passed by reference', () => {
  it('TS and Python: the wrapper is given the request; its findings are warnings (the wrapper is not known)', async () => {
    const root = write(join(tmp, 'byref'), {
      'lib/client.ts': "import Anthropic from '@anthropic-ai/sdk';\nexport const anthropic = new Anthropic();\n",
      'lib/retry.ts': 'export async function withRetry<T>(fn: (p: any) => Promise<T>, p: any): Promise<T> {\n  return fn(p);\n}\n',
      'route.ts': `import { anthropic } from './lib/client';
import { withRetry } from './lib/retry';

export const a = (q: string) => withRetry(anthropic.messages.create.bind(anthropic.messages), { model: 'claude-sonnet-5-5', messages: [{ role: 'user', content: q }] });
export const b = (q: string) => withRetry(() => anthropic.messages.create({ model: 'claude-sonnet-5-5', messages: [{ role: 'user', content: q }] }), null);
export const c = () => withRetry(anthropic.messages.create, { retries: 3 });
`,
      'app/__init__.py': '',
      'app/llm.py': 'import anthropic\n\nclient = anthropic.Anthropic()\n',
      'app/use.py': `import functools

from app.llm import client
from app.retry import call_with_retry


def a(q):
    return call_with_retry(client.messages.create, model="claude-2.1", max_tokens=5, messages=[{"role": "user", "content": q}])


ask = functools.partial(client.messages.create, model="claude-3-opus-20240229")
`,
    });
    const index = fsIndex();
    const ts = await analyzeWith(index, join(root, 'route.ts'));
    expect(shown(ts.text, ts.findings)).toEqual(['4:missing-max-tokens:warning', '5:missing-max-tokens:error']);
    const py = await analyzeWith(index, join(root, 'app/use.py'));
    expect(shown(py.text, py.findings)).toEqual(['11:retired-model:error', '8:retired-model:warning']);
  });
});

describe('incremental: a member constant changes', () => {
  it('the importer follows an edit of one member of an exported object; other members changing leave it alone', async () => {
    const root = write(join(tmp, 'inc-member'), {
      'lib/client.ts': "import Anthropic from '@anthropic-ai/sdk';\nexport const client = new Anthropic();\n",
      'lib/config.ts': "export const cfg = { models: { chat: 'claude-2.1' }, label: 'chat' };\n",
      'a.ts': `import { client } from './lib/client';\nimport { cfg } from './lib/config';\n\nexport const a = () => client.messages.create({ model: cfg.models.chat, max_tokens: 5, ${OK_MESSAGES} });\n`,
    });
    const index = fsIndex();
    const a = join(root, 'a.ts');
    const config = join(root, 'lib/config.ts');
    const text = readFileSync(a, 'utf8');
    const run = async (): Promise<string[]> => {
      const project = await index.importsFor(a, text, 'typescript');
      return shown(text, await analyzer().analyzeIncremental('inc:member', text, { language: 'typescript', project, today: TODAY }));
    };
    expect(await run()).toEqual(['4:retired-model:error']);
    expect(index.dependents(config)).toEqual([a]);
    // a member that is not a constant the rules use (no model id, no number): the importers read the same
    index.update(config, "export const cfg = { models: { chat: 'claude-2.1' }, label: 'assistant' };\n");
    expect(await index.exportsChanged(config)).toBe(false);
    index.update(config, "export const cfg = { models: { chat: 'claude-sonnet-5-5' }, label: 'assistant' };\n");
    expect(await index.exportsChanged(config)).toBe(true);
    expect(await run()).toEqual([]);
    // the module starts writing the member: no longer a constant
    index.update(config, "export const cfg = { models: { chat: 'claude-2.1' } };\ncfg.models.chat = process.env.MODEL ?? cfg.models.chat;\n");
    expect(await run()).toEqual([]);
    analyzer().forget('inc:member');
  });
});
