-- Provincial and national institute staff: accounts, their sessions (apart
-- from the members', with a shorter lifetime), and the outcome of the
-- on-site photo review that members see.

-- A staff account belongs to one institute; '00' (the national institute)
-- sees every member, any other code only the members of that institute.
-- The first account is made with `cicpa-admin create-staff` (no default).
CREATE TABLE staff (
  login TEXT PRIMARY KEY,
  institute TEXT NOT NULL REFERENCES institutes (code),
  password_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- Only the SHA-256 of the token is stored, as for members.
CREATE TABLE staff_sessions (
  token_hash TEXT PRIMARY KEY,
  login TEXT NOT NULL REFERENCES staff (login),
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX staff_sessions_by_login ON staff_sessions (login);

-- Why staff rejected the member's uploaded photo (shown by GET /me while
-- the member has no photo); '' when there is nothing to say.
ALTER TABLE members ADD COLUMN review_note TEXT NOT NULL DEFAULT '';

-- The review queue (oldest upload first) and the audit viewer (by date).
CREATE INDEX photo_uploads_by_time ON photo_uploads (uploaded_at);
CREATE INDEX audit_by_time ON audit_log (at);
CREATE INDEX audit_by_actor ON audit_log (actor, at);
