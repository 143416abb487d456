"""`python -m plugin.cli`: the `followup` command, as `followup run` starts it."""

from plugin.cli import main

main()
