-- The end of a member's annual registration (Unix seconds; 0: none on
-- file). A certificate is valid until the earlier of it and
-- CicpaCertValidityDays after issue; once it has passed, no certificate is
-- issued until the institute records the renewal (cicpa-admin set-registration).
ALTER TABLE members ADD COLUMN registration_valid_until BIGINT NOT NULL DEFAULT 0;
