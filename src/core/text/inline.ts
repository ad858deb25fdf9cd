/**
 * Text of a bundled script or stylesheet made safe to sit inside a page's own <script> / <style>
 * element (the webview pages of the extension; pure text, unit-tested). Only a closing tag can end such an element early, so
 * every `</script` (`</style`) becomes `<\/script`: the same string in JavaScript (`\/` is `/`),
 * and in CSS the escape `\/` is `/` too.
 */
export function inlineSafe(text: string, tag: 'script' | 'style'): string {
  return text.replace(tag === 'script' ? /<\/(script)/gi : /<\/(style)/gi, '<\\/$1');
}

/**
 * A development build ends with `//# sourceMappingURL=<file>.map`, relative to the bundle; once the
 * script sits in the page it would resolve against the page. Point it at `toUrl(file)` instead.
 */
export function absoluteSourceMap(js: string, toUrl: (file: string) => string): string {
  return js.replace(/\/\/# sourceMappingURL=(\S+)\s*$/, (_m, file: string) => `//# sourceMappingURL=${toUrl(file)}`);
}
