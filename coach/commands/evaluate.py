"""`coach eval`: measure the tagger. `coach eval annomi PATH.csv [--folds 5]` runs transcript-level cross-validation.

Why: accuracy claims must be reproducible by anyone with the AnnoMI file, on transcripts each fold has not seen.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import click


@click.group(name="eval")
def group() -> None:
    """Measure the tagger (e.g. on AnnoMI)."""


@group.command(name="annomi")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--folds", default=5, show_default=True, type=int, help="Number of transcript-level folds.")
def annomi(path: Path, folds: int) -> None:
    """Grouped cross-validation on an AnnoMI CSV: macro-F1, per-class F1 and confusion matrices."""
    from coach.errors import CoachError

    if folds < 2:
        raise CoachError("--folds must be at least 2.")
    if path.is_dir():
        raise CoachError(f"{path} is a folder; give the AnnoMI CSV file (e.g. AnnoMI-full.csv).")
    if not path.is_file():
        raise CoachError(f"AnnoMI file not found: {path}")
    try:
        with path.open("rb") as handle:
            head = handle.read(65536)
    except OSError as exc:
        raise CoachError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)  # a cut last character is fine
        text = b"\0" not in head
    except UnicodeDecodeError:
        text = False
    if not text:
        raise CoachError(f"{path} is not a text file: the AnnoMI file is a UTF-8 CSV.")
    from coach.nlp.evaluate import cross_validate

    click.echo(f"Transcript-level {folds}-fold cross-validation on {path.name} (each fold retrained).")
    for report in cross_validate(path, folds=folds):
        click.echo(report.render())
        click.echo("")
