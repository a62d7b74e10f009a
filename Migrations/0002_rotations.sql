-- keyctl registry, schema 2: durable rotations and their step journal.
-- Secrets held across a crash (the new credential, targets' previous values) are stored only
-- sealed with AES-GCM under a key that is not in the registry, and wiped when the rotation ends.

CREATE TABLE rotations (
    id              TEXT PRIMARY KEY NOT NULL,
    key_id          TEXT NOT NULL REFERENCES keys (id),
    state           TEXT NOT NULL
                    CHECK (state IN ('create', 'deploy', 'verify', 'grace', 'delete', 'confirm', 'done', 'failed', 'aborted')),
    failed_step     TEXT,                  -- the step that failed, while state = 'failed'
    failure         TEXT,                  -- what went wrong, never a secret
    emergency       INTEGER NOT NULL DEFAULT 0,
    grace_seconds   INTEGER NOT NULL,
    grace_until     INTEGER,
    issuer          TEXT NOT NULL,         -- the issuer's name in keyctl.toml
    targets         TEXT NOT NULL,         -- JSON array of deploy target names, in order
    verifier        TEXT,
    idempotency_key TEXT NOT NULL,         -- sent to the issuer so a retried create makes one credential
    old_version_id  TEXT REFERENCES key_versions (id),
    new_version_id  TEXT REFERENCES key_versions (id),
    sealed_secret   BLOB,                  -- the new secret, sealed; NULL once the rotation ends
    snapshots_taken INTEGER NOT NULL DEFAULT 0,
    deployed_count  INTEGER NOT NULL DEFAULT 0,
    promoted        INTEGER NOT NULL DEFAULT 0,
    old_still_valid INTEGER,               -- after delete: 1 if the old secret was still accepted
    actor           TEXT NOT NULL,
    started_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    finished_at     INTEGER
);

-- One rotation in flight per key, enforced by the database for every process sharing it.
CREATE UNIQUE INDEX rotations_one_in_flight ON rotations (key_id) WHERE state NOT IN ('done', 'aborted');
CREATE INDEX rotations_by_state ON rotations (state, grace_until);

-- What each deploy target held before the rotation, sealed, to restore it on abort.
CREATE TABLE rotation_snapshots (
    rotation_id  TEXT NOT NULL REFERENCES rotations (id),
    target_index INTEGER NOT NULL,
    sealed_value BLOB,                     -- NULL once the rotation ends
    PRIMARY KEY (rotation_id, target_index)
);

-- Every step attempt, recorded before it starts and after it ends.
CREATE TABLE rotation_steps (
    rotation_id TEXT NOT NULL REFERENCES rotations (id),
    seq         INTEGER NOT NULL,
    step        TEXT NOT NULL,
    target      TEXT,
    phase       TEXT NOT NULL CHECK (phase IN ('started', 'succeeded', 'failed')),
    at          INTEGER NOT NULL,
    detail      TEXT,
    PRIMARY KEY (rotation_id, seq)
);
