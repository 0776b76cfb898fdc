"""The change-area linker: links by meaning, none for small talk, feedback, accuracy on the held-out half."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.nlp.linker import (
    Area,
    Linker,
    LinkFeedback,
    area_names,
    evaluate,
    load_link_set,
    logistics_only,
    own_plan,
    scale_phrases,
    strip_date_prefix,
)

SET = Path(__file__).parent / "data" / "link_set.yaml"
FINAL2 = Path(__file__).parent / "data" / "link_final2.yaml"
FINAL3 = Path(__file__).parent / "data" / "link_final3.yaml"
FINAL4 = Path(__file__).parent / "data" / "link_final4.yaml"
FINAL5 = Path(__file__).parent / "data" / "link_final5.yaml"
FINAL6 = Path(__file__).parent / "data" / "link_final6.yaml"
FINAL7 = Path(__file__).parent / "data" / "link_final7.yaml"

AREAS = [
    Area(
        "home",
        "Home conditions",
        "The kitchen is dirty, there is often no food in the house, and rubbish is piled in the hallway.",
        "The home is clean enough to be safe and there is food for regular meals.",
    ),
    Area(
        "school",
        "School attendance",
        "Mali has attended 68% of school sessions and is often late.",
        "Mali attends school every day and arrives on time.",
    ),
    Area(
        "drink",
        "Mum's drinking",
        "Mum drinks most evenings until she is unsteady.",
        "Mum is sober whenever she is caring for Mali and works with the alcohol service.",
    ),
]


@pytest.fixture(scope="module")
def linker(tagger) -> Linker:
    return Linker(tagger)  # the tagger's MiniLM encoder, as in the app


def _areas_of(linker: Linker, text: str, feedback=None) -> set[str]:
    return {r.area for r in linker.link(text, AREAS, feedback)}


def test_food_in_fridge_links_to_home_conditions_by_meaning(linker: Linker) -> None:
    assert _areas_of(linker, "There was food in the fridge.") == {"home"}


def test_small_talk_links_to_nothing(linker: Linker) -> None:
    assert _areas_of(linker, "We had a cup of tea.") == set()


def test_offsets_point_into_the_text(linker: Linker) -> None:
    text = "We talked about the weather.  The school said she was in every day this week!\nShe was sober."
    results = linker.link(text, AREAS)
    assert results, "expected at least one link"
    for result in results:
        assert 0.0 <= result.score <= 1.0
        for s in result.sentences:
            assert text[s.start : s.end] == s.text
    by_area = {r.area: [s.text for s in r.sentences] for r in results}
    assert by_area.get("school") == ["The school said she was in every day this week!"]
    assert by_area.get("drink") == ["She was sober."]


def test_notes_without_full_stops_are_split_into_short_sentences(linker: Linker) -> None:
    """Bullets, semicolons and spaced dashes end a sentence; a long run of shorthand is cut at commas and "then"."""
    text = (
        "- fridge had milk and bread\n* bin bags gone from the hall; sink still full\n"
        "asked about school - late twice, alarm set now\n"
        "quick chat w mum at the door she was sober, said she had not had a drink since friday "
        "and then she showed me the alcohol service letter, kitchen floor mopped, mali's uniform washed and ironed"
    )
    sents = linker.split(text)
    for s in sents:
        assert text[s.start : s.end] == s.text
    assert [s.text for s in sents[:5]] == [
        "fridge had milk and bread",
        "bin bags gone from the hall",
        "sink still full",
        "asked about school",
        "late twice, alarm set now",
    ]
    rest = [s.text for s in sents[5:]]
    assert len(rest) >= 3, rest  # the 38-word run is no longer one "sentence" about every area
    assert all(len(s.split()) <= 25 for s in rest), rest
    assert any(s.startswith("and then she showed me") for s in rest), rest
    # Ordinary punctuated prose with commas is left as it was.
    prose = "Mum was sober, calm and warm with Mali, and the kitchen was clean. School rang me."
    assert [s.text for s in linker.split(prose)] == [
        "Mum was sober, calm and warm with Mali, and the kitchen was clean.",
        "School rang me.",
    ]


def test_empty_text_and_no_areas(linker: Linker) -> None:
    assert linker.link("", AREAS) == []
    assert linker.link("   \n ", AREAS) == []
    assert linker.link("There was food in the fridge.", []) == []


def test_rejected_link_lowers_and_confirmed_link_raises_similar_sentences(linker: Linker) -> None:
    sentence = "Her sister comes round on Sunday evenings to help out."
    before = linker.score_sentences([sentence], AREAS)[0]
    # On an earlier reflection of this case the practitioner linked help from the sister to the drink area.
    confirmed = [LinkFeedback("drink", "Her sister comes over on Sundays to help.", "added")]
    after = linker.score_sentences([sentence], AREAS, confirmed)[0]
    assert after[2] > before[2] + 0.2
    assert after[2] >= linker.threshold
    text = "The kitchen floor was sticky."
    assert "home" in _areas_of(linker, text)
    rejected = [LinkFeedback("home", "The kitchen floor was sticky.", "rejected")]
    assert "home" not in _areas_of(linker, text, rejected)
    # Feedback about another area or with an unknown area id leaves other scores alone.
    other = linker.score_sentences([text], AREAS, [LinkFeedback("nope", text, "rejected")])[0]
    assert other == pytest.approx(linker.score_sentences([text], AREAS)[0])


def test_calibration_set_is_big_and_well_formed() -> None:
    cases = load_link_set(str(SET))
    assert len(cases) >= 24
    assert sum(len(c["sentences"]) for c in cases) >= 500
    for case in cases:
        ids = {a.id for a in case["areas"]}
        assert len(ids) == 3
        for _text, labels in case["sentences"]:
            assert set(labels) <= ids
    # Sentences about no area and about two areas are both present.
    labels = [ids for c in cases for _t, ids in c["sentences"]]
    assert sum(1 for x in labels if not x) >= 50
    assert sum(1 for x in labels if len(x) >= 2) >= 20
    assert {c["split"] for c in cases} == {"fit", "held_out", "final"}
    assert sum(1 for c in cases if c["split"] == "final") >= 6


def test_second_final_set_is_well_formed() -> None:
    cases = load_link_set(str(FINAL2))
    assert [c["id"] for c in cases] == [f"g0{i}" for i in range(1, 7)]
    assert {c["joiner"] for c in cases} == {" ", "\n"}
    for case in cases:
        ids = {a.id for a in case["areas"]}
        assert len(ids) == 3
        assert all(set(labels) <= ids for _t, labels in case["sentences"])


def test_accuracy_on_calibration_set(linker: Linker) -> None:
    """The 68 cases the shipped weights were fitted on (grouped CV, leave-one-set-out: benchmarks/README.md).

    Floors lowered for linker3's relabelling (the worker's own plans are about no area, 39 lines of link_set.yaml and
    8 of link_final2.yaml now []): the same text is scored against other labels, so these are not comparable with
    the earlier 0.894 / 0.721 / 0.799 and g's 0.920 / 0.730 / 0.814."""
    result = evaluate(linker, load_link_set(str(SET)))
    # Measured (python benchmarks/linker.py, sum of the three splits): precision 0.902, recall 0.715, F1 0.798;
    # with linkrecall's text-level second-stage features (text_best, text_mean, own_plan): 0.908 / 0.742 / 0.817;
    # linkfit's 60-case fit (inner folds by writer, target 0.90, threshold 0.57): 0.925 / 0.715 / 0.807; linkfit7's
    # 68-case fit (threshold 0.59): 0.930 / 0.703 / 0.801.
    assert result["precision"] >= 0.90, result
    assert result["recall"] >= 0.70, result
    assert result["f1"] >= 0.79, result
    # g01-g06: precision 0.800, recall 0.679, F1 0.735 (g's writer links lines the other writers leave unlinked,
    # e.g. a grandfather collecting a child smelling of drink labelled no area; leave-one-set-out 0.776 / 0.717 /
    # 0.745). With linkrecall's text-level features: 0.807 / 0.868 / 0.836 (loso 0.797 / 0.887 / 0.839). linkfit's
    # 60-case fit: 0.796 / 0.811 / 0.804 (loso 0.804 / 0.849 / 0.826); linkfit7's 68-case fit the same (loso 0.800 /
    # 0.830 / 0.815).
    result = evaluate(linker, load_link_set(str(FINAL2)))
    assert result["precision"] >= 0.77, result
    assert result["recall"] >= 0.79, result
    assert result["f1"] >= 0.78, result


