"""The Telegram channel: bots on the Telegram Bot API. Updates arrive on a webhook (checked
by the secret token Telegram sends), are kept raw, and become inbound messages in the
worker; replies leave through the Bot API (text, inline keyboards, photos, documents)."""
