/**
 * The built-in simulator: a local Anthropic-compatible server with fault scenarios.
 *
 *   const sim = await startSimulator({ scenario: 'overloaded;count=2' });
 *   const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: sim.url });
 *   // per request: header `x-simulate-scenario: <spec>`, `x-simulate-session: <runId>`
 *   await sim.close();
 */
export { SCENARIOS, parseScenarioSpec, isScenarioName } from './spec';
export type { ScenarioName, ScenarioSpec, ParseResult, RateLimitKind } from './spec';
export { startSimulator } from './server';
export { SIMULATOR_STATUS_PATH, simulatedStatus, simulatedIndicator } from './status';
export type { SimulatedStatusJson, SimulatedIndicator } from './status';
export type { SimulatorOptions, RunningSimulator, SimulatorStats, SimulatorRequestEvent } from './types';
/** Request header that selects the scenario of one request. */
export const SCENARIO_HEADER = 'x-simulate-scenario';
/** Request header that scopes "N failures then 200" state (a run id). */
export const SESSION_HEADER = 'x-simulate-session';
/**
 * The key to give a client of a simulator that accepts any key (`claude-doctor simulate`, the
 * extension's simulator): not key-shaped, so nothing mistakes it for a real one, and never a real key.
 */
export const SIMULATOR_TEST_KEY = 'claude-doctor-simulator-key';
