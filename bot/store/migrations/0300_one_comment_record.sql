-- The webhook shell (0300-0399): a comment version is handled once, by one pipeline, recorded in seen_comments.
-- Its commands are safe to run again (override records are stored once per comment version), so the separate
-- record of commands run goes.
DROP TABLE IF EXISTS command_runs;