def test_third_final_set_is_well_formed() -> None:
    cases = load_link_set(str(FINAL3))
    assert [c["id"] for c in cases] == [f"h0{i}" for i in range(1, 7)]
    for case in cases:
        ids = {a.id for a in case["areas"]}
        assert len(ids) == 3
        assert all(set(labels) <= ids for _t, labels in case["sentences"])
    # Plenty of sentences about no area (logistics, greetings, the worker's feelings).
    assert sum(1 for c in cases for _t, labels in c["sentences"] if not labels) >= 25


def test_accuracy_on_third_final_set(linker: Linker) -> None:
    """h01-h06: unseen when first scored (0.812 / 0.565 / 0.667), seen and reported after every step since, and
    calibration data from linker2's work on (fitted on, so in-sample here): precision 0.886, recall 0.674, F1 0.765.
    With linker3's own_plan feature (52-case fit): 0.906 / 0.630 / 0.744 (recall floor 0.63 -> 0.60, F1 0.72 -> 0.71);
    leave-one-set-out, fitted without h01-h06: the same. With linkrecall's text-level second-stage features:
    0.825 / 0.717 / 0.767 (loso 0.829 / 0.739 / 0.782): 4 more false links and 4 more found, so the precision floor
    went 0.87 -> 0.80 (recall 0.60 -> 0.69, F1 0.71 -> 0.74). linkfit's 60-case fit: 0.868 / 0.717 / 0.786 (loso
    0.868 / 0.717 / 0.786): precision floor 0.80 -> 0.84, F1 0.74 -> 0.76. linkfit7's 68-case fit the same."""
    result = evaluate(linker, load_link_set(str(FINAL3)))
    assert result["precision"] >= 0.84, result
    assert result["recall"] >= 0.69, result
    assert result["f1"] >= 0.76, result


