/**
 * `claude-doctor batch results.jsonl`: triage a Message Batches results file. Counts results by
 * type and by error type, says which requests are worth resubmitting (by the error taxonomy)
 * and writes those as JSONL. Streams the file in chunks (bounded memory whatever its size);
 * human output carries no control characters.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { classifyBatchResult, type BatchResultClass } from '../core/taxonomy';
import { terminalSafe } from '../core/text/terminal';
import type { Io } from './output';

export const BATCH_HELP = `Usage: claude-doctor batch <results.jsonl> [--out FILE] [--json]

Reads a Message Batches results file line by line and prints counts by result type
(succeeded / errored / canceled / expired) and by error type, and which requests are worth
resubmitting (expired, or an error a retry can clear such as overloaded_error or api_error).
Those are written as JSONL ({"custom_id", "result_type", "reason"}) to --out
(default: <results>.resubmit.jsonl).

Options:
  --out FILE   where to write the requests worth resubmitting
  --json       print the summary as JSON
  -h, --help   this help
`;

/** Lines longer than this are counted as malformed and skipped without being held in memory. */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;

export interface BatchSummary {
  lines: number;
  byResultType: Record<string, number>;
  byErrorType: Record<string, number>;
  resubmit: number;
  out: string | null;
}


/** Calls `onLine` for every line of the file, never holding more than one capped line. */
export async function eachLine(path: string, onLine: (line: string | null) => void): Promise<void> {
  let parts: Buffer[] = [];
  let size = 0;
  let overlong = false;
  const flush = (): void => {
    if (overlong) onLine(null);
    else if (size > 0) onLine(Buffer.concat(parts, size).toString('utf8'));
    parts = [];
    size = 0;
    overlong = false;
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      const end = nl === -1 ? chunk.length : nl;
      if (!overlong) {
        if (size + (end - start) > MAX_LINE_BYTES) {
          overlong = true;
          parts = [];
          size = 0;
        } else if (end > start) {
          parts.push(chunk.subarray(start, end));
          size += end - start;
        }
      }
      if (nl === -1) break;
      flush();
      start = nl + 1;
    }
  }
  flush();
}

export async function batchCommand(argv: string[], io: Io): Promise<number> {
  let file: string | undefined;
  let out: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h' || a === '--help') {
      io.out.write(BATCH_HELP);
      return 0;
    } else if (a === '--json') json = true;
    else if (a === '--out') {
      out = argv[++i];
      if (!out) {
        io.err.write('claude-doctor batch: --out needs a file name\n');
        return 2;
      }
    } else if (a.startsWith('-')) {
      io.err.write(`claude-doctor batch: unknown option ${terminalSafe(a.slice(0, 40))}\n`);
      return 2;
    } else if (!file) file = a;
    else {
      io.err.write('claude-doctor batch: one results file at a time\n');
      return 2;
    }
  }
  if (!file) {
    io.err.write(`claude-doctor batch: which results file?\n\n${BATCH_HELP}`);
    return 2;
  }
  const outPath = out ?? file.replace(/\.jsonl$/i, '') + '.resubmit.jsonl';
  const summary: BatchSummary = { lines: 0, byResultType: {}, byErrorType: {}, resubmit: 0, out: outPath };
  const writer = createWriteStream(outPath, { flags: 'w' });
  const writerDone = new Promise<void>((resolve, reject) => {
    writer.on('error', reject);
    writer.on('finish', resolve);
  });
  const bump = (rec: Record<string, number>, k: string): void => {
    rec[k] = (rec[k] ?? 0) + 1;
  };
  try {
    await eachLine(file, (line) => {
      if (line !== null && line.trim() === '') return;
      summary.lines++;
      const c: BatchResultClass = line === null
        ? { customId: null, resultType: 'malformed', resubmit: false, reason: `line over ${MAX_LINE_BYTES} bytes` }
        : classifyBatchResult(line);
      bump(summary.byResultType, c.resultType);
      if (c.resultType === 'errored') bump(summary.byErrorType, (c.error?.errorType ?? 'unknown').slice(0, 60));
      if (c.resubmit) {
        summary.resubmit++;
        writer.write(`${JSON.stringify({ custom_id: c.customId, result_type: c.resultType, reason: c.reason })}\n`);
      }
    });
  } catch (e) {
    writer.destroy();
    io.err.write(`claude-doctor batch: cannot read ${terminalSafe(file)}: ${terminalSafe((e as Error).message)}\n`);
    return 1;
  }
  writer.end();
  await writerDone;
  if (json) {
    io.out.write(`${JSON.stringify(summary, null, 2)}\n`);
    return 0;
  }
  const lines = [`${summary.lines} result${summary.lines === 1 ? '' : 's'} in ${terminalSafe(file)}`];
  for (const [k, n] of Object.entries(summary.byResultType)) lines.push(`  ${terminalSafe(k)}: ${n}`);
  if (Object.keys(summary.byErrorType).length > 0) {
    lines.push('Errors by type:');
    for (const [k, n] of Object.entries(summary.byErrorType).sort((a, b) => b[1] - a[1])) lines.push(`  ${terminalSafe(k)}: ${n}`);
  }
  lines.push(`Worth resubmitting: ${summary.resubmit} (written to ${terminalSafe(outPath)})`);
  io.out.write(`${lines.join('\n')}\n`);
  return 0;
}
