-- keyctl registry, schema 3: what a rotation changed on its key when it promoted the new version,
-- so that aborting it during the grace period puts the key back exactly (report must not count
-- an aborted rotation as a rotation, nor forget that the key was compromised).

ALTER TABLE rotations ADD COLUMN prior_rotated_at INTEGER;
ALTER TABLE rotations ADD COLUMN prior_status TEXT;
ALTER TABLE rotations ADD COLUMN prior_compromised_at INTEGER;
ALTER TABLE rotations ADD COLUMN prior_compromise_reason TEXT;