def test_fourth_final_set_is_well_formed() -> None:
    cases = load_link_set(str(FINAL4))
    assert [c["id"] for c in cases] == [f"i0{i}" for i in range(1, 9)]
    for case in cases:
        ids = {a.id for a in case["areas"]}
        assert 2 <= len(ids) <= 4
        assert all(set(labels) <= ids for _t, labels in case["sentences"])
    assert sum(1 for c in cases for _t, labels in c["sentences"] if not labels) >= 50


def test_accuracy_on_fourth_final_set(linker: Linker) -> None:
    """i01-i08: scored once unseen at 01:10 (0.778 / 0.680 / 0.725), then calibration data (fitted on, in-sample
    here): precision 0.820, recall 0.709, F1 0.760. Leave-one-set-out, fitted without i01-i08: 0.787 / 0.718 / 0.751.
    With linker3's own_plan feature (52-case fit): 0.873 / 0.670 / 0.758 (loso 0.854 / 0.680 / 0.757): precision
    floor 0.79 -> 0.84, recall 0.67 -> 0.63. With linkrecall's text-level features: 0.875 / 0.748 / 0.806 (loso
    0.859 / 0.767 / 0.810). linkfit's 60-case fit: 0.911 / 0.699 / 0.791 (loso 0.872 / 0.728 / 0.794): precision
    floor 0.84 -> 0.89, recall 0.72 -> 0.68, F1 0.78 -> 0.77. linkfit7's 68-case fit: 0.933 / 0.680 (70 of 103, just
    under 0.68) / 0.787: recall floor 0.68 -> 0.66."""
    result = evaluate(linker, load_link_set(str(FINAL4)))
    assert result["precision"] >= 0.89, result
    assert result["recall"] >= 0.66, result
    assert result["f1"] >= 0.77, result


def test_accuracy_on_fifth_set(linker: Linker) -> None:
    """j01-j08: measured once unseen by the lead at 01:45 with the weights before linker3's change (0.800 / 0.710 /
    0.752), then calibration data (in-sample here): 0.894 / 0.710 / 0.792. Leave-one-set-out, fitted without j01-j08:
    0.855 / 0.664 / 0.747. With linkrecall's text-level features: 0.907 / 0.822 / 0.863 (loso 0.923 / 0.785 / 0.848).
    linkfit's 60-case fit: 0.933 / 0.776 / 0.847 (loso 0.929 / 0.738 / 0.823). linkfit7's 68-case fit: 0.932 / 0.766 /
    0.841."""
    result = evaluate(linker, load_link_set(str(FINAL5)))
    assert result["precision"] >= 0.91, result
    assert result["recall"] >= 0.76, result
    assert result["f1"] >= 0.83, result


