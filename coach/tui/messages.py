"""Messages the app sends to its screens, so screens by different authors can react to app-wide events.

The app posts these to every screen on the stack; a screen that needs the language models or the database
handles them (`on_models_ready`, `on_store_ready`). Screens pushed later
simply read `app.tagger` / `app.store`.
"""

from __future__ import annotations

from textual.message import Message


class ModelsReady(Message):
    """The language models are loaded: `app.tagger` is now a Tagger."""


class ModelsFailed(Message):
    """The language models could not be loaded; `message` says why in words for the user."""

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message


class StoreReady(Message):
    """The database has been opened (`ok` True, `app.store` is a Store) or could not be (`ok` False)."""

    def __init__(self, ok: bool, error: str | None = None) -> None:
        super().__init__()
        self.ok = ok
        self.error = error
