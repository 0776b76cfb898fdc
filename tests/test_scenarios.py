"""Scenario files: every shipped scenario loads, and a broken file is named with its problem while others load."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from coach.paths import PROMPTS_DIR
from coach.services.scenarios import MIN_RESPONSES, MOVES, STANCES, ScenarioError, get_scenario, load_scenarios

BROKEN = Path(__file__).parent / "data" / "scenarios_broken"
SHIPPED = PROMPTS_DIR / "scenarios"


def test_every_shipped_scenario_loads_without_problems() -> None:
    scenarios, problems = load_scenarios()
    assert problems == []
    assert len(scenarios) >= 8
    assert set(scenarios) == {p.stem for p in SHIPPED.glob("*.yaml")}
    for scenario in scenarios.values():
        assert len(scenario.responses) >= MIN_RESPONSES
        assert {r.stance for r in scenario.responses} == set(STANCES)
        assert scenario.response(scenario.opening).text
        assert len({r.id for r in scenario.responses}) == len(scenario.responses)
        # ordinary conversation: every scenario answers each move (README, "Ordinary conversation")
        for move in MOVES:
            assert any(move in r.cue for r in scenario.responses), (scenario.id, move)


def test_a_cue_must_be_a_technique_or_a_move(tmp_path: Path) -> None:
    data = yaml.safe_load((SHIPPED / "drinking-toddler.yaml").read_text(encoding="utf-8"))
    data["responses"][2]["cue"] = ["confrontation", "smalltalk"]
    data["responses"][5]["cue"] = ["small_talk", "fact", "goodbye"]
    (tmp_path / "drinking-toddler.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    scenarios, problems = load_scenarios(tmp_path)
    assert scenarios == {}
    assert len(problems) == 1
    assert "responses[2].cue 'smalltalk' is not a technique id (TECHNIQUES.md) or one of: greeting," in problems[0]
    assert "responses[5]" not in problems[0]


def test_broken_files_are_named_and_the_good_ones_still_load(tmp_path: Path) -> None:
    for path in BROKEN.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    shutil.copy(SHIPPED / "drinking-toddler.yaml", tmp_path / "drinking-toddler.yaml")
    data = yaml.safe_load((SHIPPED / "bruising-baby.yaml").read_text(encoding="utf-8"))
    data["responses"][3]["stance"] = "furious"
    (tmp_path / "bruising-baby.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")

    scenarios, problems = load_scenarios(tmp_path)

    assert list(scenarios) == ["drinking-toddler"]
    text = "\n".join(problems)
    assert "bruising-baby.yaml: responses[3].stance must be hostile, guarded or open" in text
    assert "not-yaml.yaml: not valid YAML" in text
    wrong = next(p for p in problems if "wrong-shape.yaml" in p)
    for expected in (
        "difficulty must be starter, standard or challenging",
        "start.trust must be a whole number from 0 to 10",
        "responses[0].stance must be hostile, guarded or open",
        "responses[1].talk must be change, sustain, neutral or discord",
        "responses[1].area 'housing' is not one of the change_areas ids",
        "opening 'missing-line' is not the id of a line in responses",
    ):
        assert expected in wrong
    with pytest.raises(ScenarioError, match="bruising-baby.*cannot be used"):
        get_scenario("bruising-baby", tmp_path)


def test_file_name_must_match_id_and_binary_is_refused(tmp_path: Path) -> None:
    shutil.copy(SHIPPED / "drinking-toddler.yaml", tmp_path / "other-name.yaml")
    (tmp_path / "binary.yaml").write_bytes(b"\xff\xfe\x00\x01garbage")
    scenarios, problems = load_scenarios(tmp_path)
    assert scenarios == {}
    assert any("other-name.yaml: id 'drinking-toddler' must equal the file name 'other-name'" in p for p in problems)
    assert any("binary.yaml: the file is not UTF-8 text" in p for p in problems)


def test_unknown_scenario_lists_the_known_ones() -> None:
    with pytest.raises(ScenarioError) as info:
        get_scenario("no-such-scenario")
    assert "There is no scenario 'no-such-scenario'" in str(info.value)
    assert "drinking-toddler" in str(info.value)
