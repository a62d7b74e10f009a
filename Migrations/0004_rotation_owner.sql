-- keyctl registry, schema 4: a rotation in flight belongs to the process driving it.
-- The owner (host, pid, process start) holds a lease it renews while it works; every write of the
-- rotation checks owner_epoch (a fencing token), which each takeover increments, so an owner that
-- was paused and wakes up after another process took over cannot write.
-- And the outcome of the check that the old secret is rejected after delete, which can be
-- 'unconfirmed' (the verifier could not be reached) as well as rejected or still accepted.

ALTER TABLE rotations ADD COLUMN owner_host TEXT;
ALTER TABLE rotations ADD COLUMN owner_pid INTEGER;
ALTER TABLE rotations ADD COLUMN owner_start TEXT;     -- the process's start (boot id and start time): a reused pid is another process
ALTER TABLE rotations ADD COLUMN owner_epoch INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rotations ADD COLUMN lease_until INTEGER;  -- NULL when no process drives the rotation
ALTER TABLE rotations ADD COLUMN revocation TEXT CHECK (revocation IN ('rejected', 'accepted', 'unconfirmed'));

UPDATE rotations SET revocation = CASE old_still_valid WHEN 1 THEN 'accepted' WHEN 0 THEN 'rejected' END
WHERE old_still_valid IS NOT NULL;
