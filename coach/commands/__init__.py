"""One module per `coach` subcommand; imported lazily by coach.cli."""
