-- A claim in one statement (one round trip, one commit): pick the oldest delivery that may run now, lock what could
-- conflict, take it with a re-check. The function's SET walks the queue's index in claim order and reads the live
-- claims with a plain index scan (see 0005). Each statement of a volatile function sees what committed before it:
-- the re-check after the advisory lock sees every claim committed while it waited. Returns no row when nothing is
-- claimable, a row of NULLs when the candidate was lost to a concurrent claim (the caller tries again, in a new
-- transaction: a transaction holds at most one advisory lock, so claims never deadlock), else the claimed row.
CREATE FUNCTION firstmile_claim(p_owner TEXT, p_now DOUBLE PRECISION, p_until DOUBLE PRECISION, p_cap INTEGER)
RETURNS SETOF deliveries LANGUAGE plpgsql SET enable_sort = off SET enable_bitmapscan = off AS $$
DECLARE
    cand RECORD;
    taken deliveries;
BEGIN
    WITH busy AS (SELECT issue_key, installation_id FROM deliveries WHERE status = 'running'
                  AND (lease_until IS NULL OR lease_until >= p_now))
    SELECT d.id, d.issue_key, d.installation_id INTO cand FROM deliveries d
    WHERE d.status IN ('pending', 'running') AND (d.status = 'pending' OR d.lease_until < p_now)
      AND (d.issue_key IS NULL OR d.issue_key NOT IN (SELECT issue_key FROM busy WHERE issue_key IS NOT NULL))
      AND (d.installation_id IS NULL OR p_cap <= 0
           OR (SELECT COUNT(*) FROM busy b WHERE b.installation_id = d.installation_id) < p_cap)
    ORDER BY d.received_at, d.seq LIMIT 1 FOR UPDATE OF d SKIP LOCKED;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    -- the installation's lock when a cap counts its claims (an issue belongs to one installation), else the issue's
    IF cand.installation_id IS NOT NULL AND p_cap > 0 THEN
        PERFORM pg_advisory_xact_lock(hashtextextended('i' || cand.installation_id, 17));
    ELSIF cand.issue_key IS NOT NULL THEN
        PERFORM pg_advisory_xact_lock(hashtextextended('k' || cand.issue_key, 17));
    END IF;
    UPDATE deliveries d SET status = 'running', attempts = attempts + 1, updated_at = p_now, lease_owner = p_owner,
        lease_until = p_until
    WHERE d.id = cand.id AND (d.status = 'pending' OR d.lease_until < p_now)
      AND NOT EXISTS (SELECT 1 FROM deliveries r WHERE r.status = 'running' AND r.issue_key = cand.issue_key
                      AND r.id <> cand.id AND (r.lease_until IS NULL OR r.lease_until >= p_now))
      AND (cand.installation_id IS NULL OR p_cap <= 0
           OR (SELECT COUNT(*) FROM deliveries r WHERE r.status = 'running' AND r.installation_id = cand.installation_id
               AND r.id <> cand.id AND (r.lease_until IS NULL OR r.lease_until >= p_now)) < p_cap)
    RETURNING d.* INTO taken;
    RETURN NEXT taken;
END $$;
