"""The Textual app: opens the database and loads the language models without delaying the first frame.

`CoachApp(db_url, tagger=None)` is the contract shared by every screen (see ARCHITECTURE.md):

- `app.store`: the coach.store.db.Store, or None when the database cannot be opened (an error screen
  says why).
  It is opened in a background thread right after the first frame; a screen that reads `app.store` earlier
  simply waits for that open to finish (it is short once SQLAlchemy is imported).
- `app.tagger`: None until the models worker has loaded the Tagger; then `ModelsReady` is posted to every
  screen on the stack. Pass `tagger=` to skip loading (tests share one real tagger per session).
- `app.settings`: the typed settings (coach.config).

Screens are registered by name and imported only when first opened; a destination whose module does not exist
yet opens a "coming soon" screen instead of failing.
"""

from __future__ import annotations

import importlib
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from coach.errors import CoachError
from coach.tui.commands import ScreenCommands
from coach.tui.messages import ModelsFailed, ModelsReady, StoreReady

if TYPE_CHECKING:  # pragma: no cover
    from coach.config import Settings
    from coach.store.db import Store

_HERE = Path(__file__).resolve().parent
LOADING_MODELS = "Loading language models…"

# name -> "module:Class"; imported lazily so that start-up stays fast and a missing screen is not fatal.
SCREEN_REGISTRY: dict[str, str] = {
    "home": "coach.tui.screens.home:HomeScreen",
    "rehearse": "coach.tui.screens.rehearse:RehearseScreen",
    "reflect": "coach.tui.screens.reflect:ReflectScreen",
    "cases": "coach.tui.screens.cases:CasesScreen",
    "review": "coach.tui.screens.review:ReviewScreen",
    "drills": "coach.tui.screens.drills:DrillsScreen",
    "phrasebank": "coach.tui.screens.phrasebank:PhrasebankScreen",
}


def _load_settings(db_url: str) -> Settings:
    from coach.config import ConfigError, Settings, load_settings

    try:
        return load_settings(db=db_url)
    except ConfigError:
        # The CLI reports a broken config file before the app starts; here we just carry on with defaults.
        return Settings(db_url=db_url, practitioner="practitioner")


