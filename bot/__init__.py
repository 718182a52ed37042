"""firstmile: triage for issues in LLM-ecosystem repositories."""

__version__ = "0.1.0"
