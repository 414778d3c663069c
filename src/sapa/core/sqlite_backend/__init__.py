"""SQLite, with write transactions of one process queued on a lock instead of polling."""
