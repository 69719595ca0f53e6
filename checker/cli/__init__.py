"""The command line: options parsed into a request (``options``), which the pipeline runs.

``main`` is the command group (``commands.py``, with the commands that run checks); the other commands live beside it
by what they are for: ``review`` (ack), ``tables`` (import, resolve), ``authoring`` (extract, new-source, fmt,
schema). ``userfiles`` guards the files a user names. Nothing else in the package imports this folder.
"""

from __future__ import annotations

from checker.cli.commands import main, run_cli

__all__ = ["main", "run_cli"]
