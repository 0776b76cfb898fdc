"""`coach link --jsonl`: link reflection text to change areas, one JSON object per line (scripts, evaluation).

Input lines: {"areas": [{"id", "title", "concern", "good_enough"}], "text": str}. Output, one line each:
{"links": [{"area": id, "score": 0..1, "sentences": [{"start", "end", "text"}]}]}, only the areas above the
decision threshold. A bad line gets {"error": "..."} and the run goes on. Models load once, on the first line.
"""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

import click

# A reflection is a few thousand words; a longer text is almost certainly the wrong input (a whole file pasted in),
# and the linker would spend seconds on it only to find nothing.
MAX_TEXT_CHARS = 100_000


def link_line(linker: Any, line: str) -> dict:
    """The output object for one input line (never raises for bad input)."""
    from coach.nlp.linker import Area

    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"error": f"not valid JSON: {exc.msg} (column {exc.colno})"}
    if not isinstance(data, dict):
        return {"error": "each line must be a JSON object with 'areas' and 'text'"}
    text = data.get("text")
    areas_in = data.get("areas")
    if not isinstance(text, str):
        return {"error": "'text' must be a string"}
    if len(text) > MAX_TEXT_CHARS:
        return {"error": f"'text' is too long to link ({len(text):,} characters; the limit is {MAX_TEXT_CHARS:,})"}
    if not isinstance(areas_in, list):
        return {"error": "'areas' must be a list of objects with id, title, concern and good_enough"}
    try:
        areas = [Area.from_mapping(a) for a in areas_in]
    except ValueError as exc:
        return {"error": str(exc)}
    ids = [a.id for a in areas]
    if len(set(ids)) != len(ids):
        return {"error": "area ids must be unique within a line"}
    return {"links": [r.to_json() for r in linker.link(text, areas)]}


def run(stream: TextIO, out: TextIO) -> int:
    """Process every line of `stream`; returns the number of error lines."""
    from coach.nlp.linker import Linker

    linker: Any = None
    errors = 0
    for raw in stream:
        line = raw.strip()
        if not line:
            continue
        if linker is None:
            linker = Linker()
        try:
            result = link_line(linker, line)
        except Exception as exc:  # a model failure on one line must not end the run
            result = {"error": f"could not link this line: {type(exc).__name__}: {exc}"}
        if "error" in result:
            errors += 1
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()
    return errors


@click.command(name="link")
@click.option("--jsonl", "jsonl", is_flag=True, help="Read JSON lines on stdin, write JSON lines on stdout.")
def command(jsonl: bool) -> None:
    """Link reflection text to change areas (JSON lines on stdin and stdout)."""
    if not jsonl:
        raise click.UsageError("coach link reads JSON lines: use 'coach link --jsonl < input.jsonl'.")
    run(sys.stdin, sys.stdout)
