"""Outgoing webhooks: integrations subscribe to events and receive them HMAC-SHA256 signed,
with retries, a delivery log, and suspension after repeated failure."""
