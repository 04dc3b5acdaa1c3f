-- Login hardening and password recovery: captchas, attempt counters and
-- reset codes, in the database so that every httpd node sees the same ones.
-- Only hashes of answers and codes are stored.

-- A captcha answer, single-use: deleted when checked.
CREATE TABLE captchas (
  captcha_id TEXT PRIMARY KEY,
  answer_hash TEXT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX captchas_by_expiry ON captchas (expires_at);

-- One row per counted event (a failed login, a recovery request) of a scope
-- such as 'login-member:<no>' or 'login-address:<ip>'; rows older than a
-- day are purged (longer than any CicpaCertLoginWindow).
CREATE TABLE throttle_events (
  id {{ID}},
  scope TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX throttle_events_by_scope ON throttle_events (scope, at);
CREATE INDEX throttle_events_by_time ON throttle_events (at);

-- The member's live password-reset code (bcrypt), at most one.
CREATE TABLE password_codes (
  member_no TEXT PRIMARY KEY REFERENCES members (member_no),
  code_hash TEXT NOT NULL,
  tries_left INTEGER NOT NULL,
  expires_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
