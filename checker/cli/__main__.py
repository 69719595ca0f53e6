"""``python -m checker.cli``: the command line, as the ``claimcheck`` script runs it."""

from checker.cli.commands import run_cli

run_cli()
