-- The signed PDF of a certificate, stored once: the first download (or
-- `cicpa-admin issue-certificates`) renders, signs and inserts it; every
-- later download of that certificate serves exactly these bytes. The bytes
-- live in the database so that every httpd node on it serves the same file
-- and a crash leaves either the whole row or none (one INSERT). The
-- primary key makes the first insert win: a node that rendered too late
-- discards its bytes and serves the stored ones.
-- pdf_b64 is base64 (as member_photos.jpeg_b64: the same text column on
-- SQLite and PostgreSQL through apr-util's DBD); sha256 (hex) is the ETag.
CREATE TABLE certificate_pdfs (
  certificate_id TEXT PRIMARY KEY REFERENCES certificates (id),
  sha256 TEXT NOT NULL,
  size BIGINT NOT NULL,
  pdf_b64 TEXT NOT NULL,
  stored_at BIGINT NOT NULL
);
