/** How the Error Log page writes times, latencies and status chips. */
import type { LogRow } from './protocol';

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const dateFmt = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
/** Today: the time only; other days: the date, then the time. */
export function fmtTime(ts: number): string {
  const d = new Date(ts);
  const now = new Date();
  const sameDay = d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate();
  return sameDay ? timeFmt.format(d) : `${dateFmt.format(d)} ${timeFmt.format(d)}`;
}
export function chipClass(r: LogRow): string {
  if (r.ok) return 'ok';
  if (r.status === null) return 'network';
  return r.retryable ? 'retryable' : 'fatal';
}
export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}
