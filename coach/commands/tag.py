"""`coach tag`: tag what was said with techniques, as a readable table or as JSON lines (the tagger's CLI contract).

`coach tag "TEXT" [--speaker practitioner|family] [--previous "TEXT"]` prints a table. `coach tag --jsonl` reads
lines {"text": str, "speaker": "practitioner"|"family", "previous": str|null} on stdin and writes one JSON line per
input line, in order, in batches (a bad or empty line gets {"error": "..."} and the run goes on). `--stream`
answers and flushes each line as soon as it is read, for interactive callers. Models load once per run.
"""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

import click

BATCH = 64


def parse_line(line: str) -> tuple[Any, str | None]:
    """(TagInput, None) for a good line, (None, error message) for a bad one."""
    from coach.nlp.tagger import MAX_CHARS, SPEAKERS, TagInput

    if not line.strip():
        return None, "empty line: expected a JSON object with 'text'"
    if len(line) > 4 * MAX_CHARS + 1000:
        return None, f"line too long: the text limit is {MAX_CHARS:,} characters per utterance"
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON: {exc.msg} (column {exc.colno})"
    if not isinstance(data, dict):
        return None, "each line must be a JSON object with 'text', 'speaker' and 'previous'"
    text = data.get("text")
    if not isinstance(text, str):
        return None, "'text' must be a string"
    speaker = data.get("speaker", "practitioner")
    if speaker is None:
        speaker = "practitioner"
    if speaker not in SPEAKERS:
        return None, f"'speaker' must be 'practitioner' or 'family', not {speaker!r}"
    previous = data.get("previous")
    if previous is not None and not isinstance(previous, str):
        return None, "'previous' must be a string or null"
    return TagInput(text, speaker, previous), None


def _flush(tagger: Any, pending: list[tuple[Any, str | None]], out: TextIO) -> int:
    items = [p[0] for p in pending if p[0] is not None]
    try:
        results = iter(tagger.tag_many(items)) if items else iter(())
        failure = None
    except Exception as exc:  # a model failure must not end the run
        results, failure = iter(()), f"could not tag this line: {type(exc).__name__}: {exc}"
    errors = 0
    for item, err in pending:
        if item is None:
            obj: dict[str, Any] = {"error": err}
        elif failure:
            obj = {"error": failure}
        else:
            obj = next(results).to_json()
        errors += "error" in obj
        out.write(json.dumps(obj, ensure_ascii=False) + "\n")
    out.flush()
    return errors


def run_jsonl(stream: TextIO, out: TextIO, stream_mode: bool = False) -> int:
    """Answer every input line in order; returns the number of error lines."""
    from coach.nlp.tagger import Tagger

    tagger: Any = None
    pending: list[tuple[Any, str | None]] = []
    errors = 0
    for raw in stream:
        pending.append(parse_line(raw.rstrip("\r\n")))
        if tagger is None and pending[-1][0] is not None:
            tagger = Tagger.load()
        if stream_mode or len(pending) >= BATCH:
            errors += _flush(tagger, pending, out)
            pending = []
    if pending:
        errors += _flush(tagger, pending, out)
    return errors


def render_table(text: str, result: Any) -> str:
    """A readable table of one result."""
    if result.error:
        return f"Not tagged: {result.error}."
    lines = []
    if result.behaviour:
        lines.append(f"Behaviour: {result.behaviour}")
    if result.talk:
        lines.append(f"Talk: {result.talk}")
    if not result.techniques:
        lines.append("No technique recognised with enough confidence.")
        return "\n".join(lines)
    lines.append(f"{'technique':<26} {'score':>5}  {'text':<40}  why")
    for h in result.techniques:
        span = text[h.start : h.end].replace("\n", " ")
        if len(span) > 40:
            span = span[:37] + "..."
        lines.append(f"{h.tag:<26} {h.score:>5.2f}  {span:<40}  {h.why}")
    return "\n".join(lines)


@click.command(name="tag")
@click.argument("text", required=False)
@click.option(
    "--speaker",
    type=click.Choice(["practitioner", "family"]),
    default="practitioner",
    show_default=True,
    help="Who said it.",
)
@click.option("--previous", default=None, help="What the other person said just before (context).")
@click.option("--jsonl", is_flag=True, help="Read JSON lines on stdin and write JSON lines on stdout.")
@click.option("--stream", is_flag=True, help="With --jsonl: answer and flush each line as soon as it is read.")
def command(text: str | None, speaker: str, previous: str | None, jsonl: bool, stream: bool) -> None:
    """Tag what was said with techniques (table), or JSON lines with --jsonl."""
    from coach.errors import CoachError

    if stream and not jsonl:
        jsonl = True
    if jsonl:
        if text is not None:
            raise CoachError("Give either TEXT or --jsonl (JSON lines on stdin), not both.")
        run_jsonl(sys.stdin, sys.stdout, stream_mode=stream)
        return
    if text is None:
        raise CoachError('Nothing to tag. Use: coach tag "What would Cai say about that?" (or --jsonl).')
    from coach.nlp.tagger import Tagger, check_text

    err = check_text(text)
    if err:
        raise CoachError(f"Cannot tag this: {err}.")
    result = Tagger.load().tag(text, speaker=speaker, previous=previous)
    click.echo(render_table(text, result))
