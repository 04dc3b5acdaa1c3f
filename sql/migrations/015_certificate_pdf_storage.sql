-- The stored PDFs are compressed already (deflated streams, a JPEG) and
-- their base64 text barely shrinks: PostgreSQL keeps the column out of line
-- without trying to compress it (pglz spent a tenth of the CPU of bulk
-- issuance for nothing). SQLite stores text as it is anyway.
{{PGSQL}} ALTER TABLE certificate_pdfs ALTER COLUMN pdf_b64 SET STORAGE EXTERNAL;
