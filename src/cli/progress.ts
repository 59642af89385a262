// Progress for long runs: a bar with ETA on a terminal, plain lines otherwise (CI logs).

/** Reports progress of a run. */
export interface Progress {
  update(done: number, total: number, line: string | null): void;
  finish(): void;
}

/** A progress reporter for `stream` (a bar when it is a TTY and CI is unset). */
export function progressFor(stream: NodeJS.WriteStream): Progress {
  const start = performance.now();
  const tty = stream.isTTY === true && process.env['CI'] === undefined;
  let lastDraw = 0;
  return {
    update(done, total, line) {
      const elapsed = (performance.now() - start) / 1000;
      const eta = done === 0 ? NaN : (elapsed * (total - done)) / done;
      const etaText = Number.isFinite(eta) ? `${Math.ceil(eta)} s left` : 'estimating';
      if (!tty) {
        if (line !== null) stream.write(`[${done}/${total}] ${line} (${elapsed.toFixed(1)} s, ${etaText})\n`);
        return;
      }
      if (line === null && performance.now() - lastDraw < 100 && done !== total) return;
      lastDraw = performance.now();
      const width = 30;
      const filled = Math.round((done / Math.max(1, total)) * width);
      const text = `\r[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${total} shards · ${elapsed.toFixed(0)} s · ${etaText} ${line === null ? '' : '· ' + line}`;
      stream.write(text.slice(0, (stream.columns ?? 120) - 1).padEnd(Math.min(120, (stream.columns ?? 120) - 1)));
    },
    finish() {
      if (tty) stream.write('\n');
    },
  };
}
