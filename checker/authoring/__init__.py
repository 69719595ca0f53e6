"""Writing claim files: drafting claims from a text, a new source, the canonical form, importing tables."""
