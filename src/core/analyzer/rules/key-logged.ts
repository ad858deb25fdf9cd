import type { Ctx } from '../context';
import type { Node } from '../parser';
import { descend, field, named, resolveIdentifier, scan, stringLiteral, unwrap } from '../syntax';
import { defineRule } from './rule';

/** Log and print calls: `console.log`, `logger.info`, `print`, `logging.warning`, `log.debug`, … */
const TS_LOG = /^(?:console|logger|log|this\.logger|this\.log)\.(?:log|info|warn|error|debug|trace|dir)$|^(?:alert|process\.stdout\.write|process\.stderr\.write)$/;
const PY_LOG = /^(?:print|pprint|logging\.(?:debug|info|warning|warn|error|exception|critical)|(?:self\.)?(?:logger|log|LOGGER|_logger|_log)\.(?:debug|info|warning|warn|error|exception|critical)|sys\.std(?:out|err)\.write|click\.echo|console\.print)$/;

/** Names that hold a Claude key (identifiers and attributes). */
const KEY_NAME = /^(?:ANTHROPIC_API_KEY|ANTHROPIC_AUTH_TOKEN|CLAUDE_API_KEY|anthropic_?api_?key|anthropicApiKey|anthropicKey|anthropic_key|claude_?api_?key|claudeApiKey|claudeKey|claude_key|api_?key|apiKey|API_KEY|auth_?token|authToken)$/;
const ENV_KEY = /^(?:ANTHROPIC_API_KEY|ANTHROPIC_AUTH_TOKEN|CLAUDE_API_KEY)$/;

/** Names of variables the file passes to a client as its key (`new Anthropic({ apiKey: k })`). */
function keyVariables(ctx: Ctx): Set<string> {
  return ctx.memo(keyVariables, () => {
    const out = new Set<string>();
    for (const c of ctx.ctors) {
      for (const k of ['apiKey', 'api_key', 'authToken', 'auth_token']) {
        const v = c.options?.entries.get(k)?.valueNode;
        if (v && (v.type === 'identifier' || v.type === 'shorthand_property_identifier')) out.add(v.text);
      }
    }
    return out;
  });
}

/** `n` reads a Claude key: an env lookup of it, a key-named variable or attribute, or a const of either. */
function isKeyRef(ctx: Ctx, n: Node, depth = 0): boolean {
  const { src } = ctx;
  const t = n.type;
  if (t === 'identifier') {
    if (KEY_NAME.test(n.text) || keyVariables(ctx).has(n.text)) return true;
    if (depth > 2) return false;
    const def = resolveIdentifier(src, n);
    return !!def && isKeyRef(ctx, unwrap(def), depth + 1);
  }
  if (t === 'member_expression' || t === 'attribute') {
    const prop = field(n, src.py ? 'attribute' : 'property')?.text ?? '';
    const obj = field(n, 'object')?.text.replace(/\s+/g, '') ?? '';
    // The whole environment (`print(os.environ)`, `console.log(process.env)`) holds the key too.
    if (/^(?:os\.environ|process\.env)$/.test(`${obj}.${prop}`)) {
      const p = n.parent;
      const usedAsObject = !!p && ((p.type === 'member_expression' || p.type === 'attribute') && field(p, 'object')?.id === n.id
        || (p.type === 'subscript_expression' || p.type === 'subscript') && field(p, src.py ? 'value' : 'object')?.id === n.id);
      return !usedAsObject;
    }
    if (obj === 'process.env' || obj === 'import.meta.env') return ENV_KEY.test(prop);
    return KEY_NAME.test(prop) && !/^(?:os|process|sys)$/.test(obj);
  }
  if (t === 'subscript_expression' || t === 'subscript') {
    const obj = field(n, src.py ? 'value' : 'object')?.text.replace(/\s+/g, '') ?? '';
    const idx = field(n, src.py ? 'subscript' : 'index');
    const s = idx ? stringLiteral(src, idx) : undefined;
    if (/^(?:os\.environ|process\.env|environ)$/.test(obj)) return !!s && ENV_KEY.test(s.value);
    return false;
  }
  if (t === 'call' || t === 'call_expression') {
    const fn = field(n, 'function')?.text.replace(/\s+/g, '') ?? '';
    if (!/^(?:os\.getenv|os\.environ\.get|getenv|environ\.get)$/.test(fn)) return false;
    const first = named(field(n, 'arguments')!)[0];
    const s = first ? stringLiteral(src, first) : undefined;
    return !!s && ENV_KEY.test(s.value);
  }
  return false;
}

