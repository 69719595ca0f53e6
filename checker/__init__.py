"""claimcheck: a cross-source fact-consistency checker."""

__version__ = "0.1.0"
