"""Plain values the rest is built on: time spans, units, names, counts in words, and the finding record."""
