"""The agent console's pages, split by what they show."""
