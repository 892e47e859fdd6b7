import { Presets, SingleBar } from 'cli-progress';

export interface Progress {
  /**
   * The position reached and the head: positions are a count in SQLite, log offsets in
   * EventStoreDB, so the bar shows a share.
   */
  update: (position: number, head: number) => void;
  stop: () => void;
}

/**
 * A bar on stderr while long work runs, when stderr is a terminal (redirected output and tests stay
 * clean).
 */
export function progress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar(
    {
      format: `${label.padEnd(12)} [{bar}] {percentage}% | {duration_formatted} | ETA {eta_formatted}`,
      stream,
      clearOnComplete: true,
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update: (position, head) => {
      if (!started) bar.start(Math.max(head, 1), 0);
      started = true;
      bar.setTotal(Math.max(head, 1));
      bar.update(Math.min(position, Math.max(head, 1)));
    },
    stop: () => started && bar.stop(),
  };
}
