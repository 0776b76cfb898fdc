"""Loading and checking the rehearsal scenarios in prompts/scenarios/*.yaml.

Scenarios are written by practice mentors, not programmers, so every file is validated and a broken one is
reported by name with the exact problem ("scenarios/x.yaml: responses[3].stance must be hostile, guarded
or open") while every other file still loads. The format is documented in prompts/README.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coach.errors import CoachError
from coach.nlp.phrasebank import FAMILY_TAGS, TECHNIQUE_IDS
from coach.paths import PROJECT_ROOT, PROMPTS_DIR

STANCES = ("hostile", "guarded", "open")
TALKS = ("change", "sustain", "neutral", "discord")
DIFFICULTIES = ("starter", "standard", "challenging")
ROLES = ("mother", "father", "carer", "partner", "young person", "grandparent")
MIN_RESPONSES = 40
# Ordinary conversational moves that carry no technique; a line whose `cue` names one answers that move
# (prompts/README.md, "Ordinary conversation"). The persona engine recognises them in what the worker says.
MOVES = ("greeting", "goodbye", "apology", "small_talk", "practical", "fact")
CUES = frozenset(t for t in TECHNIQUE_IDS if t not in FAMILY_TAGS) | frozenset(MOVES)
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class ScenarioError(CoachError):
    """A scenario id that does not exist, or a file that cannot be used."""


@dataclass(frozen=True)
class ChangeArea:
    id: str
    title: str
    concern: str
    good_enough: str


@dataclass(frozen=True)
class Response:
    id: str
    text: str
    stance: str
    talk: str
    topic: str
    area: str | None = None
    cue: tuple[str, ...] = ()
    min_trust: int = 0
    disclosure: bool = False


@dataclass(frozen=True)
class Persona:
    name: str
    role: str
    age: int | None
    who: str
    knows: tuple[str, ...]
    fears: tuple[str, ...]
    opens_up: tuple[str, ...]
    shuts_down: tuple[str, ...]


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    summary: str
    difficulty: str
    setting: str
    persona: Persona
    start_trust: int
    start_resistance: int
    goal_trust: int
    goal_change_talk: int
    change_areas: tuple[ChangeArea, ...]
    opening: str
    responses: tuple[Response, ...]
    path: Path | None = field(default=None, compare=False)

    def response(self, response_id: str) -> Response:
        for line in self.responses:
            if line.id == response_id:
                return line
        raise KeyError(response_id)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


class _Problems(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _text(data: dict, key: str, where: str, problems: list[str], required: bool = True) -> str:
    value = data.get(key)
    if value is None:
        if required:
            problems.append(f"{where}{key} is missing")
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        problems.append(f"{where}{key} must be text")
        return ""
    value = str(value).strip()
    if required and not value:
        problems.append(f"{where}{key} is empty")
    return value


def _int(data: dict, key: str, where: str, problems: list[str], lo: int, hi: int, default: int | None = None) -> int:
    value = data.get(key, default)
    if value is None:
        problems.append(f"{where}{key} is missing")
        return lo
    if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
        problems.append(f"{where}{key} must be a whole number from {lo} to {hi}")
        return lo
    return value


def _str_list(data: dict, key: str, where: str, problems: list[str]) -> tuple[str, ...]:
    value = data.get(key, [])
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(f"{where}{key} must be a list of words or sentences")
        return ()
    return tuple(v.strip() for v in value if v.strip())


def parse_scenario(data: Any, stem: str) -> Scenario:
    """Build a Scenario from parsed YAML; raises _Problems listing everything wrong with it."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise _Problems(["the file must be a YAML mapping (id:, title:, persona:, responses: ...)"])
    sid = _text(data, "id", "", problems)
    if sid and not _ID.match(sid):
        problems.append("id must be lower-case words joined by '-'")
    elif sid and sid != stem:
        problems.append(f"id '{sid}' must equal the file name '{stem}'")
    title = _text(data, "title", "", problems)
    summary = _text(data, "summary", "", problems)
    setting = _text(data, "setting", "", problems, required=False)
    difficulty = _text(data, "difficulty", "", problems)
    if difficulty and difficulty not in DIFFICULTIES:
        problems.append("difficulty must be starter, standard or challenging")

    pdata = data.get("persona")
    if not isinstance(pdata, dict):
        problems.append("persona is missing (name, role, who, opens_up, shuts_down ...)")
        pdata = {}
    role = _text(pdata, "role", "persona.", problems)
    if role and role not in ROLES:
        problems.append("persona.role must be one of: " + ", ".join(ROLES))
    age = pdata.get("age")
    if age is not None and (not isinstance(age, int) or isinstance(age, bool) or not 0 < age < 120):
        problems.append("persona.age must be a whole number")
        age = None
    persona = Persona(
        name=_text(pdata, "name", "persona.", problems),
        role=role,
        age=age,
        who=_text(pdata, "who", "persona.", problems, required=False),
        knows=_str_list(pdata, "knows", "persona.", problems),
        fears=_str_list(pdata, "fears", "persona.", problems),
        opens_up=_str_list(pdata, "opens_up", "persona.", problems),
        shuts_down=_str_list(pdata, "shuts_down", "persona.", problems),
    )

    start = data.get("start")
    if not isinstance(start, dict):
        problems.append("start is missing (trust: 0..10, resistance: 0..10)")
        start = {}
    goal = data.get("goal")
    if not isinstance(goal, dict):
        problems.append("goal is missing (trust: 0..10, change_talk: count)")
        goal = {}
    start_trust = _int(start, "trust", "start.", problems, 0, 10)
    start_resistance = _int(start, "resistance", "start.", problems, 0, 10)
    goal_trust = _int(goal, "trust", "goal.", problems, 0, 10)
    goal_change = _int(goal, "change_talk", "goal.", problems, 0, 100, default=0)

    areas: list[ChangeArea] = []
    raw_areas = data.get("change_areas") or []
    if not isinstance(raw_areas, list):
        problems.append("change_areas must be a list")
        raw_areas = []
    for i, item in enumerate(raw_areas):
        where = f"change_areas[{i}]."
        if not isinstance(item, dict):
            problems.append(f"change_areas[{i}] must be a mapping (id, title, concern, good_enough)")
            continue
        aid = _text(item, "id", where, problems)
        if aid and not _ID.match(aid):
            problems.append(f"{where}id must be lower-case words joined by '-'")
        if any(a.id == aid for a in areas):
            problems.append(f"{where}id '{aid}' is used twice")
        areas.append(
            ChangeArea(
                id=aid,
                title=_text(item, "title", where, problems),
                concern=_text(item, "concern", where, problems),
                good_enough=_text(item, "good_enough", where, problems),
            )
        )
    area_ids = {a.id for a in areas}

    responses: list[Response] = []
    raw = data.get("responses")
    if not isinstance(raw, list):
        problems.append("responses must be a list of lines")
        raw = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        where = f"responses[{i}]."
        if not isinstance(item, dict):
            problems.append(f"responses[{i}] must be a mapping (id, text, stance, talk, topic)")
            continue
        rid = _text(item, "id", where, problems)
        if rid in seen:
            problems.append(f"{where}id '{rid}' is used twice")
        seen.add(rid)
        stance = _text(item, "stance", where, problems)
        if stance and stance not in STANCES:
            problems.append(f"{where}stance must be hostile, guarded or open")
        talk = _text(item, "talk", where, problems)
        if talk and talk not in TALKS:
            problems.append(f"{where}talk must be change, sustain, neutral or discord")
        area = item.get("area")
        if area is not None and area not in area_ids:
            problems.append(f"{where}area '{area}' is not one of the change_areas ids")
        cue = _str_list(item, "cue", where, problems)
        unknown = [c for c in cue if c not in CUES]
        if unknown:
            problems.append(
                f"{where}cue '{unknown[0]}' is not a technique id (TECHNIQUES.md) or one of: " + ", ".join(MOVES)
            )
        disclosure = item.get("disclosure", False)
        if not isinstance(disclosure, bool):
            problems.append(f"{where}disclosure must be true or false")
            disclosure = False
        responses.append(
            Response(
                id=rid,
                text=_text(item, "text", where, problems),
                stance=stance,
                talk=talk,
                topic=_text(item, "topic", where, problems, required=False),
                area=area if isinstance(area, str) else None,
                cue=cue,
                min_trust=_int(item, "min_trust", where, problems, 0, 10, default=0),
                disclosure=disclosure,
            )
        )
    if raw and len(responses) < MIN_RESPONSES:
        problems.append(f"responses has {len(responses)} lines; at least {MIN_RESPONSES} are needed")
    opening = _text(data, "opening", "", problems)
    if opening and opening not in seen:
        problems.append(f"opening '{opening}' is not the id of a line in responses")
    for stance in STANCES:
        if responses and not any(r.stance == stance for r in responses):
            problems.append(f"responses has no line with stance {stance}")
    if problems:
        raise _Problems(problems)
    return Scenario(
        id=sid,
        title=title,
        summary=summary,
        difficulty=difficulty,
        setting=setting,
        persona=persona,
        start_trust=start_trust,
        start_resistance=start_resistance,
        goal_trust=goal_trust,
        goal_change_talk=goal_change,
        change_areas=tuple(areas),
        opening=opening,
        responses=tuple(responses),
    )


