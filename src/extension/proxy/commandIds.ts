/** Command ids of the proxy feature (pure: shared by the host and the unit tests). */
export const PROXY_COMMANDS = {
  start: 'claudeDoctor.startProxy',
  stop: 'claudeDoctor.stopProxy',
  setFaults: 'claudeDoctor.setProxyFaults',
  showReportCard: 'claudeDoctor.showProxyReportCard',
} as const;
