import { KEY_PREFIXES } from '../../data/api-facts';
import type { Ctx } from '../context';
import type { Node } from '../parser';
import { descend, scan, stringLiteral, valueOf } from '../syntax';
import type { TextEdit } from '../types';
import { pyImportEdit } from '../checks/fixes';
import { isPlaceholderKey } from '../checks/keys';
import { defineRule } from './rule';

const KEY_SHAPE = new RegExp(`^(?:${[KEY_PREFIXES.api, KEY_PREFIXES.admin, KEY_PREFIXES.oauth].join('|')})\\d*-[A-Za-z0-9_-]{16,}$`);

function flagPlaceholder(ctx: Ctx, str: Node): void {
  const env = 'ANTHROPIC_API_KEY';
  const edits: TextEdit[] = [];
  if (ctx.src.py) {
    const q = ctx.src.text[str.endIndex - 1] === "'" ? "'" : '"';
    edits.push({ start: str.startIndex, end: str.endIndex, newText: `os.environ[${q}${env}${q}]` });
    if (!ctx.imports.hasImportOs) edits.push(pyImportEdit(ctx, 'os'));
  } else {
    edits.push({ start: str.startIndex, end: str.endIndex, newText: `process.env.${env}` });
  }
  ctx.report(str,
    `This placeholder is passed as the API key: every request will get 401 authentication_error. Read the real key from ${env} (or leave the key out: the client reads ${env} itself).`,
    [{ title: `Read it from ${env}`, kind: 'quickfix', safe: false, edits }]);
}

function flag(ctx: Ctx, str: Node, value: string, viaOption: boolean): void {
  const { src } = ctx;
  const oauth = value.startsWith(KEY_PREFIXES.oauth);
  const env = oauth ? 'ANTHROPIC_AUTH_TOKEN' : 'ANTHROPIC_API_KEY';
  const edits: TextEdit[] = [];
  if (src.py) {
    const q = src.text[str.endIndex - 1] === "'" ? "'" : '"';
    edits.push({ start: str.startIndex, end: str.endIndex, newText: `os.environ[${q}${env}${q}]` });
    if (!ctx.imports.hasImportOs) edits.push(pyImportEdit(ctx, 'os'));
  } else {
    edits.push({ start: str.startIndex, end: str.endIndex, newText: `process.env.${env}` });
  }
  const kind = oauth ? 'An OAuth token' : value.startsWith(KEY_PREFIXES.admin) ? 'An Admin API key' : viaOption && !value.startsWith('sk-ant-') ? 'A literal API key' : 'A Claude API key';
  ctx.report(str,
    `${kind} is written in the source: anyone who sees this file (or its history) can use it. Rotate it in the Console and read it from ${env}.`,
    [{ title: `Read it from ${env}`, kind: 'quickfix', safe: false, edits }]);
}

export default defineRule({
  id: 'hardcoded-api-key',
  defaultSeverity: 'warning',
  description: 'A Claude API key literal in source: read it from ANTHROPIC_API_KEY instead.',
  summary: 'an `sk-ant-…` literal → read `ANTHROPIC_API_KEY`',
  fix: 'yes',
  on: { ts: /sk-ant-/, py: /sk-ant-/ },
  withoutSdk: true,
  /** Key-shaped string literals anywhere. */
  check(ctx) {
    const { src } = ctx;
    for (const m of scan(/sk-ant-/g, src.text, ctx.from, ctx.to)) {
      let n: Node | null = descend(src, m.index, m.index + 7);
      for (let i = 0; n && i < 3 && n.type !== 'string' && n.type !== 'template_string'; i++) n = n.parent;
      if (!n) continue;
      const s = stringLiteral(src, n);
      if (s && KEY_SHAPE.test(s.value) && !isPlaceholderKey(s.value)) flag(ctx, n, s.value, false);
    }
  },
  /** Any literal passed as a client's key, whatever its shape. */
  file(ctx) {
    for (const c of ctx.ctors) {
      for (const k of ['apiKey', 'api_key', 'authToken', 'auth_token']) {
        const e = c.options?.entries.get(k);
        if (!e) continue;
        const v = valueOf(ctx.src, e.valueNode);
        if (v.kind !== 'string' || v.value.trim() === '') continue;
        if (isPlaceholderKey(v.value)) flagPlaceholder(ctx, v.node);
        else if (v.value.trim().length >= 8) flag(ctx, v.node, v.value, true);
      }
    }
  },
});
