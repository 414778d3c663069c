"""The HTTP API (v1): assembles each domain's ninja router, authentication and the one place
where domain errors become HTTP responses."""
