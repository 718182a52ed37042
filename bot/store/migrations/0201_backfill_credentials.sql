-- Backfill (issue 16): what lets a re-run skip its set-up calls. Each repository's installation id (per App), and
-- each installation's access token sealed with AES-GCM (key derived from the App's private key) until it expires.
CREATE TABLE IF NOT EXISTS app_installations (
    app_id TEXT NOT NULL,
    repo TEXT NOT NULL,
    installation_id BIGINT NOT NULL,
    updated_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (app_id, repo)
);
CREATE TABLE IF NOT EXISTS app_tokens (
    app_id TEXT NOT NULL,
    installation_id BIGINT NOT NULL,
    sealed TEXT NOT NULL,
    expires_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (app_id, installation_id)
);
