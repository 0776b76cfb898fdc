"""The command palette's own provider: the current screen's key bindings as commands, plus "Go to <screen>".

Each screen already describes its actions in BINDINGS (description and tooltip), so the palette needs no
second list: anything a key can do on this screen can also be found by typing its name after ctrl+p.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from coach.tui.widgets.destinations import DESTINATIONS


@dataclass(frozen=True)
class PaletteCommand:
    name: str
    help: str
    run: Callable[[], Any]


_KEY_NAMES = {
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "escape": "Esc",
    "enter": "Enter",
    "space": "Space",
    "question_mark": "?",
    "slash": "/",
    "plus": "+",
    "minus": "-",
}


def key_label(key: str) -> str:
    """A binding key as people write it ("ctrl+s", "[", "/", "Esc")."""
    return "+".join(_KEY_NAMES.get(part, part) for part in key.split("+"))


def screen_binding_commands(screen: Any) -> Iterator[PaletteCommand]:
    """One command per binding of `screen` (its own BINDINGS) that is enabled right now."""
    seen: set[str] = set()
    bindings_map = getattr(screen, "_bindings", None)
    if bindings_map is None:
        return
    for key, bindings in bindings_map.key_to_bindings.items():
        for binding in bindings:
            # Only the screen's own bindings (ours all have an id), not Textual's tab/ctrl+c plumbing.
            if not binding.id or not binding.description or binding.action in seen:
                continue
            if binding.action in ("back", "app.back", "app.pop_screen"):
                continue  # "go back" is the Esc key, not something to look up
            try:
                action_name = binding.action.split("(", 1)[0]
                if screen.check_action(action_name, ()) is False:
                    continue
            except Exception:
                continue
            seen.add(binding.action)
            help_text = binding.tooltip or binding.description
            yield PaletteCommand(
                f"{binding.description} ({key_label(binding.key_display or key)})",
                help_text,
                partial(screen.run_action, binding.action),
            )


def navigation_commands(app: Any, current: Any) -> Iterator[PaletteCommand]:
    current_name = getattr(current, "destination", None)
    on_home = type(current).__name__ == "HomeScreen"
    for dest in DESTINATIONS:
        if on_home or dest.name == current_name:  # home already offers each destination as a binding
            continue
        yield PaletteCommand(f"Go to {dest.title}", dest.description, partial(app.action_open, dest.name))
    if not on_home:
        yield PaletteCommand("Go to Home", "Back to the home screen", app.action_home)
    yield PaletteCommand("Help for this screen (F1)", "What this screen does and its keys", app.action_help)


class ScreenCommands(Provider):
    """Offers the actions of the screen the palette was opened on, and navigation to every destination."""

    def _commands(self) -> list[PaletteCommand]:
        return [*screen_binding_commands(self.screen), *navigation_commands(self.app, self.screen)]

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(command.name, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.name)
            if score > 0:
                yield Hit(score, matcher.highlight(command.name), command.run, text=command.name, help=command.help)
