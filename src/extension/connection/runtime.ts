/**
 * The connection feature's heavy dependencies — the SDK-based retrying client and the simulator —
 * bundled on their own into dist/connection-runtime.js (see esbuild.mjs), so dist/extension.js
 * stays small: the SDK (~1.2 MB of JavaScript) is neither parsed nor run until the first test
 * (or the first Start Proxy).
 */
export { runConnectionTest } from '../../core/retry/client';
export { RetryBudget } from '../../core/retry/budget';
export { startSimulator, SCENARIOS, parseScenarioSpec } from '../../core/simulator/index';
export { clientOptions, slowScenarioNote, REQUEST_PROFILE } from '../../core/connection/profile';
// The recording, fault-injecting proxy of `Claude Doctor: Start Proxy` (issue #15): it needs the
// simulator as its fault server, so it rides in the same lazily loaded bundle.
export { startProxy } from '../../core/proxy/server';
export { gradeExchanges } from '../../core/proxy/grade';
export { ProxyLogMapper, reportCardMarkdown, describeFaults } from '../../core/proxy/log';
// The storm aggregate (issue #13 item 2): N callers with our client next to N real SDK clients.
export { runStormAggregate, isStormScenario, describeAggregate, STORM_AGGREGATE_DEFAULTS } from '../../core/connection/aggregate';
