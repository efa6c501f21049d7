/**
 * System metrics as MLflow's SystemMetricsMonitor logs them (mlflow/system_metrics/): CPU, memory
 * and, where `nvidia-smi` answers, each GPU, under MLflow's names, sampled every 10 s by default
 * and logged with an increasing step. Node only: the samplers load `node:os` and
 * `node:child_process` when started, so importing the SDK in a Worker or a browser costs nothing.
 */
export const SYSTEM_METRICS_INTERVAL_MS = 10_000;

export type Sample = Record<string, number>;

export interface SystemMetricsOptions {
  /** Between samples, in ms (MLflow: 10 s). */
  intervalMs?: number;
  /** The `nvidia-smi` to run (default: the one on PATH); none found means no GPU metrics. */
  nvidiaSmi?: string;
}

type Os = typeof import("node:os");
type ExecFile = (file: string, args: string[]) => Promise<{ stdout: string }>;

const MB = 1024 * 1024;

/** Reads CPU and memory from node:os, the GPUs from nvidia-smi. */
export class SystemSampler {
  private lastCpu: { idle: number; total: number } | undefined;
  private gpus = true;

  private constructor(
    private readonly os: Os,
    private readonly execFile: ExecFile,
    private readonly nvidiaSmi: string,
  ) {
    this.lastCpu = this.cpuTimes();
  }

  /** Undefined outside Node. */
  static async create(nvidiaSmi = "nvidia-smi"): Promise<SystemSampler | undefined> {
    if (!(globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node)
      return undefined;
    const os = await import("node:os");
    const { execFile } = await import("node:child_process");
    const { promisify } = await import("node:util");
    return new SystemSampler(os, promisify(execFile) as ExecFile, nvidiaSmi);
  }

  async sample(): Promise<Sample> {
    const total = this.os.totalmem();
    const used = total - this.os.freemem();
    const sample: Sample = {
      "system/system_memory_usage_megabytes": used / MB,
      "system/system_memory_usage_percentage": (used / total) * 100,
    };
    const cpu = this.cpuTimes();
    if (this.lastCpu && cpu.total > this.lastCpu.total) {
      const busy = 1 - (cpu.idle - this.lastCpu.idle) / (cpu.total - this.lastCpu.total);
      sample["system/cpu_utilization_percentage"] = Math.max(0, Math.min(100, busy * 100));
    }
    this.lastCpu = cpu;
    return { ...sample, ...(await this.gpuSample()) };
  }

  private cpuTimes(): { idle: number; total: number } {
    let idle = 0;
    let total = 0;
    for (const { times } of this.os.cpus()) {
      idle += times.idle;
      total += times.idle + times.user + times.nice + times.sys + times.irq;
    }
    return { idle, total };
  }

  private async gpuSample(): Promise<Sample> {
    if (!this.gpus) return {};
    try {
      const { stdout } = await this.execFile(this.nvidiaSmi, [
        "--query-gpu=utilization.gpu,memory.used,memory.total,power.draw",
        "--format=csv,noheader,nounits",
      ]);
      const sample: Sample = {};
      stdout
        .trim()
        .split("\n")
        .filter((line) => line.trim() !== "")
        .forEach((line, gpu) => {
          const [utilization, usedMb, totalMb, power] = line.split(",").map((field) => Number(field.trim()));
          const put = (name: string, value: number | undefined) => {
            if (value !== undefined && Number.isFinite(value)) sample[`system/gpu_${gpu}_${name}`] = value;
          };
          put("utilization_percentage", utilization);
          put("memory_usage_megabytes", usedMb);
          put(
            "memory_usage_percentage",
            usedMb !== undefined && totalMb ? (usedMb / totalMb) * 100 : undefined,
          );
          put("power_usage_watts", power);
        });
      return sample;
    } catch {
      // No nvidia-smi (or no driver): stop asking, as MLflow does when pynvml is missing.
      this.gpus = false;
      return {};
    }
  }
}

/** Samples every `intervalMs` and hands each sample to `log` with its step (0, 1, 2, ...). */
export class SystemMetricsMonitor {
  private timer: ReturnType<typeof setInterval> | undefined;
  private step = 0;
  private sampling: Promise<void> | undefined;

  constructor(
    private readonly sampler: SystemSampler,
    private readonly log: (sample: Sample, step: number) => void,
    private readonly intervalMs = SYSTEM_METRICS_INTERVAL_MS,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.sampling ??= this.sampler
        .sample()
        .then((sample) => this.log(sample, this.step++))
        .catch(() => {})
        .finally(() => {
          this.sampling = undefined;
        });
    }, this.intervalMs);
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** Stops sampling; resolves once a sample in progress has been logged. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.sampling;
  }
}

/** A started monitor, or undefined where there is no system to sample (Workers, browsers). */
export async function startSystemMetrics(
  options: SystemMetricsOptions,
  log: (sample: Sample, step: number) => void,
): Promise<SystemMetricsMonitor | undefined> {
  const sampler = await SystemSampler.create(options.nvidiaSmi);
  if (!sampler) return undefined;
  const monitor = new SystemMetricsMonitor(sampler, log, options.intervalMs);
  monitor.start();
  return monitor;
}
