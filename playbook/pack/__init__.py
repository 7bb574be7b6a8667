"""Stage 1, the rule pack: read, build, overlay, lint, schema, validate, cache and translate a pack."""
