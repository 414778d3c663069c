"""The phone channel: lines at a TwiML provider (Twilio), the keypad menu (IVR) that the
bot's "phone" menu tree describes, putting callers through to departments, order status by
keypad, voicemail after hours, and a call log on the caller's ticket (docs/phone.md)."""
