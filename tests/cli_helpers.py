"""Run the `coach` command line in-process, as the tests of its commands and of bad input do."""

from __future__ import annotations

import pytest

from coach.cli import main


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `coach ARGS`, run in this process."""
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err
