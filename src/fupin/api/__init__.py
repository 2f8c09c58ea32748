"""The JSON API under /api/v1: thin routers over the domain services, bearer tokens only (no cookies, so no CSRF)."""
