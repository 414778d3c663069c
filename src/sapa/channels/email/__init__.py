"""The email channel: mailboxes, parsing, threading, IMAP polling and SMTP delivery."""
