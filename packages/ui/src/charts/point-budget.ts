/**
 * Points a chart asks per run: a chart is at most ~1,000 px wide, so a lone run gets 1,000 (one per pixel)
 * and runs sharing a chart split about 10,000 between them (100 each for 100 runs, one every
 * ~10 px per line, where 100 overlapping lines hide finer detail anyway) but never fewer than 50.
 * MLflow's own UI asks 320 steps whatever the number of runs; the answer's size, and so the first
 * frame, grows with runs × points (bench/ui.ts).
 */
export const pointsPerRun = (runs: number) => Math.min(1000, Math.max(50, Math.floor(10_000 / runs)));
