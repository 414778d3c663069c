"""Web: the pages people see in a browser (for now the start page; the agent console
follows)."""
