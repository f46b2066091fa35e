/** Machine facts for the results file, and CPU use over a time window (Linux /proc/stat). */
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  totalMemGiB: number;
  platform: string;
  release: string;
  node: string;
  chromium: string;
}

export function machineInfo(chromium: string): MachineInfo {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    totalMemGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${os.platform()} ${os.arch()}`,
    release: os.release(),
    node: process.version,
    chromium,
  };
}

/** Cumulative busy and total CPU ticks of all cores, or null off Linux. */
export interface CpuTicks {
  busy: number;
  total: number;
}

export function readCpuTicks(): CpuTicks | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal ...: idle and iowait are not busy.
    const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

/** Share of all cores' time spent busy between two readings, 0..1. */
export function cpuBusyShare(start: CpuTicks | null, end: CpuTicks | null): number | null {
  if (start === null || end === null || end.total <= start.total) return null;
  return (end.busy - start.busy) / (end.total - start.total);
}

/**
 * Share of all cores this process used since `start` (`process.cpuUsage()`) over `wallMs`: the
 * benchmark's own process runs the origin, the tracker and the coordinator, server-side work
 * that shares the machine with the viewers here and would not in production.
 */
export function ownCpuShare(start: NodeJS.CpuUsage, wallMs: number): number | null {
  if (wallMs <= 0) return null;
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / wallMs / os.cpus().length;
}
