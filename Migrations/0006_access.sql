-- keyctl registry, schema 6: who can read a key's secret, and who left.
-- A grant is never deleted: revoking it stamps revoked_at, so the history of who could read what,
-- and until when, stays in the registry (and in the audit log, one event per change).
-- An offboarding records that a principal who could read a key left; `report` flags the key
-- `offboarding` until it is rotated after that moment.

CREATE TABLE access_grants (
    id            TEXT PRIMARY KEY NOT NULL,
    key_id        TEXT NOT NULL REFERENCES keys (id),
    principal     TEXT NOT NULL,              -- canonical form: alice@example.com, team:payments, ci:deploy
    granted_at    INTEGER NOT NULL,
    granted_by    TEXT NOT NULL,
    reason        TEXT,
    revoked_at    INTEGER,                    -- NULL while the grant is in force
    revoked_by    TEXT,
    revoke_reason TEXT,
    CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);

-- At most one grant in force per key and principal; revoked ones are kept as history.
CREATE UNIQUE INDEX access_grants_one_active ON access_grants (key_id, principal) WHERE revoked_at IS NULL;
CREATE INDEX access_grants_by_principal ON access_grants (principal, key_id);

CREATE TABLE offboardings (
    id        TEXT PRIMARY KEY NOT NULL,
    key_id    TEXT NOT NULL REFERENCES keys (id),
    principal TEXT NOT NULL,
    at        INTEGER NOT NULL,
    reason    TEXT NOT NULL,
    actor     TEXT NOT NULL,
    source    TEXT NOT NULL CHECK (source IN ('registry', 'config', 'registry+config')) -- why the principal could read the key
);

-- `report` reads the latest offboarding of each key.
CREATE INDEX offboardings_by_key ON offboardings (key_id, at);
CREATE INDEX offboardings_by_principal ON offboardings (principal);
