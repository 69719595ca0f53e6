"""The CI gate: acknowledgements, the fail policy and exit code, and changes against a git revision."""
