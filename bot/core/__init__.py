"""The pure triage core: text in, Decision out. No network, no database, no clock, no GitHub types."""
