-- keyctl registry, schema 5: the unsalted SHA-1 of each secret keyctl sees from now on, beside its
-- SHA-256 fingerprint, so that a detect-secrets baseline (which stores only `hashed_secret`, the
-- hex SHA-1 of the secret) can be matched to a key. Versions registered before this migration
-- keep NULL: keyctl never held their secret again, so they cannot be matched by SHA-1.

ALTER TABLE key_versions ADD COLUMN sha1 TEXT;  -- 40 lowercase hex digits, or NULL when unknown

CREATE INDEX key_versions_by_sha1 ON key_versions (sha1) WHERE sha1 IS NOT NULL;
