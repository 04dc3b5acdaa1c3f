-- Photo upload and the paid comparison with the national photo database.

-- The claim on a member's comparison: the upload that sets it (with a fresh
-- request id) is the only one that may call the provider, until it clears
-- the claim or the claim expires (a crashed child). This is what makes
-- concurrent uploads on several httpd children lead to one provider call.
ALTER TABLE members ADD COLUMN compare_claim TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN compare_claim_until BIGINT NOT NULL DEFAULT 0;

-- An uploaded photo kept for the on-site review (no match, or an ID
-- document the national database does not cover).
CREATE TABLE photo_uploads (
  member_no TEXT PRIMARY KEY REFERENCES members (member_no),
  jpeg_b64 TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  reason TEXT NOT NULL,
  uploaded_at BIGINT NOT NULL
);

-- Every comparison made (never the photo bytes).
CREATE TABLE photo_comparisons (
  id {{ID}},
  member_no TEXT NOT NULL REFERENCES members (member_no),
  request_id TEXT NOT NULL,
  result TEXT NOT NULL,
  score INTEGER NOT NULL DEFAULT 0,
  at BIGINT NOT NULL
);
CREATE INDEX photo_comparisons_by_member ON photo_comparisons (member_no, at);

-- The reference provider's stand-in for the national database: one photo per
-- identity, keyed by the SHA-256 of the ID number (the number itself is not
-- stored).
CREATE TABLE reference_photos (
  id_number_sha256 TEXT PRIMARY KEY,
  jpeg_b64 TEXT NOT NULL
);
