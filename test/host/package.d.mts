// Types for package.mjs (used by the TypeScript UI runner).
export function requiredFiles(): string[];
export function listVsix(file: string): string[];
export function packageVsix(opts?: { build?: boolean; quiet?: boolean; out?: string }): { path: string; size: number; files: string[] };
export function readmeImages(): string[];