def test_sixth_final_set_is_well_formed() -> None:
    cases = load_link_set(str(FINAL6))
    assert [c["id"] for c in cases] == [f"k0{i}" for i in range(1, 9)]
    for case in cases:
        ids = {a.id for a in case["areas"]}
        assert 2 <= len(ids) <= 4
        assert all(set(labels) <= ids for _t, labels in case["sentences"])
    assert sum(1 for c in cases for _t, labels in c["sentences"] if not labels) >= 40


def test_accuracy_on_sixth_set(linker: Linker) -> None:
    """k01-k08: measured once unseen by the lead with linkrecall's weights (52-case fit, threshold 0.53): 0.844 / 0.724
    / 0.779 (before linkrecall 0.892 / 0.629 / 0.737), then calibration data (in-sample here). linkfit's 60-case fit
    (inner folds by writer, target 0.90, threshold 0.57): 0.886 / 0.667 / 0.761; leave-one-set-out, fitted without
    k01-k08: 0.889 / 0.686 / 0.774. linkfit7's 68-case fit (threshold 0.59): 0.917 / 0.629 / 0.746 (loso 0.893 /
    0.648 / 0.747): recall floor 0.65 -> 0.61, F1 0.74 -> 0.73."""
    result = evaluate(linker, load_link_set(str(FINAL6)))
    assert result["precision"] >= 0.86, result
    assert result["recall"] >= 0.61, result
    assert result["f1"] >= 0.73, result


def test_seventh_final_set_is_well_formed() -> None:
    cases = load_link_set(str(FINAL7))
    assert [c["id"] for c in cases] == [f"m0{i}" for i in range(1, 9)]
    assert {c["split"] for c in cases} == {"final7"}
    assert {c["joiner"] for c in cases} == {" ", "\n"}
    for case in cases:
        ids = {a.id for a in case["areas"]}
        assert 2 <= len(ids) <= 4
        assert all(set(labels) <= ids for _t, labels in case["sentences"])
    assert sum(len(c["sentences"]) for c in cases) >= 150
    assert sum(1 for c in cases for _t, labels in c["sentences"] if not labels) >= 50


def test_accuracy_on_seventh_set(linker: Linker) -> None:
    """m01-m08 (a new writer with terse and dated notes): measured once unseen by the lead with the 52-case weights
    (before linkfit) 0.772 / 0.581 / 0.663 and with linkfit's 60-case weights 0.787 / 0.562 / 0.656, then calibration
    data (in-sample here). linkfit7 (date prefixes read past, "<role> to <verb>" plans, negated arrangements no
    logistics; 68-case fit, threshold 0.59): 0.855 / 0.562 / 0.678; leave-one-set-out, fitted without m01-m08,
    0.787 / 0.562 / 0.656 without linkfit7's fixes and 0.836 / 0.581 / 0.685 with them."""
    result = evaluate(linker, load_link_set(str(FINAL7)))
    assert result["precision"] >= 0.83, result
    assert result["recall"] >= 0.54, result
    assert result["f1"] >= 0.66, result


# Areas whose titles name the child and an everyday subject ("the twins"), as practitioners write them.
TITLED = [
    Area(
        "health",
        "Jac's health and development",
        "Jac (3) has missed his hearing test and two nursery health checks; he speaks only a few words.",
        "Jac's appointments are kept and he is learning new words every month.",
    ),
    Area(
        "teeth",
        "The boys' teeth",
        "Both boys have tooth decay and go to bed with bottles of squash.",
        "The boys see a dentist, brush twice a day and have water at bedtime.",
    ),
    Area(
        "money",
        "Keeping up with the rent",
        "Mum (Bethan) is three months behind with the rent and has had a court letter.",
        "Bethan pays the rent and something towards the arrears every month.",
    ),
]


