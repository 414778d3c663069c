"""Customers: one person across every channel (identities), their lifecycle stage, tags and
notes, and the merging of duplicates."""
