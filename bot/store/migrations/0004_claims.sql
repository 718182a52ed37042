-- Claims with a lease, for several replicas on one database (issue 17): who holds a running delivery and until
-- when; the issue and installation it belongs to, so one issue runs in one place at a time and one installation
-- cannot take every worker.
ALTER TABLE deliveries ADD COLUMN issue_key TEXT;
ALTER TABLE deliveries ADD COLUMN installation_id BIGINT;
ALTER TABLE deliveries ADD COLUMN lease_owner TEXT;
ALTER TABLE deliveries ADD COLUMN lease_until DOUBLE PRECISION;
CREATE INDEX deliveries_running ON deliveries (issue_key, installation_id, lease_until) WHERE status = 'running';
