"""``python -m workshop`` is the ``workshop`` command."""

from workshop.cli import main

main()
