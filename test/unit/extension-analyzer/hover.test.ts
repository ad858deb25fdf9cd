import { describe, expect, it } from 'vitest';
import { hoverAt } from '../../../src/core/editor/hover';
import { ERROR_ROWS, SDK } from '../../../src/core/data/api-facts';

const at = (text: string, needle: string, lang: 'typescript' | 'python' = 'typescript', delta = 1) => hoverAt(text, text.indexOf(needle) + delta, lang);

describe('hovers', () => {
  it('explains SDK error classes from the taxonomy', () => {
    const ts = "import { RateLimitError, OverloadedError } from '@anthropic-ai/sdk';\ntry {} catch (e) { if (e instanceof OverloadedError) {} }";
    const h = at(ts, 'OverloadedError)')!;
    expect(h.markdown).toContain('529');
    expect(h.markdown).toContain(ERROR_ROWS.overloaded.explanation);
    expect(h.markdown).toContain('**Retryable:** yes');
    expect(h.markdown).toContain(ERROR_ROWS.overloaded.nextStep);
    expect(ts.slice(h.start, h.end)).toBe('OverloadedError');
    const r = at(ts, 'RateLimitError')!;
    expect(r.markdown).toContain('enforced_spend_limit_reached');
    const bad = hoverAt('x instanceof BadRequestError', 20, 'typescript')!;
    expect(bad.markdown).toContain('**Retryable:** **no**');
  });

  it('Python InternalServerError: says it does NOT catch 529 OverloadedError', () => {
    const py = 'from anthropic import InternalServerError\ntry:\n    pass\nexcept InternalServerError:\n    pass\n';
    const h = at(py, 'InternalServerError:', 'python')!;
    expect(h.markdown).toMatch(/does NOT catch 529 `OverloadedError`/);
    expect(h.markdown).toContain(`\`${SDK.python.platformErrorClasses.AnthropicVertex[504]}\``);
    expect(h.markdown).toContain(`\`${SDK.python.platformErrorClasses.AnthropicBedrock[503]}\``);
    const ov = at('except anthropic.OverloadedError:', 'OverloadedError', 'python')!;
    expect(ov.markdown).toContain(`status_code == ${SDK.python.midStreamErrorStatusCode}`);
    expect(at('except anthropic.APIStatusError as e:', 'APIStatusError', 'python')!.markdown).toContain('inside a 200 stream');
    expect(at('e instanceof APIStatusError', 'APIStatusError')!.markdown).not.toContain('inside a 200 stream');
    const t = hoverAt('catch (e) { if (e instanceof InternalServerError) {} }', 32, 'typescript')!;
    expect(t.markdown).not.toMatch(/does NOT/);
    expect(t.markdown).toContain('OverloadedError');
  });

  it('base classes and language-specific ones', () => {
    expect(at('except anthropic.APIStatusError as e:', 'APIStatusError', 'python')!.markdown).toContain('InternalServerError');
    expect(at('except APITimeoutError:', 'APITimeoutError', 'python')).toBeDefined();
    expect(at('catch (e: APITimeoutError)', 'APITimeoutError', 'typescript')).toBeUndefined();
    expect(at('e instanceof APIError', 'APIError')!.markdown).toContain('400/401/403/404/413');
    expect(at('const x = NotAnError;', 'NotAnError')).toBeUndefined();
  });

  it('explains status literals compared against a status', () => {
    const cases: [string, string, 'typescript' | 'python', RegExp][] = [
      ['if (e.status === 529) retry();', '529', 'typescript', /HTTP 529.*Overloaded/],
      ['if err.status_code == 429:', '429', 'python', /spend cap/],
      ['if (529 === err.status) {}', '529', 'typescript', /Overloaded/],
      ['if e.status_code in (500, 529):', '500', 'python', /HTTP 500/],
      ['if ([429, 529].includes(e.status)) {}', '429', 'typescript', /Rate limited/],
      ['  case 401:', '401', 'typescript', /Authentication/],
      ['if (res.statusCode >= 500) {}', '500', 'typescript', /HTTP 500/],
      ['if e.status_code == 400:', '400', 'python', /usage limits/],
    ];
    for (const [text, needle, lang, re] of cases) {
      const h = at(text, needle, lang)!;
      expect(h, text).toBeDefined();
      expect(h.markdown, text).toMatch(re);
      expect(text.slice(h.start, h.end)).toBe(needle);
    }
    const py529 = at('if e.status_code == 529:', '529', 'python')!;
    expect(py529.markdown).toContain('except InternalServerError');
  });

  it('ignores numbers that are not compared against a status', () => {
    for (const [text, needle] of [
      ['const timeout = 529;', '529'],
      ['max_tokens: 500,', '500'],
      ['if (count === 429) {}', '429'],
      ['sleep(1.500)', '500'],
      ['if (e.status === 5290) {}', '5290'],
    ]) {
      expect(at(text, needle!), text).toBeUndefined();
    }
  });
});
