"""Per-village figures kept beside the registry, rolled up to any level by division-code prefix."""
