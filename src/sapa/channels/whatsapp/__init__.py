"""The WhatsApp channel (WhatsApp Business Platform, Cloud API): business phone numbers and
their credentials, the signed webhook every delivery comes in through (kept raw), the
translation of its messages and statuses, sending through the Graph API, and the catalogue
of approved message templates."""
