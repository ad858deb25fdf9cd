// Placeholder until the analyzer CLI lands (owned by the analyzer work): fails loudly.
export async function lintCommand(_argv: string[]): Promise<number> {
  process.stderr.write('claude-doctor lint: not available in this build\n');
  return 2;
}
export async function fixCommand(_argv: string[]): Promise<number> {
  process.stderr.write('claude-doctor fix: not available in this build\n');
  return 2;
}
