-- Issued certificates: the identity printed on each PDF (identifier in the
-- QR code, serial), its status, and what the public verification page shows.
-- The full name and the ID number are not copied here: the page shows only
-- the masked name, and the signed QR claim needs only the name's SHA-256.

-- seq numbers the serials; id is the 128-bit random identifier (base64url);
-- serial (CICPA-<institute>-<year>-<seq>) is set right after the insert.
-- fingerprint is the SHA-256 of the printed member data and the photo's
-- SHA-256: a download with the same fingerprint gets the same certificate.
-- status is what staff set (cicpa-admin revoke/suspend/reinstate);
-- superseded and expired follow from superseded_by and valid_until (0: no end).
CREATE TABLE certificates (
  seq {{ID}},
  id TEXT NOT NULL UNIQUE,
  serial TEXT UNIQUE,
  member_no TEXT NOT NULL REFERENCES members (member_no),
  fingerprint TEXT NOT NULL,
  photo_sha256 TEXT NOT NULL,
  name_masked TEXT NOT NULL,
  name_sha256 TEXT NOT NULL,
  category TEXT NOT NULL,
  institute_code TEXT NOT NULL DEFAULT '',
  institute TEXT NOT NULL DEFAULT '',
  issue_date TEXT NOT NULL,
  issued_at BIGINT NOT NULL,
  valid_until BIGINT NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'suspended', 'revoked')),
  status_reason TEXT NOT NULL DEFAULT '',
  status_at BIGINT NOT NULL DEFAULT 0,
  superseded_by TEXT,
  superseded_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX certificates_by_member ON certificates (member_no);

-- At most one current (not superseded) certificate per member, so that two
-- concurrent first downloads cannot both issue one.
CREATE UNIQUE INDEX certificates_current ON certificates (member_no) WHERE superseded_by IS NULL;
