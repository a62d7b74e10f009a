-- keyctl registry, schema 1: keys, their versions (fingerprints only, never secrets)
-- and the hash-chained audit log. Timestamps are whole seconds since the Unix epoch, UTC.

CREATE TABLE keys (
    id                TEXT PRIMARY KEY NOT NULL,
    name              TEXT NOT NULL,
    env               TEXT NOT NULL,
    scopes            TEXT NOT NULL,             -- comma-separated, sorted, no duplicates
    owner             TEXT,
    description       TEXT,
    labels            TEXT NOT NULL DEFAULT '{}', -- JSON object of string to string
    status            TEXT NOT NULL DEFAULT 'active'
                      CHECK (status IN ('active', 'compromised', 'retired')),
    created_at        INTEGER NOT NULL,
    rotated_at        INTEGER,
    max_age_seconds   INTEGER CHECK (max_age_seconds > 0), -- per-key override of the policy
    compromised_at    INTEGER,
    compromise_reason TEXT,
    last_verified_at  INTEGER,
    last_verify_ok    INTEGER,
    UNIQUE (env, name)
);

CREATE TABLE key_versions (
    id          TEXT PRIMARY KEY NOT NULL,
    key_id      TEXT NOT NULL REFERENCES keys (id) ON DELETE CASCADE,
    fingerprint TEXT NOT NULL UNIQUE,            -- 'sha256:' + hex of SHA-256 of the secret
    hint        TEXT NOT NULL,                   -- masked: at most the last 4 characters
    issuer_ref  TEXT,                            -- the issuer's own id for this credential
    stage       TEXT NOT NULL
                CHECK (stage IN ('pending', 'current', 'previous', 'revoked')),
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);

CREATE INDEX key_versions_by_key ON key_versions (key_id);
CREATE UNIQUE INDEX key_versions_one_current ON key_versions (key_id) WHERE stage = 'current';

CREATE TABLE audit_events (
    seq       INTEGER PRIMARY KEY NOT NULL,      -- position in the chain, from 1
    id        TEXT NOT NULL UNIQUE,
    at        INTEGER NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    key_name  TEXT,
    key_env   TEXT,
    details   TEXT NOT NULL,                     -- JSON object, never a secret
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);

CREATE INDEX audit_events_by_key ON audit_events (key_env, key_name, seq);
