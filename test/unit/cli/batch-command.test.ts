import { mkdtempSync, readFileSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { batchCommand, eachLine, MAX_LINE_BYTES } from '../../../src/cli/batch';
import { runCli } from '../../../src/cli/main';
import { classifyBatchResult } from '../../../src/core/taxonomy';
import type { Io } from '../../../src/cli/output';

function memIo(): Io & { out: { text: string }; err: { text: string } } {
  const mk = () => ({ text: '', isTTY: false, write(t: string) { this.text += t; } });
  return { out: mk(), err: mk(), color: false, secrets: [] } as never;
}

const err = (type: string, message: string) => JSON.stringify({ type: 'error', error: { type, message } });
const line = (id: string, result: unknown) => JSON.stringify({ custom_id: id, result });
const RESULTS = [
  line('a', { type: 'succeeded', message: { id: 'msg_1', type: 'message', content: [] } }),
  line('b', { type: 'errored', error: JSON.parse(err('overloaded_error', 'Overloaded')) }),
  line('c', { type: 'errored', error: JSON.parse(err('invalid_request_error', 'max_tokens: Field required')) }),
  line('d', { type: 'expired' }),
  line('e', { type: 'canceled' }),
  line('f', { type: 'errored', error: JSON.parse(err('api_error', 'Internal server error')) }),
  'not json',
  '',
].join('\n');

describe('taxonomy: batch result lines', () => {
  it('classifies each result type and the error inside', () => {
    expect(classifyBatchResult(line('x', { type: 'expired' }))).toMatchObject({ resultType: 'expired', resubmit: true });
    expect(classifyBatchResult(line('x', { type: 'canceled' }))).toMatchObject({ resultType: 'canceled', resubmit: false });
    const o = classifyBatchResult(line('x', { type: 'errored', error: JSON.parse(err('overloaded_error', 'Overloaded')) }));
    expect(o).toMatchObject({ customId: 'x', resultType: 'errored', resubmit: true });
    expect(o.error!.category).toBe('overloaded');
    const bad = classifyBatchResult(line('x', { type: 'errored', error: JSON.parse(err('invalid_request_error', 'bad')) }));
    expect(bad).toMatchObject({ resubmit: false });
    expect(bad.error!.category).toBe('invalid_request');
    expect(classifyBatchResult('{').resultType).toBe('malformed');
    expect(classifyBatchResult(line('x', { type: 'weird' })).resultType).toBe('malformed');
  });
});

describe('claude-doctor batch', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cd-batch-'));

  it('counts by result and error type, writes the ones worth resubmitting, --json', async () => {
    const file = join(dir, 'results.jsonl');
    writeFileSync(file, RESULTS);
    const io = memIo();
    expect(await runCli(['batch', file], io)).toBe(0);
    expect(io.out.text).toContain('7 results');
    expect(io.out.text).toMatch(/errored: 3/);
    expect(io.out.text).toMatch(/overloaded_error: 1/);
    expect(io.out.text).toMatch(/Worth resubmitting: 3/);
    const written = readFileSync(join(dir, 'results.resubmit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(written.map((w) => w.custom_id)).toEqual(['b', 'd', 'f']);
    const j = memIo();
    expect(await batchCommand([file, '--json', '--out', join(dir, 'o.jsonl')], j)).toBe(0);
    const s = JSON.parse(j.out.text);
    expect(s.byResultType).toEqual({ succeeded: 1, errored: 3, expired: 1, canceled: 1, malformed: 1 });
    expect(s.byErrorType).toEqual({ overloaded_error: 1, invalid_request_error: 1, api_error: 1 });
    expect(s.resubmit).toBe(3);
  });

  it('human output carries no control characters from the file', async () => {
    const file = join(dir, 'evil.jsonl');
    writeFileSync(file, line('x', { type: 'errored', error: { type: 'error', error: { type: '\u001b]0;pwned\u0007\u001b[2J', message: 'x' } } }));
    const io = memIo();
    expect(await batchCommand([file, '--out', join(dir, 'e.jsonl')], io)).toBe(0);
    // eslint-disable-next-line no-control-regex
    expect(io.out.text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });

  it('usage errors exit 2', async () => {
    expect(await batchCommand([], memIo())).toBe(2);
    expect(await batchCommand(['--nope'], memIo())).toBe(2);
  });

  it('streams: an over-long line is skipped without being held, the rest still counted', async () => {
    const file = join(dir, 'long.jsonl');
    const w = createWriteStream(file);
    const chunk = 'x'.repeat(1024 * 1024);
    for (let i = 0; i < Math.ceil(MAX_LINE_BYTES / chunk.length) + 2; i++) w.write(chunk);
    w.write(`\n${line('ok', { type: 'expired' })}\n`);
    await new Promise((r) => w.end(r));
    const seen: (string | null)[] = [];
    await eachLine(file, (l) => seen.push(l === null ? null : l.slice(0, 20)));
    expect(seen).toEqual([null, line('ok', { type: 'expired' }).slice(0, 20)]);
  });
});
