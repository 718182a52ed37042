"""Backfill: triage a repository's existing issues, store the decisions, and optionally label and comment."""
