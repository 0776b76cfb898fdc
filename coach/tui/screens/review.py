"""The Review destination. Not built yet: it opens the designed "coming soon" state saying what it will do.

Kept as a real screen module (not only the registry fallback) so the home screen, palette and help treat it
like every other destination, and the real screen can replace this class without touching the app.
"""

from __future__ import annotations

from coach.tui.screens.coming_soon import ComingSoonScreen
from coach.tui.widgets.destinations import BY_NAME


class ReviewScreen(ComingSoonScreen):
    CSS_PATH = ["coming_soon.tcss", "review.tcss"]
    HELP = f"""\
# Review (coming soon)

{BY_NAME["review"].plans}

- **Esc** goes back, **q** quits.
"""

    def __init__(self) -> None:
        super().__init__("review")
