/**
 * Key-shaped canaries for the redaction and leak tests, made at run time. To the redactor they
 * must look like an Anthropic API key (the `sk-ant-api03-` shape at a real key's length, about
 * 108 characters), while the repository never holds such a string: a secret scanner would take a
 * tracked one for a leaked credential.
 */
const FILLER = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-';

/** `sk-ant-api03-<label>-…` padded to `length` characters with key characters. */
export function fakeKey(label: string, length = 108): string {
  const head = `${['sk', 'ant', 'api03'].join('-')}-${label}-`;
  let tail = '';
  for (let i = 0; head.length + tail.length < length; i++) tail += FILLER[i % FILLER.length];
  return head + tail;
}