@pytest.mark.parametrize(
    "sentence",
    [
        "I called in to see Jac and his mum at the flat.",
        "Home visit at 11, Bethan, Jac and the boys in.",
        "I went round to see the boys after school on Wednesday.",
        "Phone call from the nursery manager at 9.15 to say Jac was in.",
        "Next visit booked for Monday at 2pm.",
    ],
)
def test_visit_logistics_naming_the_child_link_to_nothing(linker: Linker, sentence: str) -> None:
    """A sentence about who was visited, when and where is not evidence about an area whose title names them."""
    text = f"{sentence} Bethan showed me the rent statement, which is now up to date."
    results = {r.area: [s.text for s in r.sentences] for r in linker.link(text, TITLED)}
    assert all(sentence not in texts for texts in results.values()), results
    # The evidence sentence beside it still links: the logistics line is filtered, not the whole text.
    assert "money" in results, results


def test_run_without_full_stops_or_commas_is_cut_at_clauses(linker: Linker) -> None:
    """Notes with neither full stops nor commas are cut where a new subject and verb start a clause."""
    text = (
        "went round at 3 Bethan was in the kitchen Jac was asleep upstairs the boys had clean teeth and new brushes "
        "Bethan said the rent is paid up to date she showed me the statement from the housing office"
    )
    sents = [s.text for s in linker.split(text)]
    assert len(sents) >= 3, sents
    assert all(len(s.split()) <= 20 for s in sents), sents
    assert any(s.startswith("Bethan said the rent is paid") for s in sents), sents


def test_notes_run_together_are_cut_before_irregular_verbs_and_lower_case_subjects(linker: Linker) -> None:
    """'Jac came down ...', 'I rang ...', 'school told me ...' start a clause as 'Jac showed' does, so a line of notes
    run together does not become one sentence scored for every area it touches."""
    text = (
        "Bethan said the rent is paid up to date and she has kept the statement for me to see Jac came down and "
        "showed me his drawing of a dinosaur school told me this morning he has been in every day this week"
    )
    sents = [s.text for s in linker.split(text)]
    assert any(s.startswith("Jac came down") for s in sents), sents
    assert any(s.startswith("school told me") for s in sents), sents


@pytest.mark.parametrize(
    "line",
    [
        "Present: Bethan (mum), Jac, the school nurse, the dentist's receptionist and me.",
        "\u2022 Attendees: mum, class teacher, SENCo, health visitor, me",
        "Agenda: rent, school attendance, the boys' dental check-ups.",
    ],
)
def test_a_list_of_who_was_there_or_an_agenda_links_to_nothing(linker: Linker, line: str) -> None:
    """A line listing those present or a meeting's agenda names areas' words (school, dentist) but is no evidence."""
    text = f"{line}\nBethan showed me the rent statement, which is now up to date."
    results = {r.area: [s.text for s in r.sentences] for r in linker.link(text, TITLED)}
    assert all(not any(t in line for t in texts) for texts in results.values()), results
    assert "money" in results, results


def test_names_opening_two_sentences_of_the_area_texts_are_masked() -> None:
    """ "Bethan is behind with the rent." / "Bethan pays the rent" make Bethan a name; a common noun that opens two
    sentences but is also written in lower case ("Contact ... weekly contact") is not one."""
    areas = [
        Area("money", "Keeping up with the rent", "Bethan is behind with the rent.", "Bethan pays the rent on time."),
        Area("contact", "Time with Dad", "Contact is often cancelled.", "Contact happens every week as agreed."),
        Area(
            "school", "School", "Attendance is low and weekly contact with school has stopped.", "Attendance is good."
        ),
    ]
    names = area_names(areas)
    assert "Bethan" in names
    assert "Contact" not in names and "Attendance" not in names


@pytest.mark.parametrize(
    "follow_on", ["She said it has been hard but she is proud of herself.", "She said Fridays are the worst."]
)
def test_a_follow_on_sentence_is_linked_to_the_area_its_neighbour_is_about(linker: Linker, follow_on: str) -> None:
    """The second stage reads the previous sentence's first-stage score: the same words after a sentence about mum's
    drinking are evidence about it, after small talk they are not."""
    after_drink = linker.score_sentences(["Mum told me she has not had a drink since Sunday.", follow_on], AREAS)[1]
    after_weather = linker.score_sentences(["We talked about the weather.", follow_on], AREAS)[1]
    assert after_drink[2] >= linker.threshold > after_weather[2], (after_drink, after_weather)