class CoachApp(App[None]):
    """coach: practise difficult conversations, reflect after visits, review with a mentor."""

    TITLE = "coach"
    # Absolute, so subclasses in other folders (tests, tools) still find the styles.
    CSS_PATH: ClassVar[list[Path]] = [_HERE / "app.tcss", _HERE / "screens" / "home.tcss"]
    COMMANDS: ClassVar[set[Any]] = App.COMMANDS | {ScreenCommands}
    BINDINGS: ClassVar[list[Any]] = [
        Binding("f1", "help", "Help", id="app.help", tooltip="Help for this screen and its keys"),
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Quit coach"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit_ctrl", tooltip="Quit coach", show=False, priority=True),
        Binding("escape", "back", "Back", id="app.back", tooltip="Go back to the previous screen", show=False),
    ]

    def __init__(self, db_url: str, tagger: Any = None, *, load_models: bool = True) -> None:
        """`tagger`: a loaded Tagger to use (no loading); `load_models=False`: do not load any (the screens
        that need them say so), for tests and tools that only need the database."""
        super().__init__()
        self.db_url = db_url
        self.settings = _load_settings(db_url)
        self.tagger = tagger
        self.models_seconds: float | None = None
        self.models_error: str | None = None
        self._load_models = load_models and tagger is None
        self._models_started = False
        self._models_thread: threading.Thread | None = None
        if tagger is not None:
            self.model_status = "Models ready"
        elif self._load_models:
            self.model_status = LOADING_MODELS
        else:
            self.model_status = "Language models not loaded in this session"
        self._store: Store | None = None
        self.store_error: str | None = None
        self._store_done = False
        self._store_lock = threading.Lock()
        self._store_error_shown = False
        self.started_at = time.perf_counter()
        self.first_frame_seconds: float | None = None  # from __init__ to the painted home screen
        self.first_frame_at: float | None = None  # the same moment as a Unix time (for benchmarks)
        self.sub_title = self.model_status

    # ---- the database --------------------------------------------------------------------------------------
    @property
    def store(self) -> Store | None:
        """The open Store, or None if the database could not be opened (`store_error` says why)."""
        if not self._store_done:
            self._open_store()
        return self._store

    @store.setter
    def store(self, value: Store | None) -> None:
        with self._store_lock:
            self._store = value
            self._store_done = True

    @property
    def store_ready(self) -> bool:
        """True once the open has finished (successfully or not), without waiting for it."""
        return self._store_done

    def _open_store(self) -> None:
        """Open the database once; safe to call from any thread (a second caller waits for the first)."""
        with self._store_lock:
            if self._store_done:
                return
            from coach.errors import CoachError

            try:
                from coach.store.db import Store

                self._store = Store.open(self.db_url)
            except CoachError as exc:
                self.store_error = str(exc)
            except Exception as exc:  # an unexpected failure must still end in a readable screen
                self.store_error = f"The database could not be opened: {type(exc).__name__}: {exc}"
            self._store_done = True
        self._announce_store()

    def _announce_store(self) -> None:
        message = StoreReady(self._store is not None, self.store_error)
        if threading.get_ident() == self._thread_id:
            self._post_store_ready(message)
            return
        try:
            self.call_from_thread(self._post_store_ready, message)
        except RuntimeError:
            pass  # the app is already closing

    def _post_store_ready(self, message: StoreReady) -> None:
        # The models load after the database is open: both are mostly imports, and the workspace summary
        # should not wait behind torch for the interpreter's attention.
        if self._load_models and not self._models_started:
            self._models_started = True
            self.load_models()
        for screen in self.screen_stack:
            screen.post_message(StoreReady(message.ok, message.error))
        if not message.ok and not self._store_error_shown:
            self._store_error_shown = True
            from coach.tui.screens.coming_soon import DatabaseErrorScreen

            screen = DatabaseErrorScreen(message.error or "The database could not be opened.")
            # After a refresh, so the home screen has finished mounting underneath it.
            self.call_after_refresh(self.push_screen, screen)

    @work(thread=True, exclusive=True, group="store", exit_on_error=False)
    def _open_store_worker(self) -> None:
        self._open_store()

    # ---- the language models -------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="models", exit_on_error=False)
    def load_models(self) -> float:
        """Load the Tagger (spaCy + MiniLM + classifiers); returns the seconds it took.

        The loading itself runs in a daemon thread that this worker waits for, so quitting while the models
        load is immediate: the worker is cancelled, and run_app leaves without waiting for torch's imports.
        """
        from textual.worker import get_current_worker

        worker = get_current_worker()
        start = time.perf_counter()
        outcome: dict[str, Any] = {}
        done = threading.Event()

        def load() -> None:
            try:
                from coach.nlp.tagger import Tagger

                outcome["tagger"] = Tagger.load()
            except BaseException as exc:  # reported by the worker below, in the one failure handler
                outcome["error"] = exc
            finally:
                done.set()
            if "tagger" in outcome:  # after "models ready": the persona's examples, so a first reply does not wait
                try:
                    from coach.services.persona import warm_moves

                    warm_moves(outcome["tagger"].embed)
                except Exception:  # noqa: BLE001 - a failed warm-up only leaves the first reply to embed them
                    pass

        self._models_thread = threading.Thread(target=load, name="coach-models", daemon=True)
        self._models_thread.start()
        while not done.wait(0.1):
            if worker.is_cancelled:
                return 0.0
        if "error" in outcome:
            raise outcome["error"]
        self.call_from_thread(setattr, self, "tagger", outcome["tagger"])
        return time.perf_counter() - start

    @property
    def models_still_loading(self) -> bool:
        """True while the model-loading thread is alive (e.g. the user quit before it finished)."""
        return self._models_thread is not None and self._models_thread.is_alive()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place where background failures (models, database) become messages for the user."""
        worker = event.worker
        if worker.group == "models":
            if event.state == WorkerState.SUCCESS:
                self.models_seconds = float(worker.result or 0.0)
                self._set_model_status(f"Models ready ({self.models_seconds:.1f} s)")
                for screen in self.screen_stack:
                    screen.post_message(ModelsReady())
            elif event.state == WorkerState.ERROR:
                self.models_error = _describe_model_failure(worker.error)
                self._set_model_status(f"Language models unavailable: {self.models_error}")
                for screen in self.screen_stack:
                    screen.post_message(ModelsFailed(self.models_error))
                self.notify(self.models_error, title="Language models not loaded", severity="error", timeout=10)
        elif worker.group == "store" and event.state == WorkerState.ERROR:
            # _open_store catches everything it expects; this is only for the truly unexpected.
            with self._store_lock:
                self.store_error = f"The database could not be opened: {worker.error}"
                self._store_done = True
            self._post_store_ready(StoreReady(False, self.store_error))

    def _set_model_status(self, text: str) -> None:
        self.model_status = text
        self.sub_title = text
        for screen in self.screen_stack:
            update = getattr(screen, "update_model_status", None)
            if callable(update):
                update(text)

    # ---- start-up ------------------------------------------------------------------------------------------
    def get_default_screen(self) -> Screen:
        # Home is the bottom of the stack (no blank screen under it to compose and paint first). Textual
        # loads CSS_PATH only for pushed screens, so home.tcss is in the app's CSS_PATH as well.
        return self.make_screen("home")

    def on_mount(self) -> None:
        # Background work starts once the home screen has been painted, so nothing delays the first frame.
        self.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self) -> None:
        if self.first_frame_seconds is None:
            self.first_frame_seconds = time.perf_counter() - self.started_at
            self.first_frame_at = time.time()
        self._open_store_worker()

    # ---- navigation ----------------------------------------------------------------------------------------
    def get_screen(  # type: ignore[override]
        self, screen: Screen | str, screen_class: type[Screen] | None = None
    ) -> Screen:
        """Registry names give a fresh screen each time (imported lazily); others as Textual does it."""
        if isinstance(screen, str) and screen in SCREEN_REGISTRY and screen not in self._installed_screens:
            return self.make_screen(screen)
        return super().get_screen(screen, screen_class)

    def make_screen(self, name: str) -> Screen:
        """A new instance of the named screen; a "coming soon" screen if its module is not there yet."""
        module_name, _, class_name = SCREEN_REGISTRY[name].partition(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            from coach.tui.screens.coming_soon import ComingSoonScreen

            return ComingSoonScreen(name)
        return getattr(module, class_name)()

    def action_open(self, name: str) -> None:
        """Open a destination by its registry name (from the home screen, the palette or a key)."""
        try:
            self.push_screen(name)
        except Exception as exc:  # a broken screen module must not take the app down
            self.notify(f"{name.title()} could not be opened: {type(exc).__name__}: {exc}", severity="error")

    def action_back(self) -> None:
        """Esc: back to the previous screen; the home screen, at the bottom of the stack, stays."""
        if len(self.screen_stack) > 1:
            self.pop_screen()

    def action_home(self) -> None:
        problem = self._unsaved_problem()
        if problem:
            self.notify(f"{problem} You stay where you are.", title="Not saved", severity="error", timeout=8)
            return
        for _ in range(len(self.screen_stack) - 1):
            self.pop_screen()

    def notify(self, message: str, *, markup: bool = True, **kwargs: Any) -> None:
        """Notifications often carry what a user typed (a case reference, a date): text that is not valid markup
        is shown as it is instead of crashing the app."""
        if markup:
            from textual.content import Content
            from textual.markup import MarkupError

            try:
                Content.from_markup(message)
            except MarkupError:
                markup = False
        super().notify(message, markup=markup, **kwargs)

    # ---- quitting without losing what was typed ------------------------------------------------------------
    _quit_armed_at: float | None = None
    QUIT_AGAIN_SECONDS = 10.0

    def _unsaved_problem(self) -> str | None:
        """Ask every open screen to save what the user typed; what could not be saved, or None."""
        problems = []
        for screen in self.screen_stack:
            save = getattr(screen, "save_before_quit", None)
            if save is None:
                continue
            try:
                problem = save()
            except Exception as exc:  # a screen that cannot even tell must not stop the user quitting
                problem = None
                self.log.error(f"save_before_quit failed on {screen!r}: {exc!r}")
            if problem:
                problems.append(problem)
        return " ".join(problems) or None

    async def action_quit(self) -> None:
        """q / Ctrl+Q: save open drafts first; if that fails, say so and quit only on a second press, after
        writing the unsaved text to a file (nothing typed is lost even when the database stays unwritable)."""
        problem = self._unsaved_problem()
        if problem is None:
            self.exit()
            return
        now = time.monotonic()
        if self._quit_armed_at is None or now - self._quit_armed_at > self.QUIT_AGAIN_SECONDS:
            self._quit_armed_at = now
            self.notify(
                f"{problem} Press Ctrl+Q again within {self.QUIT_AGAIN_SECONDS:g} s to quit anyway: "
                "the unsaved text is then written to a file.",
                title="Not saved",
                severity="error",
                timeout=self.QUIT_AGAIN_SECONDS,
            )
            return
        written = []
        for screen in self.screen_stack:
            write = getattr(screen, "write_recovery_file", None)
            if write is not None and getattr(screen, "unsaved", False):
                try:
                    written.append(write())
                except CoachError as exc:
                    self.notify(f"{exc} coach stays open so the text is not lost.", severity="error", timeout=10)
                    return
        self.exit(message="Unsaved text written to: " + ", ".join(written) if written else None)

    def action_help(self) -> None:
        from coach.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
            return
        self.push_screen(HelpScreen(self.screen))


def _describe_model_failure(error: BaseException | None) -> str:
    if error is None:
        return "unknown error"
    if isinstance(error, ModuleNotFoundError) and error.name and error.name.startswith("coach"):
        return "the tagger is not part of this build yet"
    from coach.errors import CoachError

    if isinstance(error, CoachError):
        return str(error)
    return f"{type(error).__name__}: {error}"
