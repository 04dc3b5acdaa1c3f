// A real httpd with the built module, on a fresh SQLite database of its own
// (demo data), on a free loopback port: the same scripts/lib.sh functions
// the demo and the pytest harness use. Each test file starts its own, so a
// flow that uses a member's one photo comparison never meets another's.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const OUT = process.env.CICPA_BROWSER_OUT || path.join(ROOT, 'tests', 'out', 'browser');

// The error-log lines that fail a run, as in tests/integration/conftest.py.
const SERIOUS = /\[(?:[\w.]+:)?(error|crit|alert|emerg)\]|exit signal/;

function lib(command, env) {
  execFileSync('bash', ['-c', `. "${ROOT}/scripts/lib.sh" && ${command}`], {
    cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'],
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(check, what, seconds = 15) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (await check()) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function accepts(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

// Starts httpd in OUT/<name>/ (made anew). extraConf: text for the
// standalone conf's @EXTRA@ (test-only directives). Resolves with
// { url, root, stop(), seriousErrors() }.
export async function startServer(name, extraConf = '') {
  const root = path.join(OUT, name);
  const db = path.join(root, 'db', 'cicpa.db');
  const conf = path.join(root, 'httpd.conf');
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  const extraFile = path.join(root, 'extra.conf');
  fs.writeFileSync(extraFile, extraConf);
  const port = await freePort();
  lib('cc_new_sqlite_db "$DB" && cc_render_conf "$SRV" "$PORT" sqlite3 "$DB" "$EXTRA"',
    { DB: db, SRV: root, PORT: String(port), EXTRA: extraFile });
  execFileSync('apache2', ['-f', conf, '-k', 'start'], { stdio: 'inherit' });
  const pidFile = path.join(root, 'httpd.pid');
  const errorLog = path.join(root, 'error.log');
  await waitFor(() => accepts(port), `httpd on port ${port} (see ${errorLog})`);
  return {
    url: `http://127.0.0.1:${port}`,
    root,
    async stop() {
      execFileSync('apache2', ['-f', conf, '-k', 'stop'], { stdio: 'ignore' });
      await waitFor(() => !fs.existsSync(pidFile), 'httpd to stop');
    },
    seriousErrors() {
      const text = fs.existsSync(errorLog) ? fs.readFileSync(errorLog, 'utf8') : '';
      return text.split('\n').filter((line) => SERIOUS.test(line));
    },
  };
}