def test_second_stage_weights_of_other_features_are_refused(tmp_path, monkeypatch) -> None:
    """A weights file whose second stage was trained on other context features is not silently used."""
    import json

    from coach import paths
    from coach.nlp import linker as linker_module

    data = json.loads((paths.PROMPTS_DIR / "reflection" / "linker" / "weights.json").read_text(encoding="utf-8"))
    data["context"]["features"] = data["context"]["features"][:-1]
    (tmp_path / "reflection" / "linker").mkdir(parents=True)
    (tmp_path / "reflection" / "linker" / "weights.json").write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(paths, "PROMPTS_DIR", tmp_path)
    weights, _bias, _thr, problem, _ctx, _ctx_bias = linker_module._load_model()
    assert weights is None and "context features" in problem and "reinstall" in problem


def test_evidence_bank_has_no_paraphrase_of_a_labelled_sentence(linker: Linker) -> None:
    """The bank is not refitted per fold of the grouped CV, so an example that restates a labelled sentence would
    flatter the measured accuracy: every example stays below cosine 0.68 to every sentence of the labelled sets."""
    paths = (SET, FINAL2, FINAL3, FINAL4, FINAL5, FINAL6, FINAL7)
    sentences = [t for path in paths for c in load_link_set(str(path)) for t, _ in c["sentences"]]
    examples = [x for _about, xs in linker.evidence_bank() for x in xs]
    assert len(examples) >= 400
    sims = linker.embed(examples) @ linker.embed(sentences).T
    worst = sims.max(axis=1).argmax()
    assert sims.max() < 0.68, examples[worst]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Scores today: drinking 6, school 8.", {"drink", "school"}),
        ("Mum scored the kitchen 4, drink 7.", {"home", "drink"}),
    ],
)
def test_scale_readings_link_to_the_areas_they_name(linker: Linker, text: str, expected: set[str]) -> None:
    """A sentence of scale readings is evidence about each area it scales, and only those."""
    assert _areas_of(linker, text) == expected


def test_scale_phrases_are_what_was_scaled_and_times_or_ages_are_not_scales() -> None:
    assert scale_phrases("She put the house at a five and school at a seven.") == ["house", "school"]
    assert scale_phrases("scores: home 5, weight 7, anxiety 4") == ["home", "weight", "anxiety"]
    assert scale_phrases("She put her mood at a four out of ten, up from a two at conference.") == ["mood"]
    for sentence in (
        "I visited at 10am and left at 11.",
        "She has two children aged 4 and 7.",
        "The baby took 4 ounces at 2pm.",
        "rang mum 10.15; she said grandad only had one pint",
    ):
        assert scale_phrases(sentence) == [], sentence


@pytest.mark.parametrize(
    "line",
    [
        "I will ask the paediatrician for a growth chart.",
        "Me: chase housing about the grant",
        "Next steps: a joint visit with the health visitor and a letter to the GP.",
        "Next visit Tuesday, after school.",
        "todo: ring nursery re attendance",
        "chase CAMHS re the referral",
        "I'll check with school whether the lunches are still missing.",
        "I think I asked too many closed questions about the money.",
        "I felt rushed today.",
    ],
)
def test_the_workers_own_plans_and_practice_are_about_no_area(line: str) -> None:
    """Lead's decision on issue #5: a plan, next step, reminder or reflection on the worker's own practice is not
    evidence about the family (tests/data/link_set.yaml header)."""
    assert own_plan(line) == 1.0


@pytest.mark.parametrize(
    "line",
    [
        "I gave her the crisis line number and she saved it in her phone.",
        "I passed the number plate to the police exploitation team.",
        "I noticed the sink was empty and the worktop wiped.",
        "She will ring the GP herself on Monday.",
        "Mum said she plans to take the children to the dentist next week.",
        "I asked her what had made the difference.",
    ],
)
def test_actions_taken_and_the_familys_own_plans_are_not_the_workers_plans(line: str) -> None:
    assert own_plan(line) == 0.0


