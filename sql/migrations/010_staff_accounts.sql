-- A disabled staff account (cicpa-admin disable-staff) cannot log in; the
-- row stays so that the audit trail still names it. 1: disabled.
ALTER TABLE staff ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
