// Types for host.mjs (used by the TypeScript UI runner).
import type { BrowserContext } from 'playwright-core';

export const ROOT: string;
export const HOST_DIR: string;
export const NODE24_VERSION: string;
export const CODE_SERVER_VERSION: string;
export const NODE24_DIR: string;
export const NODE24_BIN: string;
export const CODE_SERVER_BIN: string;
export const CHROMIUM_FLAGS: string[];

export interface StateDirs {
  root: string; userData: string; extensions: string; config: string; home: string; tmp: string;
  xdgConfig: string; xdgData: string; xdgCache: string; chromeProfile: string;
  /** `tmp`, or a short symlink to it where sockets are made (see socketDir). */
  sockets: string;
}
export interface Host {
  url: string; port: number; pid: number; output: string[];
  exited: Promise<void>;
  stop(): Promise<void>;
}

export function findChromium(): string | undefined;
export function isInstalled(): boolean;
export function ensureHost(): boolean;
export function freePort(): Promise<number>;
export function stateDirs(name: string, opts?: { fresh?: boolean; settings?: Record<string, unknown> }): StateDirs;
export const TEST_SETTINGS: Record<string, unknown>;
export function hostEnv(d: StateDirs): NodeJS.ProcessEnv;
export function installVsix(d: StateDirs, vsix: string): void;
export function startHost(d: StateDirs, opts?: { folder?: string; timeoutMs?: number; quiet?: boolean; port?: number; testDriver?: boolean }): Promise<Host>;
export function hostLaunchArgs(opts?: { testDriver?: boolean }): string[];
export const DEMO_LAUNCH: Readonly<{ testDriver: boolean }>;
export function descendants(pid: number): number[];
export function stopTree(pid: number, rootExited?: Promise<void>, timeoutMs?: number): Promise<void>;
export function launchBrowser(d: StateDirs, opts?: { viewport?: { width: number; height: number } }): Promise<BrowserContext>;
export function workbenchUrl(host: Host, folder: string, payload?: Record<string, string>): string;
export function pruneStaleStates(): void;
export const MAX_SOCKET_DIR: number;
export function socketDir(dir: string): string;
export function freshWorkspace(d: StateDirs, name?: string): string;
