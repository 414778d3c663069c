"""Core: the audit trail (Event), tags, counters, actors, errors and configuration helpers
that every other domain builds on."""
