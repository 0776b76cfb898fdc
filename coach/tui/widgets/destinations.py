"""The app's destinations (name, title, one-line description, key) in one place.

The home screen lists them, the command palette offers "Go to ..." for each, and the "coming soon" screen
describes a destination whose screen is not built yet. Keeping them here avoids three
slightly different lists.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Destination:
    name: str  # the screen registry name
    title: str
    description: str  # one short line (fits 36 columns) for the home screen
    key: str  # number-key shortcut on the home screen
    plans: str = ""  # what a not-yet-built screen will do (markdown, shown by the "coming soon" screen)


DESTINATIONS: tuple[Destination, ...] = (
    Destination(
        "rehearse",
        "Rehearse",
        "Practise a conversation with a parent",
        "1",
        "Choose a scenario and talk with a simulated parent or carer who reacts to *how* you speak: "
        "reflections and honest, calm explanations open the conversation up; confrontation closes it down. "
        "At the end you get a scorecard of the techniques you used.",
    ),
    Destination(
        "reflect",
        "Reflect",
        "Guided reflection after a visit",
        "2",
        "Guided prompts after a home visit, saved as you type; the app suggests which change areas of the "
        "case each part of your reflection speaks to, and you confirm or reject each link.",
    ),
    Destination(
        "cases",
        "Cases",
        "Change areas and scale readings",
        "3",
        "Cases under pseudonymous references, the change areas agreed at conference, and the scale "
        "readings that show whether things are moving.",
    ),
    Destination(
        "review",
        "Review",
        "Go through your work with a mentor",
        "4",
        "Open a finished rehearsal or a reflection shared with you, turn by turn, with the techniques the "
        "app recognised; add comments for the practitioner and see the MITI summary scores beside the "
        "fair and good thresholds.",
    ),
    Destination(
        "drills",
        "Drills",
        "Timed exercises, one technique each",
        "5",
        "A facilitator sets a few rounds (for example: 'turn this question into a complex reflection', "
        "60 seconds each); everyone types a response and the app shows which techniques it heard, so the "
        "group can compare phrasings.",
    ),
    Destination(
        "phrasebank",
        "Phrasebank",
        "How could I say this?",
        "6",
        "Every technique with a definition, when it applies and when it does not, and many example "
        "phrasings from home visits.",
    ),
)

BY_NAME: dict[str, Destination] = {d.name: d for d in DESTINATIONS}
