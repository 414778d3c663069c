"""Browser tests: the agent console in Chromium (Playwright) against a real ASGI server."""
