"""The ``workshop`` command: serve, database, plans, workshops and facilitator accounts."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``workshop`` console script."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] in (["serve"], ["loadtest"]):
        # gevent must patch the standard library before anything opens sockets or threads
        # (the load tool runs hundreds of simulated phones as greenlets).
        from gevent import monkey

        monkey.patch_all()
    from workshop.commands import cli

    cli.main(args=args, prog_name="workshop")


if __name__ == "__main__":
    main()
