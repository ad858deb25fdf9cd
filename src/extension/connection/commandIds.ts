/** Command ids of the connection feature (pure: shared by the host and the unit tests). */
export const COMMAND_IDS = {
  testConnection: 'claudeDoctor.testConnection',
  testConnectionSimulator: 'claudeDoctor.testConnectionSimulator',
  setApiKey: 'claudeDoctor.setApiKey',
  clearApiKey: 'claudeDoctor.clearApiKey',
  checkStatus: 'claudeDoctor.checkStatus',
  cancelTest: 'claudeDoctor.cancelTest',
  showConnectionPanel: 'claudeDoctor.showConnectionPanel',
  copyCurl: 'claudeDoctor.copyCurl',
} as const;