@pytest.mark.parametrize(
    ("line", "body"),
    [
        ("3 March: I will ring the nursery.", "I will ring the nursery."),
        ("12/03: Mum said the rent is paid.", "Mum said the rent is paid."),
        ("Mon 4th: chase housing re the damp", "chase housing re the damp"),
        ("05.03.26 - Present: mum, dad, me", "Present: mum, dad, me"),
        ("14:20 - She said he had eaten.", "She said he had eaten."),
        ("Tues 5 March 2026, 10am: Dad was asleep.", "Dad was asleep."),
        ("October 2nd, 2025 \u2013 I should have asked about school.", "I should have asked about school."),
        ("Friday: Kai showed me his room.", "Kai showed me his room."),
    ],
)
def test_a_running_records_date_or_time_prefix_is_stripped(line: str, body: str) -> None:
    assert strip_date_prefix(line) == body


@pytest.mark.parametrize(
    "line",
    [
        "3 children live at home, all under 5.",
        "10 minutes later she was calm again.",
        "Mum said the baby was born on 3 March.",
        "2 of the 5 school days missed this week.",
    ],
)
def test_numbers_that_are_no_date_prefix_are_kept(line: str) -> None:
    assert strip_date_prefix(line) == line


def test_a_time_prefix_stays_a_logistics_cue() -> None:
    assert strip_date_prefix("9.45am - arrived, nobody in", keep_time=True) == "9.45am arrived, nobody in"
    assert logistics_only("9.45am - arrived, nobody in") >= 0.4
    # A date is no time of day: "05.03.26" must not read as 05:03, and a dated observation is not logistics.
    assert logistics_only("05.03.26 - Kai had a bruise on his cheek and would not say how.") < 0.4


@pytest.mark.parametrize(
    "line",
    [
        "3 March: I will book the parenting assessment and tell the school.",
        "12/03 - Next steps: a joint visit with the health visitor",
        "Wed 9th: chase the GP re the referral letter",
        "14:20 - I think I rushed the questions about money.",
        "SW to refer Kai to the young carers project",
        "PA to chase the bus pass with the leaving care team",
        "Me to ring the school about the lunch money",
        "HV to chase the weight check",
        "CAMHS to offer an assessment appointment",
        "4 May: FSW to help with the tenancy forms",
    ],
)
def test_dated_and_shorthand_plans_are_the_workers_own(line: str) -> None:
    """A running record's dated plan and the "<role> to <verb>" shorthand of a next step are plans, about no area."""
    assert own_plan(line) == 1.0


@pytest.mark.parametrize(
    "line",
    [
        "Mum to take Kai to the dentist",
        "M to ring the GP herself",
        "3 March: She will ring the GP on Monday.",
        "OK to leave him with nan for an hour, she said",
        "12/03: I noticed the fridge was full.",
    ],
)
def test_the_familys_shorthand_plans_and_dated_observations_are_not_the_workers_plans(line: str) -> None:
    assert own_plan(line) == 0.0


@pytest.mark.parametrize(
    "line",
    [
        "Kai was not collected at 3pm",
        "Ruby was never collected from nursery at 6pm",
        "Mo was not collected on Friday",
    ],
)
def test_an_arrangement_that_did_not_happen_is_an_event_not_logistics(line: str) -> None:
    """ "collected" and a time are logistics cues; a child left uncollected is something that happened to the child
    (before linkfit7 these three scored 0.83, 0.67 and 0.5: logistics, gated)."""
    assert logistics_only(line) < 0.4


def test_an_arrangement_carried_out_is_still_logistics() -> None:
    assert logistics_only("Kai was collected from football at 3pm") >= 0.4
    assert logistics_only("Ruby was collected by nan at 3pm") >= 0.4


def test_a_dated_plan_in_a_running_record_links_to_nothing(linker: Linker) -> None:
    """ "<date>: I will ..." used to slip past the worker's-plan patterns anchored at the line start."""
    text = (
        "3 March: Mum said the fridge had been empty since Thursday and Mali had cereal for tea.\n"
        "3 March: I will ask the school whether Mali is eating her lunch and whether she is late.\n"
        "5 March: HV to chase the dietitian about Mali's weight."
    )
    results = {r.area: [s.text for s in r.sentences] for r in linker.link(text, AREAS)}
    linked = [t for texts in results.values() for t in texts]
    assert not any("I will ask" in t or "HV to chase" in t for t in linked), results
