import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, freemem, loadavg, release, totalmem } from 'node:os';
import { connectRedis, redisVersion } from './redis.js';

export interface MachineDescription {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  freeMemoryGiB: number;
  os: string;
  node: string;
  redis: string;
  /** 1, 5 and 15 minute load averages when the run started: other agents share this machine. */
  loadAverageAtStart: number[];
  loadAverageAtEnd?: number[];
  startedAt: string;
  finishedAt?: string;
  gitCommit: string;
  packages: Record<string, string>;
}

function installedVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')) as { version: string })
      .version;
  } catch {
    return 'not installed';
  }
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

export async function describeMachine(): Promise<MachineDescription> {
  const redis = connectRedis();
  const version = await redisVersion(redis);
  await redis.quit();
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeMemoryGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
    os: `${process.platform} ${release()}`,
    node: process.version,
    redis: version,
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
    startedAt: new Date().toISOString(),
    gitCommit: gitCommit(),
    packages: Object.fromEntries(
      [
        'bullmq',
        'ioredis',
        '@modelcontextprotocol/server',
        '@modelcontextprotocol/sdk',
        'fastmcp',
        'zod',
        'tsx',
      ].map((name) => [name, installedVersion(name)]),
    ),
  };
}

export function finishMachine(machine: MachineDescription): void {
  machine.loadAverageAtEnd = loadavg().map((l) => Math.round(l * 100) / 100);
  machine.finishedAt = new Date().toISOString();
}
