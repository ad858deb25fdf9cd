import { describe, expect, it } from 'vitest';
import { absoluteSourceMap, inlineSafe } from '../../../src/core/text/inline';

describe('inlineSafe: a bundle placed inside the page cannot end its element early', () => {
  it('escapes every closing script tag, and the script still means the same', () => {
    const hostile = '</script><img src=x onerror=alert(1)>';
    const src = `globalThis.__out = [${JSON.stringify(hostile)}, "a</SCRIPT >b", /<\\/script>/.source, '</Script'];`;
    const safe = inlineSafe(src, 'script');
    expect(safe).not.toMatch(/<\/script/i);
    // eslint-disable-next-line no-new-func
    new Function(src)();
    const before = (globalThis as Record<string, unknown>).__out;
    // eslint-disable-next-line no-new-func
    new Function(safe)();
    expect((globalThis as Record<string, unknown>).__out).toEqual(before);
    delete (globalThis as Record<string, unknown>).__out;
  });

  it('escapes closing style tags in CSS and leaves other text alone', () => {
    const css = '.a::after { content: "</style><script>x()</script>"; } /* </STYLE> */';
    const safe = inlineSafe(css, 'style');
    expect(safe).not.toMatch(/<\/style/i);
    expect(safe).toContain('<script>x()</script>'); // only the element's own closing tag matters
    expect(inlineSafe('a { color: red }', 'style')).toBe('a { color: red }');
  });
});

describe('absoluteSourceMap', () => {
  it('points a trailing source map comment at an absolute URL', () => {
    const js = 'console.log(1);\n//# sourceMappingURL=log.js.map\n';
    expect(absoluteSourceMap(js, (f) => `https://file+.vscode-resource/x/dist/webview/${f}`))
      .toBe('console.log(1);\n//# sourceMappingURL=https://file+.vscode-resource/x/dist/webview/log.js.map');
  });

  it('leaves a production bundle (no comment) unchanged', () => {
    expect(absoluteSourceMap('a();', () => 'never')).toBe('a();');
  });
});
