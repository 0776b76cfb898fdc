"""The one exception family whose message is meant for the user; the CLI and TUI show it without a traceback."""


class CoachError(Exception):
    """A problem the user can understand and act on. str(exc) is the message shown."""

    exit_code = 2