def load_scenario_file(path: Path) -> Scenario:
    """One scenario file; raises ScenarioError naming the file and every problem."""
    import yaml

    name = _display(path)
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(f"{name}: the file is not UTF-8 text") from None
    except OSError as exc:
        raise ScenarioError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    try:
        # libyaml's safe loader when PyYAML has it: the nine scenarios parse in about half the time (the picker
        # opens on them); same data, same errors (checked on every scenario file).
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        detail = getattr(exc, "problem", None) or exc
        raise ScenarioError(f"{name}: not valid YAML{where} ({detail})") from None
    try:
        scenario = parse_scenario(data, path.stem)
    except _Problems as exc:
        raise ScenarioError(f"{name}: " + "; ".join(exc.problems)) from None
    object.__setattr__(scenario, "path", path)
    return scenario


_CACHE: dict[Path, tuple[tuple, dict[str, Scenario], list[str]]] = {}


def load_scenarios(directory: Path | None = None) -> tuple[dict[str, Scenario], list[str]]:
    """All scenarios in `directory` (default prompts/scenarios) by id, one problem line per broken file."""
    directory = Path(directory) if directory is not None else PROMPTS_DIR / "scenarios"
    files = sorted(directory.glob("*.yaml")) if directory.is_dir() else []
    key = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    cached = _CACHE.get(directory)
    if cached and cached[0] == key:
        return dict(cached[1]), list(cached[2])
    scenarios: dict[str, Scenario] = {}
    problems: list[str] = []
    if not directory.is_dir():
        problems.append(f"{_display(directory)}: the scenarios folder does not exist")
    for path in files:
        try:
            scenario = load_scenario_file(path)
        except ScenarioError as exc:
            problems.append(str(exc))
            continue
        scenarios[scenario.id] = scenario
    _CACHE[directory] = (key, scenarios, problems)
    return dict(scenarios), list(problems)


def get_scenario(scenario_id: str, directory: Path | None = None) -> Scenario:
    """The scenario with this id, or a ScenarioError that lists the ids there are."""
    scenarios, problems = load_scenarios(directory)
    if scenario_id in scenarios:
        return scenarios[scenario_id]
    for problem in problems:
        if Path(problem.split(":", 1)[0]).stem == scenario_id:
            raise ScenarioError(f"Scenario '{scenario_id}' cannot be used: {problem}")
    known = ", ".join(sorted(scenarios)) or "none"
    raise ScenarioError(f"There is no scenario '{scenario_id}'. Known scenarios: {known}.")
