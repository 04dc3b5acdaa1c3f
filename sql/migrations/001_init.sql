-- mod_cicpa_cert schema, version 1.
-- One text for both apr-util drivers (sqlite3, pgsql); {{ID}} is an
-- auto-increment key in each dialect (see cc_sql.h). Times are Unix seconds
-- (BIGINT) so both drivers compare them the same way. Photos are stored as
-- base64 text: apr-util's binary parameters behave differently per driver.

CREATE TABLE institutes (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  phone TEXT NOT NULL,
  sort_order INTEGER NOT NULL
);

-- The profile field catalogue: what an association may change without code.
CREATE TABLE field_catalogue (
  field_key TEXT PRIMARY KEY,
  label TEXT NOT NULL,
  kind TEXT NOT NULL,
  options TEXT NOT NULL DEFAULT '',
  max_chars INTEGER NOT NULL DEFAULT 0,
  required INTEGER NOT NULL DEFAULT 0,
  member_editable INTEGER NOT NULL DEFAULT 1,
  sort_order INTEGER NOT NULL
);

CREATE TABLE members (
  member_no TEXT PRIMARY KEY,
  user_type TEXT NOT NULL CHECK (user_type IN ('non_practicing', 'practicing')),
  password_hash TEXT NOT NULL DEFAULT '',
  photo_status TEXT NOT NULL DEFAULT 'none',
  compare_attempts_used INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE member_fields (
  member_no TEXT NOT NULL REFERENCES members (member_no),
  field_key TEXT NOT NULL REFERENCES field_catalogue (field_key),
  value TEXT NOT NULL,
  PRIMARY KEY (member_no, field_key)
);
CREATE INDEX member_fields_by_value ON member_fields (field_key, value);

CREATE TABLE member_photos (
  member_no TEXT PRIMARY KEY REFERENCES members (member_no),
  jpeg_b64 TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- Server-side sessions: only the SHA-256 of the bearer token is stored.
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  member_no TEXT NOT NULL REFERENCES members (member_no),
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_member ON sessions (member_no);

CREATE TABLE audit_log (
  id {{ID}},
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  member_no TEXT,
  action TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '',
  client_ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_by_member ON audit_log (member_no, at);
