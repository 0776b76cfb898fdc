"""The workspace file: export everything to JSON, import JSON or YAML, with natural keys, not database ids.

The format ("format": "coach-workspace", "version": 1) is documented for people in `sessions/README.md`.
People are named by display name, cases by reference, change areas by title within their case, rehearsals by
scenario id; children are nested in their parent (readings in areas, turns in rehearsals, comments in
what they comment on). So a file can be read, written by hand, moved between SQLite and PostgreSQL, and
export -> import into an empty database -> export gives the same file.

Import validates the whole file first (every problem named with its place, e.g.
`cases[1].change_areas[0].readings[2].score: must be 1-10, got 11`), then writes it in ONE transaction: a bad
file writes nothing. Into a non-empty database: practitioners are matched by display name (an existing one is
kept as it is), a case reference that already exists is refused, reflections/rehearsals/drills are added.
"""

from __future__ import annotations

import json
import math
import os
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from coach.errors import CoachError

FORMAT_NAME = "coach-workspace"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_PROBLEMS = 20

ROLE_VALUES = ("practitioner", "mentor", "facilitator")
REHEARSAL_STATUS_VALUES = ("active", "ended")
SPEAKER_VALUES = ("practitioner", "persona")
REFLECTION_STATUS_VALUES = ("draft", "final")
LINK_STATUS_VALUES = ("suggested", "confirmed", "rejected", "added")

# Reflection answers about one change area are keyed `area:<area id>` (`area:<id>:scale` for its reading) in
# the database (coach.services.reflection); in a file the id becomes the area's title: `area[<title>]`.
AREA_KEY_DB = re.compile(r"^area:(\d+)((?::[A-Za-z_]+)?)$")
AREA_KEY_FILE = re.compile(r"^area\[(.+)\]((?::[A-Za-z_]+)?)$")


class ExchangeError(CoachError):
    """A workspace file that cannot be imported (or exported); `problems` lists each problem and place."""

    def __init__(self, message: str, problems: Iterable[str] = ()) -> None:
        self.problems = list(problems)
        if self.problems:
            shown = self.problems[:MAX_PROBLEMS]
            message = message + "\n" + "\n".join(f"  - {p}" for p in shown)
            if len(self.problems) >= MAX_PROBLEMS:
                message += "\n  (stopped after the first problems; fix these and try again)"
        super().__init__(message)


@dataclass(frozen=True)
class ImportSummary:
    """How many things an import added (practitioners_matched: already in the database, reused)."""

    practitioners: int = 0
    practitioners_matched: int = 0
    cases: int = 0
    change_areas: int = 0
    readings: int = 0
    reflections: int = 0
    area_links: int = 0
    technique_tags: int = 0
    rehearsals: int = 0
    turns: int = 0
    mentor_comments: int = 0
    drills: int = 0
    drill_rounds: int = 0
    drill_responses: int = 0

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def describe(self) -> str:
        labels = {
            "practitioners": ("practitioner", "practitioners"),
            "practitioners_matched": (
                "practitioner already here (reused)",
                "practitioners already here (reused)",
            ),
            "cases": ("case", "cases"),
            "change_areas": ("change area", "change areas"),
            "readings": ("scale reading", "scale readings"),
            "reflections": ("reflection", "reflections"),
            "area_links": ("area link", "area links"),
            "technique_tags": ("technique tag", "technique tags"),
            "rehearsals": ("rehearsal", "rehearsals"),
            "turns": ("turn", "turns"),
            "mentor_comments": ("mentor comment", "mentor comments"),
            "drills": ("drill", "drills"),
            "drill_rounds": ("drill round", "drill rounds"),
            "drill_responses": ("drill response", "drill responses"),
        }
        parts = [
            f"{value} {labels[name][0] if value == 1 else labels[name][1]}"
            for name, value in self.as_dict().items()
            if value
        ]
        return "Imported " + (", ".join(parts) if parts else "nothing (the file is empty)") + "."


# ----------------------------------------------------------------------------------------------------
# Reading files
# ----------------------------------------------------------------------------------------------------
def read_file(path: str | Path) -> dict[str, Any]:
    """Read a workspace file (JSON, or YAML by extension or content) into a dict; ExchangeError if bad."""
    file = Path(path)
    try:
        if file.is_dir():
            raise ExchangeError(f"{file} is a folder, not a workspace file.")
        size = file.stat().st_size
    except FileNotFoundError:
        raise ExchangeError(f"There is no file {file}.") from None
    except OSError as exc:
        raise ExchangeError(f"Cannot read {file}: {exc.strerror or exc}.") from None
    if size > MAX_FILE_BYTES:
        raise ExchangeError(
            f"{file} is too large to be a workspace file ({size / 1024 / 1024:.0f} MB; at most "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB)."
        )
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise ExchangeError(f"Cannot read {file}: {exc.strerror or exc}.") from None
    return parse_bytes(raw, name=str(file), suffix=file.suffix.lower())


def parse_bytes(raw: bytes, name: str = "<input>", suffix: str = "") -> dict[str, Any]:
    """Decode and parse the bytes of a workspace file (JSON or YAML)."""
    if len(raw) > MAX_FILE_BYTES:
        raise ExchangeError(f"{name} is too large to be a workspace file (at most 50 MB).")
    if not raw.strip():
        raise ExchangeError(f"{name} is empty: a workspace file is a JSON or YAML document.")
    if b"\x00" in raw[:8192]:
        raise ExchangeError(f"{name} is a binary file, not a workspace file (JSON or YAML text).")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExchangeError(
            f"{name} is not UTF-8 text (byte {exc.start}): a workspace file is JSON or YAML text."
        ) from None
    use_yaml = suffix in (".yaml", ".yml") or (suffix != ".json" and not text.lstrip().startswith(("{", "[")))
    if use_yaml:
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise ExchangeError(f"{name} is not valid YAML{where}: {problem}.") from None
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ExchangeError(
                f"{name} is not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}."
            ) from None
        except RecursionError:
            raise ExchangeError(f"{name} is nested too deeply to be a workspace file.") from None
    if not isinstance(data, dict):
        raise ExchangeError(
            f'{name} is not a workspace file: expected an object with "format": "{FORMAT_NAME}", found {_kind(data)}.'
        )
    return data


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


