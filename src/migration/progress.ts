/**
 * Replay progress on stderr: a bar redrawn in place with `\r` on a terminal, and at most about
 * twenty plain lines otherwise (CI logs), so a long replay neither floods nor goes silent.
 */
export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface Progress {
  advance(failed: boolean): void;
  finish(): void;
}

const barWidth = 28;

export function createProgress(output: ProgressOutput, total: number): Progress {
  let done = 0;
  let failures = 0;
  let lastStep = -1;
  const line = () => {
    const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
    const failed = failures > 0 ? `, ${failures} with an error` : '';
    return { percent, text: `${done}/${total} requests (${percent}%)${failed}` };
  };
  const draw = () => {
    const { percent, text } = line();
    if (output.isTTY) {
      const filled = total === 0 ? barWidth : Math.round((done / total) * barWidth);
      output.write(`\r[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${text}`);
      return;
    }
    const step = Math.floor(percent / 5);
    if (step !== lastStep || done === total) {
      lastStep = step;
      output.write(`replay: ${text}\n`);
    }
  };
  return {
    advance(failed) {
      done += 1;
      if (failed) failures += 1;
      draw();
    },
    finish() {
      if (output.isTTY) output.write('\n');
    },
  };
}