/** On the way up from a key reference to the logged argument: something that turns the key into a harmless value. */
function neutralized(ctx: Ctx, ref: Node, arg: Node): boolean {
  const { src } = ctx;
  let child = ref;
  for (let a = ref.parent; a && child.id !== arg.id; child = a, a = a.parent) {
    const t = a.type;
    if (t === 'call' || t === 'call_expression') {
      const fn = field(a, 'function');
      if (fn && fn.id !== child.id) {
        const name = fn.text.replace(/^.*\./, '');
        // len(key), bool(key), Boolean(key), mask(key), hash(key), redact(key)…; str()/String() and slices keep the key.
        if (!/^(?:str|String|repr|format|toString|strip|trim|lower|upper|slice|substring|substr|join|concat|encode|decode|stringify|dumps|dict|pformat|inspect|items|entries|values)$/.test(name)) return true;
      }
    }
    if (t === 'member_expression' || t === 'attribute') {
      const prop = field(a, src.py ? 'attribute' : 'property')?.text ?? '';
      if (/^(?:length|startswith|startsWith|endswith|endsWith|includes|__len__)$/.test(prop)) return true;
    }
    if (t === 'comparison_operator' || t === 'boolean_operator' || t === 'not_operator' || t === 'unary_expression' || t === 'conditional_expression') return true;
    if (t === 'binary_expression' && /^(?:===?|!==?|&&|\|\||\?\?|<|>|<=|>=|instanceof|in)$/.test(a.child(1)?.text ?? '')) return true;
    if (t === 'ternary_expression' && field(a, 'condition')?.id === child.id) return true;
    if (t === 'ternary_expression') return false;
  }
  return false;
}

/** Every key reference inside `n` that reaches the output unneutralized. */
function leaks(ctx: Ctx, arg: Node): Node | undefined {
  const stack: Node[] = [arg];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (isKeyRef(ctx, n)) {
      if (!neutralized(ctx, n, arg)) return n;
      continue;
    }
    for (const c of named(n)) stack.push(c);
  }
  return undefined;
}

export default defineRule({
  id: 'key-logged',
  defaultSeverity: 'warning',
  description: 'Printing or logging the API key or a slice of it: logs are copied, shipped and kept, and a prefix or suffix narrows the key.',
  summary: 'printing or logging the key, or slices of it (`key[:10]`, `key.slice(-4)`)',
  fix: 'none',
  on: { ts: /\b(?:console|log|logger|alert|stdout|stderr)\b/, py: /\b(?:print|pprint|logging|logger|log|LOGGER|_logger|_log|write|echo)\b/ },
  check(ctx) {
    const { src } = ctx;
    const re = src.py ? /\b(print|pprint|logging|logger|log|LOGGER|_logger|_log|sys|click|console)\b/g : /\b(console|logger|log|alert|process)\b/g;
    const seen = new Set<number>();
    for (const m of scan(re, src.text, ctx.from, ctx.to)) {
      let n = descend(src, m.index, m.index + m[1]!.length);
      if (!n || n.type !== 'identifier') continue;
      while (n.parent && (n.parent.type === 'member_expression' || n.parent.type === 'attribute') && field(n.parent, 'object')?.id === n.id) n = n.parent;
      const call = n.parent;
      if (!call || (call.type !== 'call' && call.type !== 'call_expression') || field(call, 'function')?.id !== n.id || seen.has(call.id)) continue;
      seen.add(call.id);
      const callee = n.text.replace(/\s+/g, '');
      if (!(src.py ? PY_LOG : TS_LOG).test(callee) && !(/^self\./.test(callee) && PY_LOG.test(callee.slice(5)))) continue;
      const args = field(call, 'arguments');
      if (!args) continue;
      for (const a of named(args)) {
        const ref = leaks(ctx, a);
        if (!ref) continue;
        const part = ref.parent && /slice|subscript|substring|substr/.test(`${ref.parent.type} ${ref.parent.parent?.text.slice(0, 200) ?? ''}`) ? 'part of the API key' : 'the API key';
        ctx.report(a,
          `This ${src.py && callee === 'print' ? 'prints' : 'logs'} ${part}: logs and terminals are copied, shipped to log services and kept, and even a prefix or suffix narrows the key. Log whether it is set (e.g. ${src.py ? 'bool(api_key)' : 'Boolean(apiKey)'}), never its characters.`);
        break;
      }
    }
  },
});