# ----------------------------------------------------------------------------------------------------
# Validation: structure and values of every object, with the path of each problem
# ----------------------------------------------------------------------------------------------------
class _TooMany(Exception):
    pass


Check = Callable[["_Validator", Any, str], Any]


class _Validator:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")
        if len(self.problems) >= MAX_PROBLEMS:
            raise _TooMany

    # -- value checks (return the cleaned value, or None after recording a problem) -------------------------
    def text(self, value: Any, path: str, *, required: bool = False, limit: int | None = None) -> str | None:
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.problem(path, f"must be text, got {_kind(value)}")
            return None
        if "\x00" in value:
            self.problem(path, "contains a NUL character")
            return None
        if required and not value.strip():
            self.problem(path, "must not be empty")
            return None
        if limit is not None and len(value) > limit:
            self.problem(path, f"is too long ({len(value)} characters; at most {limit})")
            return None
        return value

    def name(self, value: Any, path: str, limit: int = 200) -> str | None:
        text = self.text(value, path, required=True, limit=limit)
        if text is None:
            return None
        if "\n" in text:
            self.problem(path, "must be on one line")
            return None
        return text.strip()

    def optional_name(self, value: Any, path: str) -> str | None:
        return None if value is None else self.name(value, path)

    def integer(self, value: Any, path: str, *, low: int | None = None, high: int | None = None) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                self.problem(path, f"must be a whole number, got {value!r}")
                return None
        if low is not None and high is not None and not low <= value <= high:
            self.problem(path, f"must be {low}-{high}, got {value}")
            return None
        if low is not None and value < low:
            self.problem(path, f"must be at least {low}, got {value}")
            return None
        return value

    def optional_integer(self, value: Any, path: str, low: int | None = 0) -> int | None:
        return None if value is None else self.integer(value, path, low=low)

    def number(self, value: Any, path: str) -> float | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            self.problem(path, f"must be a number, got {value!r}")
            return None
        return value

    def boolean(self, value: Any, path: str, default: bool = False) -> bool:
        if value is None:
            return default
        if not isinstance(value, bool):
            self.problem(path, f"must be true or false, got {value!r}")
            return default
        return value

    def choice(self, value: Any, path: str, options: tuple[str, ...], default: str | None = None) -> str | None:
        if value is None and default is not None:
            return default
        if value not in options:
            self.problem(path, f"must be one of {', '.join(options)}, got {value!r}")
            return None
        return value

    def day(self, value: Any, path: str, required: bool = True) -> date | None:
        if value is None and not required:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.problem(path, f"must be a date like 2026-03-14, got {value!r}")
        return None

    def moment(self, value: Any, path: str, required: bool = False) -> datetime | None:
        if value is None:
            if required:
                self.problem(path, "is required (a time like 2026-03-14T10:30:00+00:00)")
            return None
        if isinstance(value, datetime):
            moment = value
        elif isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value.strip())
            except ValueError:
                self.problem(path, f"must be a time like 2026-03-14T10:30:00+00:00, got {value!r}")
                return None
        else:
            self.problem(path, f"must be a time like 2026-03-14T10:30:00+00:00, got {value!r}")
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)

    def json_value(self, value: Any, path: str, kind: type | None = None) -> Any:
        if value is None:
            return None
        if kind is not None and not isinstance(value, kind):
            self.problem(path, f"must be {'an object' if kind is dict else 'a list'}, got {_kind(value)}")
            return None
        try:
            json.dumps(value, allow_nan=False, default=_json_default)
        except (TypeError, ValueError) as exc:
            self.problem(path, f"cannot be stored as JSON ({exc})")
            return None
        return _normalise_json(value)

    def obj(self, value: Any, path: str, allowed: tuple[str, ...], required: tuple[str, ...] = ()) -> dict | None:
        if not isinstance(value, dict):
            self.problem(path, f"must be an object, got {_kind(value)}")
            return None
        for key in value:
            if key not in allowed:
                self.problem(f"{path}.{key}", f"unknown field (known: {', '.join(allowed)})")
        for key in required:
            if key not in value:
                self.problem(f"{path}.{key}", "is missing")
        return value

    def items(self, value: Any, path: str) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(path, f"must be a list, got {_kind(value)}")
            return []
        return value


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def _normalise_json(value: Any) -> Any:
    """YAML may give dates inside free JSON values; store them as ISO strings like JSON would."""
    if isinstance(value, dict):
        return {str(k): _normalise_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise_json(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


# Field lists per object (the documented format).
PRACTITIONER_FIELDS = ("name", "role", "mentor", "created_at")
CASE_FIELDS = ("reference", "summary", "owner", "closed", "created_at", "change_areas")
AREA_FIELDS = ("title", "concern", "good_enough", "position", "readings")
READING_FIELDS = ("date", "score", "by", "note")
TAG_FIELDS = ("tag", "score", "start", "end", "why")
COMMENT_FIELDS = ("author", "text", "created_at")
LINK_FIELDS = ("area", "start", "end", "sentence", "score", "status", "decided_by", "decided_at")
REFLECTION_FIELDS = (
    "case",
    "practitioner",
    "visit_date",
    "prompt_set",
    "status",
    "shared_with_mentor",
    "answers",
    "text",
    "created_at",
    "updated_at",
    "tags",
    "area_links",
    "comments",
)
TURN_FIELDS = (
    "position",
    "speaker",
    "text",
    "behaviour",
    "talk",
    "persona_state",
    "created_at",
    "tags",
    "comments",
)
REHEARSAL_FIELDS = (
    "scenario_id",
    "practitioner",
    "case",
    "seed",
    "difficulty",
    "status",
    "started_at",
    "ended_at",
    "persona_state",
    "scorecard",
    "turns",
    "comments",
)
DRILL_FIELDS = ("title", "facilitator", "status", "created_at", "rounds")
ROUND_FIELDS = ("position", "prompt", "target_tag", "seconds", "started_at", "ended_at", "responses")
RESPONSE_FIELDS = ("practitioner", "text", "tags", "created_at")
TOP_FIELDS = (
    "format",
    "version",
    "exported_at",
    "generator",
    "practitioners",
    "cases",
    "reflections",
    "rehearsals",
    "drills",
)


@dataclass
class _Plan:
    """The cleaned file, ready to write."""

    practitioners: list[dict]
    cases: list[dict]
    reflections: list[dict]
    rehearsals: list[dict]
    drills: list[dict]
    people_in_file: set[str]


def _clean_tags(v: _Validator, value: Any, path: str) -> list[dict]:
    out = []
    for i, item in enumerate(v.items(value, path)):
        p = f"{path}[{i}]"
        if v.obj(item, p, TAG_FIELDS, ("tag",)) is None:
            continue
        start = v.optional_integer(item.get("start"), f"{p}.start")
        end = v.optional_integer(item.get("end"), f"{p}.end")
        if start is not None and end is not None and end < start:
            v.problem(f"{p}.end", f"must not be before start ({start}), got {end}")
        out.append(
            {
                "tag": v.name(item.get("tag"), f"{p}.tag", limit=60),
                "score": v.number(item.get("score"), f"{p}.score"),
                "start": start,
                "end": end,
                "why": v.text(item.get("why"), f"{p}.why") or "",
            }
        )
    return out


def _clean_comments(v: _Validator, value: Any, path: str, people: list[tuple[str, str]]) -> list[dict]:
    out = []
    for i, item in enumerate(v.items(value, path)):
        p = f"{path}[{i}]"
        if v.obj(item, p, COMMENT_FIELDS, ("author", "text")) is None:
            continue
        author = v.name(item.get("author"), f"{p}.author")
        if author is not None:
            people.append((author, f"{p}.author"))
        out.append(
            {
                "author": author,
                "text": v.text(item.get("text"), f"{p}.text", required=True),
                "created_at": v.moment(item.get("created_at"), f"{p}.created_at"),
            }
        )
    return out


def validate(data: dict[str, Any], existing_people: set[str], existing_cases: dict[str, set[str]]) -> _Plan:
    """Check a parsed workspace file; ExchangeError listing every problem (up to 20) with its path."""
    v = _Validator()
    people_refs: list[tuple[str, str]] = []  # (name, path) of every person mentioned
    try:
        fmt = data.get("format")
        if fmt != FORMAT_NAME:
            raise ExchangeError(f'This is not a coach workspace file: "format" must be "{FORMAT_NAME}", got {fmt!r}.')
        version = data.get("version")
        if version != FORMAT_VERSION:
            if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
                raise ExchangeError(
                    f"This workspace file is version {version}, written by a newer coach; this coach reads "
                    f"version {FORMAT_VERSION}. Upgrade coach to import it."
                )
            raise ExchangeError(f"Unsupported workspace file version {version!r}: this coach reads version 1.")
        v.obj(data, "file", TOP_FIELDS, ())

        # practitioners
        practitioners: list[dict] = []
        names_in_file: dict[str, str] = {}
        for i, item in enumerate(v.items(data.get("practitioners"), "practitioners")):
            p = f"practitioners[{i}]"
            if v.obj(item, p, PRACTITIONER_FIELDS, ("name",)) is None:
                continue
            name = v.name(item.get("name"), f"{p}.name")
            if name is not None:
                if name in names_in_file:
                    v.problem(f"{p}.name", f"{name!r} is listed twice (also at {names_in_file[name]})")
                names_in_file.setdefault(name, p)
            mentor = v.optional_name(item.get("mentor"), f"{p}.mentor")
            if mentor is not None:
                people_refs.append((mentor, f"{p}.mentor"))
                if mentor == name:
                    v.problem(f"{p}.mentor", "a practitioner cannot mentor themselves")
            practitioners.append(
                {
                    "name": name,
                    "role": v.choice(item.get("role"), f"{p}.role", ROLE_VALUES, default="practitioner"),
                    "mentor": mentor,
                    "created_at": v.moment(item.get("created_at"), f"{p}.created_at"),
                }
            )

        # cases
        cases: list[dict] = []
        case_areas: dict[str, set[str]] = {k.lower(): set(t) for k, t in existing_cases.items()}
        existing_lower = {k.lower(): k for k in existing_cases}
        refs_in_file: dict[str, str] = {}
        for i, item in enumerate(v.items(data.get("cases"), "cases")):
            p = f"cases[{i}]"
            if v.obj(item, p, CASE_FIELDS, ("reference",)) is None:
                continue
            ref = v.name(item.get("reference"), f"{p}.reference", limit=100)
            if ref is not None:
                key = ref.lower()
                if key in existing_lower:
                    v.problem(
                        f"{p}.reference",
                        f"a case {existing_lower[key]!r} is already in this database; rename or remove it in "
                        "the file (importing never overwrites a case)",
                    )
                elif key in refs_in_file:
                    v.problem(f"{p}.reference", f"{ref!r} is listed twice (also at {refs_in_file[key]})")
                refs_in_file.setdefault(key, p)
            owner = v.optional_name(item.get("owner"), f"{p}.owner")
            if owner is not None:
                people_refs.append((owner, f"{p}.owner"))
            areas = []
            titles: dict[str, str] = {}
            positions: set[int] = set()
            for j, area in enumerate(v.items(item.get("change_areas"), f"{p}.change_areas")):
                ap = f"{p}.change_areas[{j}]"
                if v.obj(area, ap, AREA_FIELDS, ("title",)) is None:
                    continue
                title = v.name(area.get("title"), f"{ap}.title")
                if title is not None:
                    if title.lower() in titles:
                        v.problem(
                            f"{ap}.title",
                            f"{title!r} is used twice in this case (also at {titles[title.lower()]})",
                        )
                    titles.setdefault(title.lower(), ap)
                position = area.get("position", j)
                position = v.integer(position, f"{ap}.position", low=0)
                if position is not None:
                    if position in positions:
                        v.problem(f"{ap}.position", f"position {position} is used twice in this case")
                    positions.add(position)
                readings = []
                for k, reading in enumerate(v.items(area.get("readings"), f"{ap}.readings")):
                    rp = f"{ap}.readings[{k}]"
                    if v.obj(reading, rp, READING_FIELDS, ("date", "score")) is None:
                        continue
                    readings.append(
                        {
                            "date": v.day(reading.get("date"), f"{rp}.date"),
                            "score": v.integer(reading.get("score"), f"{rp}.score", low=1, high=10),
                            "by": v.text(reading.get("by"), f"{rp}.by", limit=200) or "",
                            "note": v.text(reading.get("note"), f"{rp}.note") or "",
                        }
                    )
                areas.append(
                    {
                        "title": title,
                        "concern": v.text(area.get("concern"), f"{ap}.concern") or "",
                        "good_enough": v.text(area.get("good_enough"), f"{ap}.good_enough") or "",
                        "position": position,
                        "readings": readings,
                    }
                )
            if ref is not None:
                case_areas.setdefault(ref.lower(), set()).update(t for t in titles)
            cases.append(
                {
                    "reference": ref,
                    "summary": v.text(item.get("summary"), f"{p}.summary") or "",
                    "owner": owner,
                    "closed": v.boolean(item.get("closed"), f"{p}.closed"),
                    "created_at": v.moment(item.get("created_at"), f"{p}.created_at"),
                    "change_areas": areas,
                }
            )

        def known_case(value: Any, path: str) -> str | None:
            ref = v.optional_name(value, path)
            if ref is not None and ref.lower() not in case_areas:
                v.problem(path, f"there is no case {ref!r} in the file or the database")
                return None
            return ref

        # reflections
        reflections: list[dict] = []
        for i, item in enumerate(v.items(data.get("reflections"), "reflections")):
            p = f"reflections[{i}]"
            if v.obj(item, p, REFLECTION_FIELDS, ("visit_date",)) is None:
                continue
            case_ref = known_case(item.get("case"), f"{p}.case")
            person = v.optional_name(item.get("practitioner"), f"{p}.practitioner")
            if person is not None:
                people_refs.append((person, f"{p}.practitioner"))
            answers = v.json_value(item.get("answers"), f"{p}.answers", dict)
            if answers is not None:
                for key, answer in answers.items():
                    v.text(answer, f"{p}.answers.{key}")
                    match = AREA_KEY_FILE.match(key)
                    if match is None:
                        continue
                    if case_ref is None:
                        v.problem(f"{p}.answers.{key}", "an answer about a change area needs the reflection's case")
                    elif match.group(1).lower() not in case_areas.get(case_ref.lower(), set()):
                        v.problem(f"{p}.answers.{key}", f"case {case_ref!r} has no change area {match.group(1)!r}")
            links = []
            for j, link in enumerate(v.items(item.get("area_links"), f"{p}.area_links")):
                lp = f"{p}.area_links[{j}]"
                if v.obj(link, lp, LINK_FIELDS, ("area",)) is None:
                    continue
                area = v.name(link.get("area"), f"{lp}.area")
                if area is not None:
                    if item.get("case") is None:
                        v.problem(f"{lp}.area", "an area link needs the reflection's case")
                    elif case_ref is not None and area.lower() not in case_areas.get(case_ref.lower(), set()):
                        v.problem(f"{lp}.area", f"case {case_ref!r} has no change area {area!r}")
                decided_by = v.optional_name(link.get("decided_by"), f"{lp}.decided_by")
                if decided_by is not None:
                    people_refs.append((decided_by, f"{lp}.decided_by"))
                start = v.optional_integer(link.get("start"), f"{lp}.start")
                end = v.optional_integer(link.get("end"), f"{lp}.end")
                if start is not None and end is not None and end < start:
                    v.problem(f"{lp}.end", f"must not be before start ({start}), got {end}")
                links.append(
                    {
                        "area": area,
                        "start": start,
                        "end": end,
                        "sentence": v.text(link.get("sentence"), f"{lp}.sentence") or "",
                        "score": v.number(link.get("score"), f"{lp}.score"),
                        "status": v.choice(link.get("status"), f"{lp}.status", LINK_STATUS_VALUES, "suggested"),
                        "decided_by": decided_by,
                        "decided_at": v.moment(link.get("decided_at"), f"{lp}.decided_at"),
                    }
                )
            reflections.append(
                {
                    "case": case_ref,
                    "practitioner": person,
                    "visit_date": v.day(item.get("visit_date"), f"{p}.visit_date"),
                    "prompt_set": v.name(item.get("prompt_set") or "default", f"{p}.prompt_set", limit=100),
                    "status": v.choice(item.get("status"), f"{p}.status", REFLECTION_STATUS_VALUES, "draft"),
                    "shared_with_mentor": v.boolean(item.get("shared_with_mentor"), f"{p}.shared_with_mentor"),
                    "answers": answers or {},
                    "text": v.text(item.get("text"), f"{p}.text") or "",
                    "created_at": v.moment(item.get("created_at"), f"{p}.created_at"),
                    "updated_at": v.moment(item.get("updated_at"), f"{p}.updated_at"),
                    "tags": _clean_tags(v, item.get("tags"), f"{p}.tags"),
                    "area_links": links,
                    "comments": _clean_comments(v, item.get("comments"), f"{p}.comments", people_refs),
                }
            )

        # rehearsals
        rehearsals: list[dict] = []
        for i, item in enumerate(v.items(data.get("rehearsals"), "rehearsals")):
            p = f"rehearsals[{i}]"
            if v.obj(item, p, REHEARSAL_FIELDS, ("scenario_id",)) is None:
                continue
            person = v.optional_name(item.get("practitioner"), f"{p}.practitioner")
            if person is not None:
                people_refs.append((person, f"{p}.practitioner"))
            turns = []
            positions = set()
            for j, turn in enumerate(v.items(item.get("turns"), f"{p}.turns")):
                tp = f"{p}.turns[{j}]"
                if v.obj(turn, tp, TURN_FIELDS, ("speaker", "text")) is None:
                    continue
                position = v.integer(turn.get("position", j), f"{tp}.position", low=0)
                if position is not None:
                    if position in positions:
                        v.problem(f"{tp}.position", f"position {position} is used twice in this rehearsal")
                    positions.add(position)
                behaviour = turn.get("behaviour")
                talk = turn.get("talk")
                turns.append(
                    {
                        "position": position,
                        "speaker": v.choice(turn.get("speaker"), f"{tp}.speaker", SPEAKER_VALUES),
                        "text": v.text(turn.get("text"), f"{tp}.text", required=True),
                        "behaviour": None if behaviour is None else v.name(behaviour, f"{tp}.behaviour", 20),
                        "talk": None if talk is None else v.name(talk, f"{tp}.talk", 20),
                        "persona_state": v.json_value(turn.get("persona_state"), f"{tp}.persona_state", dict),
                        "created_at": v.moment(turn.get("created_at"), f"{tp}.created_at"),
                        "tags": _clean_tags(v, turn.get("tags"), f"{tp}.tags"),
                        "comments": _clean_comments(v, turn.get("comments"), f"{tp}.comments", people_refs),
                    }
                )
            rehearsals.append(
                {
                    "scenario_id": v.name(item.get("scenario_id"), f"{p}.scenario_id", limit=100),
                    "practitioner": person,
                    "case": known_case(item.get("case"), f"{p}.case"),
                    "seed": v.integer(item.get("seed", 0), f"{p}.seed"),
                    "difficulty": v.name(item.get("difficulty") or "standard", f"{p}.difficulty", limit=40),
                    "status": v.choice(item.get("status"), f"{p}.status", REHEARSAL_STATUS_VALUES, "ended"),
                    "started_at": v.moment(item.get("started_at"), f"{p}.started_at"),
                    "ended_at": v.moment(item.get("ended_at"), f"{p}.ended_at"),
                    "persona_state": v.json_value(item.get("persona_state"), f"{p}.persona_state", dict),
                    "scorecard": v.json_value(item.get("scorecard"), f"{p}.scorecard", dict),
                    "turns": turns,
                    "comments": _clean_comments(v, item.get("comments"), f"{p}.comments", people_refs),
                }
            )

        # drills
        drills: list[dict] = []
        for i, item in enumerate(v.items(data.get("drills"), "drills")):
            p = f"drills[{i}]"
            if v.obj(item, p, DRILL_FIELDS, ("title",)) is None:
                continue
            facilitator = v.optional_name(item.get("facilitator"), f"{p}.facilitator")
            if facilitator is not None:
                people_refs.append((facilitator, f"{p}.facilitator"))
            rounds = []
            positions = set()
            for j, rnd in enumerate(v.items(item.get("rounds"), f"{p}.rounds")):
                rp = f"{p}.rounds[{j}]"
                if v.obj(rnd, rp, ROUND_FIELDS, ("prompt", "target_tag")) is None:
                    continue
                position = v.integer(rnd.get("position", j), f"{rp}.position", low=0)
                if position is not None:
                    if position in positions:
                        v.problem(f"{rp}.position", f"position {position} is used twice in this drill")
                    positions.add(position)
                responses = []
                for k, resp in enumerate(v.items(rnd.get("responses"), f"{rp}.responses")):
                    sp = f"{rp}.responses[{k}]"
                    if v.obj(resp, sp, RESPONSE_FIELDS, ("text",)) is None:
                        continue
                    who = v.optional_name(resp.get("practitioner"), f"{sp}.practitioner")
                    if who is not None:
                        people_refs.append((who, f"{sp}.practitioner"))
                    responses.append(
                        {
                            "practitioner": who,
                            "text": v.text(resp.get("text"), f"{sp}.text", required=True),
                            "tags": v.json_value(resp.get("tags"), f"{sp}.tags", list) or [],
                            "created_at": v.moment(resp.get("created_at"), f"{sp}.created_at"),
                        }
                    )
                rounds.append(
                    {
                        "position": position,
                        "prompt": v.text(rnd.get("prompt"), f"{rp}.prompt", required=True),
                        "target_tag": v.name(rnd.get("target_tag"), f"{rp}.target_tag", limit=60),
                        "seconds": v.integer(rnd.get("seconds", 60), f"{rp}.seconds", low=1),
                        "started_at": v.moment(rnd.get("started_at"), f"{rp}.started_at"),
                        "ended_at": v.moment(rnd.get("ended_at"), f"{rp}.ended_at"),
                        "responses": responses,
                    }
                )
            drills.append(
                {
                    "title": v.name(item.get("title"), f"{p}.title"),
                    "facilitator": facilitator,
                    "status": v.name(item.get("status") or "draft", f"{p}.status", limit=20),
                    "created_at": v.moment(item.get("created_at"), f"{p}.created_at"),
                    "rounds": rounds,
                }
            )

        for name, path in people_refs:
            if name not in names_in_file and name not in existing_people:
                v.problem(path, f"{name!r} is not in the file's practitioners (nor in the database)")
    except _TooMany:
        pass
    if v.problems:
        count = len(v.problems)
        raise ExchangeError(
            f"The workspace file has {count}{'+' if count >= MAX_PROBLEMS else ''} "
            f"problem{'s' if count != 1 else ''}; nothing was imported:",
            v.problems,
        )
    return _Plan(practitioners, cases, reflections, rehearsals, drills, set(names_in_file))


# ----------------------------------------------------------------------------------------------------
# Import
# ----------------------------------------------------------------------------------------------------
def import_workspace(store: Any, data: dict[str, Any]) -> ImportSummary:
    """Validate `data` (a parsed workspace file) and write it in one transaction; ExchangeError if invalid."""
    from sqlmodel import select

    from coach.store.models import (
        AreaLink,
        Case,
        ChangeArea,
        Drill,
        DrillResponse,
        DrillRound,
        MentorComment,
        Practitioner,
        Reflection,
        Rehearsal,
        ScaleReading,
        TechniqueTag,
        Turn,
        utcnow,
    )

    counts: dict[str, int] = dict.fromkeys(ImportSummary().as_dict(), 0)
    with store.session() as session:
        existing_people = {p.display_name: p for p in session.exec(select(Practitioner)).all()}
        existing_cases: dict[str, Case] = {c.reference: c for c in session.exec(select(Case)).all()}
        area_titles: dict[str, set[str]] = {ref: set() for ref in existing_cases}
        by_case_id = {c.id: c.reference for c in existing_cases.values()}
        for area in session.exec(select(ChangeArea)).all():
            area_titles[by_case_id[area.case_id]].add(area.title.lower())
        plan = validate(data, set(existing_people), area_titles)

        now = utcnow()
        people: dict[str, int] = {name: p.id for name, p in existing_people.items()}  # type: ignore[misc]
        new_people: dict[str, Practitioner] = {}
        for item in plan.practitioners:
            if item["name"] in people:
                counts["practitioners_matched"] += 1
                continue
            person = Practitioner(display_name=item["name"], role=item["role"], created_at=item["created_at"] or now)
            session.add(person)
            new_people[item["name"]] = person
            counts["practitioners"] += 1
        session.flush()
        people.update({name: p.id for name, p in new_people.items()})  # type: ignore[misc]
        for item in plan.practitioners:
            if item["name"] in new_people and item["mentor"]:
                new_people[item["name"]].mentor_id = people[item["mentor"]]
                session.add(new_people[item["name"]])

        def person_id(name: str | None) -> int | None:
            return people[name] if name is not None else None

        cases: dict[str, int] = {ref.lower(): c.id for ref, c in existing_cases.items()}  # type: ignore[misc]
        areas: dict[tuple[str, str], int] = {}
        for area in session.exec(select(ChangeArea)).all():
            areas[(by_case_id[area.case_id].lower(), area.title.lower())] = area.id  # type: ignore[assignment]
        for item in plan.cases:
            case = Case(
                reference=item["reference"],
                summary=item["summary"],
                owner_id=person_id(item["owner"]),
                closed=item["closed"],
                created_at=item["created_at"] or now,
            )
            session.add(case)
            session.flush()
            cases[item["reference"].lower()] = case.id  # type: ignore[assignment]
            counts["cases"] += 1
            for area_item in item["change_areas"]:
                area = ChangeArea(
                    case_id=case.id,  # type: ignore[arg-type]
                    title=area_item["title"],
                    concern=area_item["concern"],
                    good_enough=area_item["good_enough"],
                    position=area_item["position"],
                )
                session.add(area)
                session.flush()
                areas[(item["reference"].lower(), area_item["title"].lower())] = area.id  # type: ignore[assignment]
                counts["change_areas"] += 1
                for reading in area_item["readings"]:
                    session.add(
                        ScaleReading(
                            area_id=area.id,  # type: ignore[arg-type]
                            reading_date=reading["date"],
                            score=reading["score"],
                            by_whom=reading["by"],
                            note=reading["note"],
                        )
                    )
                    counts["readings"] += 1

        def add_comments(kind: str, target_id: int, comments: list[dict]) -> None:
            for comment in comments:
                session.add(
                    MentorComment(
                        author_id=people[comment["author"]],
                        target_kind=kind,
                        target_id=target_id,
                        text=comment["text"],
                        created_at=comment["created_at"] or now,
                    )
                )
                counts["mentor_comments"] += 1

        def add_tags(tags: list[dict], **target: int) -> None:
            for tag in tags:
                session.add(TechniqueTag(**target, **tag))
                counts["technique_tags"] += 1

        for item in plan.reflections:
            case_key = item["case"].lower() if item["case"] else None
            reflection = Reflection(
                case_id=cases[case_key] if case_key else None,
                practitioner_id=person_id(item["practitioner"]),
                visit_date=item["visit_date"],
                prompt_set=item["prompt_set"],
                answers=_answers_to_db(item["answers"], case_key, areas),
                text=item["text"],
                status=item["status"],
                shared_with_mentor=item["shared_with_mentor"],
                created_at=item["created_at"] or now,
                updated_at=item["updated_at"] or item["created_at"] or now,
            )
            session.add(reflection)
            session.flush()
            counts["reflections"] += 1
            add_tags(item["tags"], reflection_id=reflection.id)  # type: ignore[arg-type]
            for link in item["area_links"]:
                session.add(
                    AreaLink(
                        reflection_id=reflection.id,  # type: ignore[arg-type]
                        area_id=areas[(case_key or "", link["area"].lower())],
                        start=link["start"],
                        end=link["end"],
                        sentence=link["sentence"],
                        score=link["score"],
                        status=link["status"],
                        decided_by=person_id(link["decided_by"]),
                        decided_at=link["decided_at"],
                    )
                )
                counts["area_links"] += 1
            add_comments("reflection", reflection.id, item["comments"])  # type: ignore[arg-type]

        for item in plan.rehearsals:
            rehearsal = Rehearsal(
                scenario_id=item["scenario_id"],
                practitioner_id=person_id(item["practitioner"]),
                case_id=cases[item["case"].lower()] if item["case"] else None,
                seed=item["seed"],
                difficulty=item["difficulty"],
                status=item["status"],
                started_at=item["started_at"] or now,
                ended_at=item["ended_at"],
                persona_state=item["persona_state"],
                scorecard=item["scorecard"],
            )
            session.add(rehearsal)
            session.flush()
            counts["rehearsals"] += 1
            for turn_item in item["turns"]:
                turn = Turn(
                    rehearsal_id=rehearsal.id,  # type: ignore[arg-type]
                    position=turn_item["position"],
                    speaker=turn_item["speaker"],
                    text=turn_item["text"],
                    behaviour=turn_item["behaviour"],
                    talk=turn_item["talk"],
                    persona_state=turn_item["persona_state"],
                    created_at=turn_item["created_at"] or now,
                )
                session.add(turn)
                session.flush()
                counts["turns"] += 1
                add_tags(turn_item["tags"], turn_id=turn.id)  # type: ignore[arg-type]
                add_comments("turn", turn.id, turn_item["comments"])  # type: ignore[arg-type]
            add_comments("rehearsal", rehearsal.id, item["comments"])  # type: ignore[arg-type]

        for item in plan.drills:
            drill = Drill(
                title=item["title"],
                facilitator_id=person_id(item["facilitator"]),
                status=item["status"],
                created_at=item["created_at"] or now,
            )
            session.add(drill)
            session.flush()
            counts["drills"] += 1
            for round_item in item["rounds"]:
                rnd = DrillRound(
                    drill_id=drill.id,  # type: ignore[arg-type]
                    position=round_item["position"],
                    prompt=round_item["prompt"],
                    target_tag=round_item["target_tag"],
                    seconds=round_item["seconds"],
                    started_at=round_item["started_at"],
                    ended_at=round_item["ended_at"],
                )
                session.add(rnd)
                session.flush()
                counts["drill_rounds"] += 1
                for resp in round_item["responses"]:
                    session.add(
                        DrillResponse(
                            round_id=rnd.id,  # type: ignore[arg-type]
                            practitioner_id=person_id(resp["practitioner"]),
                            text=resp["text"],
                            tags=resp["tags"],
                            created_at=resp["created_at"] or now,
                        )
                    )
                    counts["drill_responses"] += 1
        session.flush()
    return ImportSummary(**counts)


def _answers_to_db(answers: dict[str, Any], case_key: str | None, areas: dict[tuple[str, str], int]) -> dict:
    """`area[<title>]` keys of a file -> `area:<id>` of this database (validated before)."""
    out: dict[str, Any] = {}
    for key, value in answers.items():
        match = AREA_KEY_FILE.match(key)
        if match is not None and case_key is not None:
            key = f"area:{areas[(case_key, match.group(1).lower())]}{match.group(2)}"
        elif AREA_KEY_DB.match(key):
            key = f"orphan-{key}"  # an id from another database would point at the wrong area
        out[key] = value
    return out


def _answers_to_file(answers: dict[str, Any] | None, area_names: dict[int, str]) -> dict[str, Any]:
    """`area:<id>` keys -> `area[<title>]` (keys of deleted areas stay as they are)."""
    out: dict[str, Any] = {}
    for key, value in (answers or {}).items():
        match = AREA_KEY_DB.match(key)
        if match is not None and int(match.group(1)) in area_names:
            key = f"area[{area_names[int(match.group(1))]}]{match.group(2)}"
        out[key] = value
    return out


def import_file(store: Any, path: str | Path) -> ImportSummary:
    """Read, validate and import a workspace file in one transaction."""
    return import_workspace(store, read_file(path))


# ----------------------------------------------------------------------------------------------------
# Export
# ----------------------------------------------------------------------------------------------------
def _iso(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()
    return value.isoformat()


def export_workspace(store: Any) -> dict[str, Any]:
    """The whole workspace as a dict in the documented format (natural keys, children nested, by id)."""
    from sqlmodel import select

    from coach import __version__
    from coach.store.models import (
        AreaLink,
        Case,
        ChangeArea,
        Drill,
        DrillResponse,
        DrillRound,
        MentorComment,
        Practitioner,
        Reflection,
        Rehearsal,
        ScaleReading,
        TechniqueTag,
        Turn,
    )

    with store.session() as session:
        people = {p.id: p for p in session.exec(select(Practitioner).order_by(Practitioner.id)).all()}

        def name(pid: int | None) -> str | None:
            return people[pid].display_name if pid is not None and pid in people else None

        comments: dict[tuple[str, int], list[dict]] = {}
        for c in session.exec(select(MentorComment).order_by(MentorComment.id)).all():
            comments.setdefault((c.target_kind, c.target_id), []).append(
                {"author": name(c.author_id), "text": c.text, "created_at": _iso(c.created_at)}
            )

        def tag_dicts(tags: Iterable[TechniqueTag]) -> list[dict]:
            return [{"tag": t.tag, "score": t.score, "start": t.start, "end": t.end, "why": t.why} for t in tags]

        tags_by_turn: dict[int, list[TechniqueTag]] = {}
        tags_by_reflection: dict[int, list[TechniqueTag]] = {}
        for t in session.exec(select(TechniqueTag).order_by(TechniqueTag.id)).all():
            if t.turn_id is not None:
                tags_by_turn.setdefault(t.turn_id, []).append(t)
            elif t.reflection_id is not None:
                tags_by_reflection.setdefault(t.reflection_id, []).append(t)

        readings: dict[int, list[ScaleReading]] = {}
        for r in session.exec(select(ScaleReading).order_by(ScaleReading.reading_date, ScaleReading.id)).all():
            readings.setdefault(r.area_id, []).append(r)
        areas_by_case: dict[int, list[ChangeArea]] = {}
        area_names: dict[int, str] = {}
        for a in session.exec(select(ChangeArea).order_by(ChangeArea.position, ChangeArea.id)).all():
            areas_by_case.setdefault(a.case_id, []).append(a)
            area_names[a.id] = a.title  # type: ignore[index]
        cases = session.exec(select(Case).order_by(Case.id)).all()
        case_refs = {c.id: c.reference for c in cases}

        out_cases = [
            {
                "reference": c.reference,
                "summary": c.summary,
                "owner": name(c.owner_id),
                "closed": c.closed,
                "created_at": _iso(c.created_at),
                "change_areas": [
                    {
                        "title": a.title,
                        "concern": a.concern,
                        "good_enough": a.good_enough,
                        "position": a.position,
                        "readings": [
                            {"date": _iso(r.reading_date), "score": r.score, "by": r.by_whom, "note": r.note}
                            for r in readings.get(a.id, [])  # type: ignore[arg-type]
                        ],
                    }
                    for a in areas_by_case.get(c.id, [])  # type: ignore[arg-type]
                ],
            }
            for c in cases
        ]

        links: dict[int, list[AreaLink]] = {}
        for link in session.exec(select(AreaLink).order_by(AreaLink.id)).all():
            links.setdefault(link.reflection_id, []).append(link)
        out_reflections = [
            {
                "case": case_refs.get(r.case_id) if r.case_id is not None else None,
                "practitioner": name(r.practitioner_id),
                "visit_date": _iso(r.visit_date),
                "prompt_set": r.prompt_set,
                "status": r.status,
                "shared_with_mentor": r.shared_with_mentor,
                "answers": _answers_to_file(r.answers, area_names),
                "text": r.text,
                "created_at": _iso(r.created_at),
                "updated_at": _iso(r.updated_at),
                "tags": tag_dicts(tags_by_reflection.get(r.id, [])),  # type: ignore[arg-type]
                "area_links": [
                    {
                        "area": area_names[link.area_id],
                        "start": link.start,
                        "end": link.end,
                        "sentence": link.sentence,
                        "score": link.score,
                        "status": link.status,
                        "decided_by": name(link.decided_by),
                        "decided_at": _iso(link.decided_at),
                    }
                    for link in links.get(r.id, [])  # type: ignore[arg-type]
                ],
                "comments": comments.get(("reflection", r.id), []),  # type: ignore[arg-type]
            }
            for r in session.exec(select(Reflection).order_by(Reflection.id)).all()
        ]

        turns: dict[int, list[Turn]] = {}
        for t in session.exec(select(Turn).order_by(Turn.position, Turn.id)).all():
            turns.setdefault(t.rehearsal_id, []).append(t)
        out_rehearsals = [
            {
                "scenario_id": r.scenario_id,
                "practitioner": name(r.practitioner_id),
                "case": case_refs.get(r.case_id) if r.case_id is not None else None,
                "seed": r.seed,
                "difficulty": r.difficulty,
                "status": r.status,
                "started_at": _iso(r.started_at),
                "ended_at": _iso(r.ended_at),
                "persona_state": r.persona_state,
                "scorecard": r.scorecard,
                "turns": [
                    {
                        "position": t.position,
                        "speaker": t.speaker,
                        "text": t.text,
                        "behaviour": t.behaviour,
                        "talk": t.talk,
                        "persona_state": t.persona_state,
                        "created_at": _iso(t.created_at),
                        "tags": tag_dicts(tags_by_turn.get(t.id, [])),  # type: ignore[arg-type]
                        "comments": comments.get(("turn", t.id), []),  # type: ignore[arg-type]
                    }
                    for t in turns.get(r.id, [])  # type: ignore[arg-type]
                ],
                "comments": comments.get(("rehearsal", r.id), []),  # type: ignore[arg-type]
            }
            for r in session.exec(select(Rehearsal).order_by(Rehearsal.id)).all()
        ]

        responses: dict[int, list[DrillResponse]] = {}
        for resp in session.exec(select(DrillResponse).order_by(DrillResponse.id)).all():
            responses.setdefault(resp.round_id, []).append(resp)
        rounds: dict[int, list[DrillRound]] = {}
        for rnd in session.exec(select(DrillRound).order_by(DrillRound.position, DrillRound.id)).all():
            rounds.setdefault(rnd.drill_id, []).append(rnd)
        out_drills = [
            {
                "title": d.title,
                "facilitator": name(d.facilitator_id),
                "status": d.status,
                "created_at": _iso(d.created_at),
                "rounds": [
                    {
                        "position": rnd.position,
                        "prompt": rnd.prompt,
                        "target_tag": rnd.target_tag,
                        "seconds": rnd.seconds,
                        "started_at": _iso(rnd.started_at),
                        "ended_at": _iso(rnd.ended_at),
                        "responses": [
                            {
                                "practitioner": name(resp.practitioner_id),
                                "text": resp.text,
                                "tags": resp.tags,
                                "created_at": _iso(resp.created_at),
                            }
                            for resp in responses.get(rnd.id, [])  # type: ignore[arg-type]
                        ],
                    }
                    for rnd in rounds.get(d.id, [])  # type: ignore[arg-type]
                ],
            }
            for d in session.exec(select(Drill).order_by(Drill.id)).all()
        ]

        out_people = [
            {
                "name": p.display_name,
                "role": p.role,
                "mentor": name(p.mentor_id),
                "created_at": _iso(p.created_at),
            }
            for p in people.values()
        ]

    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "exported_at": _iso(datetime.now(UTC)),
        "generator": f"coach {__version__}",
        "practitioners": out_people,
        "cases": out_cases,
        "reflections": out_reflections,
        "rehearsals": out_rehearsals,
        "drills": out_drills,
    }


def dumps(data: dict[str, Any]) -> str:
    """The JSON text of a workspace export (UTF-8, indented, non-ASCII kept readable)."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def export_to(store: Any, target: str | Path, force: bool = False) -> dict[str, int]:
    """Write the workspace as JSON to `target` (`-` for stdout); refuses to overwrite unless `force`.

    The file is written to a temporary name first and then moved into place, so a failed export never leaves
    half a file. Returns counts of what was written.
    """
    data = export_workspace(store)
    text = dumps(data)
    if str(target) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        path = Path(target)
        if path.is_dir():
            raise ExchangeError(f"{path} is a folder; give a file name such as {path / 'workspace.json'}.")
        if path.exists() and not path.is_file():  # a device, a pipe: never replace it with a file
            raise ExchangeError(f"{path} is not a regular file; give a file name, or '-' for standard output.")
        if path.exists() and not force:
            raise ExchangeError(f"{path} already exists; use --force to overwrite it.")
        if not path.parent.exists():
            raise ExchangeError(f"The folder {path.parent} does not exist.")
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        try:
            fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise ExchangeError(f"Cannot write {path}: {exc.strerror or exc}.") from None
    return {
        "practitioners": len(data["practitioners"]),
        "cases": len(data["cases"]),
        "reflections": len(data["reflections"]),
        "rehearsals": len(data["rehearsals"]),
        "drills": len(data["drills"]),
    }


__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "MAX_FILE_BYTES",
    "ExchangeError",
    "ImportSummary",
    "dumps",
    "export_to",
    "export_workspace",
    "import_file",
    "import_workspace",
    "parse_bytes",
    "read_file",
    "validate",
]
