"""`python -m provgraph.cli`: the same as the `provgraph` command."""

from . import main

raise SystemExit(main())
