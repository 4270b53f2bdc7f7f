// tests/lib/dev.mjs — running `mfbuild watch` and `mfbuild dev` in the
// background for the dev-loop suites: start, wait for a line on stderr
// (each rebuild prints one), stop with SIGTERM.
import { spawn } from 'node:child_process';
import { writeFileSync, renameSync } from 'node:fs';
import { bin } from './mfbuild.mjs';

/**
 * Starts `mfbuild <command> ...args` in `cwd`.  Returns { proc, log(),
 * waitFor(re, after), port, stop() }: log() is stderr so far; waitFor
 * resolves with the match of `re` in stderr after offset `after` (default:
 * from the start) and rejects after `timeout` ms with the log; `port` is set
 * for `dev` once it printed where it serves.
 */
export async function startDev(command, cwd, args = [], { timeout = 30_000 } = {}) {
  const proc = spawn(bin, [command, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  const waiters = [];
  const check = () => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      const w = waiters[i];
      const m = w.re.exec(err.slice(w.after));
      if (m) {
        waiters.splice(i, 1);
        clearTimeout(w.timer);
        w.resolve(m);
      }
    }
  };
  proc.stderr.on('data', (d) => {
    err += d;
    check();
  });
  proc.stdout.on('data', (d) => {
    err += d;
    check();
  });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const dev = {
    proc,
    exited,
    log: () => err,
    waitFor(re, after = 0, ms = timeout) {
      return new Promise((resolve, reject) => {
        const w = { re, after, resolve };
        w.timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          reject(new Error(`timed out waiting for ${re} in mfbuild ${command} output:\n${err}`));
        }, ms);
        waiters.push(w);
        check();
      });
    },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      return exited;
    },
  };
  exited.then(() => {
    for (const w of waiters.splice(0)) {
      clearTimeout(w.timer);
      w.resolve(null);
    }
  });
  if (command === 'dev') {
    const m = await dev.waitFor(/serving .* on http:\/\/[^:]+:(\d+)\//);
    if (!m) throw new Error(`mfbuild dev exited:\n${err}`);
    dev.port = Number(m[1]);
  }
  return dev;
}

/** Saves a file as editors do: a temporary file renamed over it. */
export function save(path, text) {
  writeFileSync(path + '.tmp~', text);
  renameSync(path + '.tmp~', path);
}
