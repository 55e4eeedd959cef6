"""The error every `paymon` command raises for unusable arguments or input.

In its own module so command modules never import the entry point (`paymon_cli.main`): run as
`python -m paymon_cli.main`, that module would be a second copy whose `CommandError` is a
different class from the one `main` catches.
"""

from __future__ import annotations


class CommandError(Exception):
    """An unusable argument or input; printed as `paymon: error: ...` with exit status 2."""
