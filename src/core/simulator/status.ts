/**
 * The simulator's own status page: `GET /api/v2/status.json` answers a Statuspage `status.json`
 * (the shape status.claude.com serves: `{ page, status: { indicator, description } }`) that
 * matches the scenario, so a simulated outage reads a simulated status — on 127.0.0.1, never the
 * internet. The scenario comes from `x-simulate-scenario`, else `?scenario=<spec>`, else the
 * server default.
 *
 * What each scenario says follows what the real page would plausibly say: incidents for the
 * server-side faults (529s, 5xx, gateway errors), "operational" for faults on the caller's side
 * (a key, a spend cap, a limit, a body too large) and for network faults the page cannot see.
 */
import { STATUS_PAGE } from '../data/api-facts';
import type { ScenarioName, ScenarioSpec } from './spec';

/** The real page's path (`STATUS_PAGE.statusJson`: /api/v2/status.json), served by the simulator. */
export const SIMULATOR_STATUS_PATH = new URL(STATUS_PAGE.statusJson).pathname;

export type SimulatedIndicator = 'none' | 'minor' | 'major' | 'critical' | 'maintenance';

/** Statuspage's own descriptions of each indicator. */
const DESCRIPTION: Record<SimulatedIndicator, string> = {
  none: 'All Systems Operational',
  minor: 'Partially Degraded Service',
  major: 'Partial System Outage',
  critical: 'Major Service Outage',
  maintenance: 'Service Under Maintenance',
};

const INDICATOR: Record<ScenarioName, SimulatedIndicator> = {
  ok: 'none',
  overloaded: 'minor',
  'stream-overloaded': 'minor',
  storm: 'minor',
  flaky: 'minor',
  'server-error': 'major',
  'gateway-html': 'major',
  'gateway-timeout': 'major',
  // Caller-side faults: the page says operational (it does in real life too).
  'rate-limited': 'none',
  'spend-cap': 'none',
  'auth-error': 'none',
  'usage-limit': 'none',
  'billing-error': 'none',
  'permission-error': 'none',
  'request-too-large': 'none',
  // Network faults between the caller and the API: the page does not see them.
  timeout: 'none',
  reset: 'none',
  slow: 'none',
  'stream-cut': 'none',
};

export interface SimulatedStatusJson {
  page: { id: string; name: string; url: string; time_zone: string; updated_at: string };
  status: { indicator: SimulatedIndicator; description: string };
}

/** The indicator a scenario's status page shows. */
export function simulatedIndicator(spec: Pick<ScenarioSpec, 'name'>): SimulatedIndicator {
  return INDICATOR[spec.name];
}

/**
 * The `status.json` body for `spec`. The description says it is simulated and for which
 * scenario, so nobody mistakes it for the real page. `url`: the simulator's base URL.
 */
export function simulatedStatus(spec: Pick<ScenarioSpec, 'name' | 'canonical'>, url: string, now = new Date()): SimulatedStatusJson {
  const indicator = simulatedIndicator(spec);
  return {
    page: { id: 'claude-doctor-simulator', name: 'Claude (simulator)', url, time_zone: 'Etc/UTC', updated_at: now.toISOString() },
    status: { indicator, description: `${DESCRIPTION[indicator]} (simulated: scenario "${spec.canonical}")` },
  };
}
