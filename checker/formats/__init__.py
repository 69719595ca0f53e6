"""What claimcheck reads and writes on disk: the claim, rules, settings and acknowledgement files
(pydantic models and their published JSON Schemas), safe YAML reading, bounded and atomic file access,
the repository's confinement, and JSON text as claimcheck writes it."""
