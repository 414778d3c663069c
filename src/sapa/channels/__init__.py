"""Channels: the adapters that translate each provider's format into Sapa's inbound and
outbound messages, and the registry that says what each channel can do."""
