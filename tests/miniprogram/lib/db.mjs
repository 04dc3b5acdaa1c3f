// What the server holds: the test httpd's SQLite database, read with the
// sqlite3 shell (JSON rows).
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export function openDb(server) {
  const file = path.join(server.root, 'db', 'cicpa.db');
  return {
    rows(sql) {
      const out = execFileSync('sqlite3', ['-json', '-readonly', file, sql], { encoding: 'utf8' }).trim();
      return out ? JSON.parse(out) : [];
    },
    // A change made behind the module's back (a lost photo, say).
    exec(sql) {
      execFileSync('sqlite3', [file, sql]);
    },
  };
}
