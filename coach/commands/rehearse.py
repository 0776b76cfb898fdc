"""`coach rehearse`: list the scenarios, or run a whole rehearsal headless from a script of practitioner
lines.

Why this exists: mentors replay a conversation, tests check the persona engine end to end, and anyone can
see what the engine does without the TUI. The rehearsal is stored exactly as the chat screen stores it (so
`coach export` shows it). Every input is checked before anything is stored: a bad scenario id or an empty,
binary or unreadable script gives a clear message and a non-zero exit, and nothing is written.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from coach.commands._common import db_option, resolve_db
from coach.errors import CoachError


def read_script(path: str) -> list[str]:
    """Practitioner lines from a file (one per line; blank lines and lines starting with # are skipped)."""
    from coach.services.rehearsal import RehearsalError, clean_line

    try:
        raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except FileNotFoundError:
        raise CoachError(f"The script {path} does not exist.") from None
    except IsADirectoryError:
        raise CoachError(f"The script {path} is a folder, not a file.") from None
    except OSError as exc:
        raise CoachError(f"The script {path} cannot be read ({exc.strerror or exc}).") from None
    if b"\x00" in raw:
        raise CoachError(f"The script {path} looks like a binary file; it must be plain text, one line per turn.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CoachError(f"The script {path} is not UTF-8 text; save it as UTF-8 and try again.") from None
    lines: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            lines.append(clean_line(line))
        except RehearsalError as exc:
            raise CoachError(f"The script {path}, line {number}: {exc}") from None
    if not lines:
        raise CoachError(f"The script {path} has no lines to say (one practitioner line per line of the file).")
    return lines


def turn_json(turn: Any) -> dict[str, Any]:
    return {
        "position": turn.position,
        "speaker": turn.speaker,
        "text": turn.text,
        "techniques": [t.to_json() for t in turn.techniques],
        "behaviour": turn.behaviour,
        "talk": turn.talk,
        "state": turn.state,
    }


def run(
    db_url: str,
    scenario_id: str,
    lines: list[str],
    seed: int,
    practitioner: str | None,
    difficulty: str | None,
    tagger: Any = None,
) -> dict[str, Any]:
    """Run the rehearsal and return the JSON document of `coach rehearse --json`."""
    from coach.services.rehearsal import RehearsalService
    from coach.store.db import Store

    store = Store.open(db_url)
    try:
        if tagger is None:
            from coach.nlp.tagger import Tagger

            tagger = Tagger.load()
        service = RehearsalService(store, tagger)
        rehearsal_id = service.start(scenario_id, seed=seed, practitioner=practitioner, difficulty=difficulty)
        for line in lines:
            response = service.submit(rehearsal_id, line)
            if response.goal_reached:
                break
        scorecard = service.end(rehearsal_id)
        view = service.get(rehearsal_id)
    finally:
        store.dispose()
    return {
        "rehearsal_id": rehearsal_id,
        "scenario_id": view.scenario_id,
        "seed": view.seed,
        "difficulty": view.difficulty,
        "goal_reached": bool(scorecard.get("goal_reached")),
        "turns": [turn_json(t) for t in view.turns],
        "scorecard": scorecard,
    }


def _print_readable(doc: dict[str, Any], persona_name: str) -> None:
    for turn in doc["turns"]:
        who = "You" if turn["speaker"] == "practitioner" else persona_name
        click.echo(f"{who}: {turn['text']}")
        if turn["speaker"] == "practitioner":
            tags = ", ".join(t["tag"].replace("_", " ") for t in turn["techniques"]) or "no technique recognised"
            click.echo(f"    [{tags}]")
        elif turn.get("state"):
            s = turn["state"]
            click.echo(f"    (trust {s['trust']:.1f}, resistance {s['resistance']:.1f}, {s['stance']})")
    card = doc["scorecard"]
    m = card["metrics"]
    click.echo("")
    click.echo(f"Rehearsal {doc['rehearsal_id']} stored. Goal reached: {'yes' if doc['goal_reached'] else 'no'}.")
    rq, pc = m["reflection_to_question"], m["percent_complex"]
    rq_text = rq["rating"] if rq["value"] is None else f"{rq['value']:.1f}:1 ({rq['rating']})"
    pc_text = pc["rating"] if pc["value"] is None else f"{pc['value']:.0f}% ({pc['rating']})"
    click.echo(
        f"Reflections to questions {rq_text}; complex reflections {pc_text}; "
        f"change talk {card['talk']['change']}, sustain talk {card['talk']['sustain']}, "
        f"discord {card['talk']['discord']}."
    )
    tip = card["practise_next"]
    click.echo(f"Practise next: {tip['tag'].replace('_', ' ')}. {tip['why']}")
    if tip.get("example"):
        click.echo(f'  For example: "{tip["example"]}"')


@click.command(name="rehearse")
@click.option("--list", "list_", is_flag=True, help="List the scenarios (id and title, one per line).")
@click.option("--scenario", "scenario_id", metavar="ID", help="The scenario to rehearse (see --list).")
@click.option("--script", "script", metavar="FILE", help="Practitioner lines, one per line ('-' reads standard input).")
@click.option(
    "--seed", type=click.IntRange(0, 2**31 - 1), default=0, show_default=True, help="Makes replies repeatable."
)
@click.option("--practitioner", metavar="NAME", default=None, help="Whose rehearsal this is (for comparing over time).")
@click.option("--difficulty", type=click.Choice(["starter", "standard", "challenging"]), default=None)
@click.option("--json", "as_json", is_flag=True, help="Print the whole rehearsal and scorecard as JSON.")
@db_option
@click.pass_context
def command(
    ctx: click.Context,
    list_: bool,
    scenario_id: str | None,
    script: str | None,
    seed: int,
    practitioner: str | None,
    difficulty: str | None,
    as_json: bool,
    db: str | None,
) -> None:
    """Rehearse a conversation headless from a script, or list the scenarios."""
    from coach.services.scenarios import get_scenario, load_scenarios

    if list_:
        scenarios, problems = load_scenarios()
        for scenario in scenarios.values():
            click.echo(f"{scenario.id}\t{scenario.title}")
        for problem in problems:
            click.echo(f"Skipped {problem}", err=True)
        return
    if not scenario_id or not script:
        raise click.UsageError("Give --scenario ID and --script FILE (or --list to see the scenarios).")
    scenario = get_scenario(scenario_id)
    lines = read_script(script)
    doc = run(resolve_db(ctx, db), scenario.id, lines, seed, practitioner, difficulty)
    if as_json:
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        _print_readable(doc, scenario.persona.name.split()[0])
