"""The log adapter: records each delivery in the database instead of sending it anywhere."""
