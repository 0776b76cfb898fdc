"""Start-up benchmark: how long until a practitioner sees something.

    python benchmarks/startup.py            # 10 runs each (median, min, max)
    python benchmarks/startup.py --runs 20 --tmux   # also time the first frame in a real terminal (tmux)

Measured in the same run, each in a fresh interpreter (so imports count, as they do for a user):
- `coach --help`: wall time of the `coach` command as a subprocess;
- time to the first TUI frame: from launching the interpreter to the home screen mounted and refreshed
  (Textual's headless Pilot), for CoachApp on a real SQLite file with the demo workspace, beside a minimal
  Textual app (one Static "hello") measured the same way;
- with --tmux: the same two apps in an 80x24 tmux pane, until their first words appear on screen.

Targets (issue 2): `coach --help` <= 0.3 s; first frame <= 1.0 s and <= 1.5x the minimal app.
The language models and the database open after the first frame, so neither appears in these figures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

HELP_TARGET = 0.3
FRAME_TARGET = 1.0
FRAME_RATIO_TARGET = 1.5

# Both children print "FRAME <unix time>": the moment their first screen has been mounted and the refresh
# after it has run (coach records it as `first_frame_at`, where it starts its background work; the minimal
# app records it the same way). They then leave at once (os._exit: coach does not wait for the
# model-loading thread it started after the first frame).
_PILOT_RUNNER = """
import asyncio, os, sys, time
{setup}

async def main():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        while getattr(app, "first_frame_at", None) is None:
            await pilot.pause(0)
        print("FRAME", app.first_frame_at, flush=True)
    os._exit(0)

asyncio.run(main())
"""

MINIMAL_SETUP = """
from textual.app import App
from textual.widgets import Static

class Hello(App):
    first_frame_at = None

    def compose(self):
        yield Static("hello")

    def on_mount(self):
        self.call_after_refresh(self._painted)

    def _painted(self):
        self.first_frame_at = time.time()

def make_app():
    return Hello()
"""

COACH_SETUP = """
from coach.tui.app import CoachApp

def make_app():
    return CoachApp(db_url=os.environ["BENCH_DB"])
"""


def _env(home: Path, db_url: str) -> dict[str, str]:
    env = {**os.environ, "COACH_HOME": str(home), "BENCH_DB": db_url, "HF_HUB_OFFLINE": "1"}
    env.pop("COACH_DB", None)
    return env


def time_help(coach_cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    result = subprocess.run([*coach_cmd, "--help"], capture_output=True, text=True, env=env, timeout=60)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"coach --help failed: {result.stderr}")
    return elapsed


def time_first_frame(setup: str, env: dict[str, str]) -> float:
    code = _PILOT_RUNNER.format(setup=setup)
    start = time.time()
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120, cwd=ROOT
    )
    for line in result.stdout.splitlines():
        if line.startswith("FRAME "):
            return float(line.split()[1]) - start
    raise SystemExit(f"no first frame:\n{result.stdout}\n{result.stderr[-3000:]}")


def time_tmux(command: str, marker: str, env: dict[str, str]) -> float:
    """Launch `command` in a fresh 80x24 tmux session; seconds until `marker` is visible on the screen."""
    session = f"coach-bench-{os.getpid()}"
    env_prefix = " ".join(f"{k}={v}" for k, v in env.items() if k in ("COACH_HOME", "BENCH_DB", "HF_HUB_OFFLINE"))
    start = time.perf_counter()
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "80", "-y", "24", f"env {env_prefix} {command}"],
        check=True,
    )
    try:
        while True:
            capture = subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True)
            if capture.returncode != 0:
                raise SystemExit(f"tmux: the session ended before {marker!r} appeared: {capture.stderr.strip()}")
            shown = capture.stdout
            if marker in shown:
                return time.perf_counter() - start
            if time.perf_counter() - start > 30:
                raise SystemExit(f"tmux: {marker!r} never appeared:\n{shown}")
            time.sleep(0.005)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


def summary(label: str, values: list[float]) -> str:
    return (
        f"{label:<44} median {statistics.median(values):6.3f} s   "
        f"min {min(values):6.3f}   max {max(values):6.3f}   (n={len(values)})"
    )


def verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--tmux", action="store_true", help="also time the first frame in a real terminal")
    args = parser.parse_args()

    coach_exe = shutil.which("coach")
    coach_cmd = [coach_exe] if coach_exe else [sys.executable, "-m", "coach"]

    with tempfile.TemporaryDirectory(prefix="coach-bench-") as tmp:
        home = Path(tmp)
        db_url = f"sqlite:///{home / 'coach.db'}"
        env = _env(home, db_url)
        # A realistic database: the demo workspace (loaded once, outside the timings).
        subprocess.run([*coach_cmd, "--db", db_url, "demo", "--no-tui"], env=env, check=True, capture_output=True)

        help_times, coach_frames, minimal_frames = [], [], []
        time_first_frame(MINIMAL_SETUP, env)  # warm the file cache once for both
        time_first_frame(COACH_SETUP, env)
        for _ in range(args.runs):
            help_times.append(time_help(coach_cmd, env))
            # Interleaved, so both apps see the same machine load.
            minimal_frames.append(time_first_frame(MINIMAL_SETUP, env))
            coach_frames.append(time_first_frame(COACH_SETUP, env))

        print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; {' '.join(coach_cmd)}")
        print(summary("coach --help", help_times))
        print(summary("first frame, minimal Textual app (Pilot)", minimal_frames))
        print(summary("first frame, coach home screen (Pilot)", coach_frames))
        help_med = statistics.median(help_times)
        frame_med = statistics.median(coach_frames)
        ratio = frame_med / statistics.median(minimal_frames)
        print()
        print(f"target coach --help <= {HELP_TARGET} s: {help_med:.3f} s  {verdict(help_med <= HELP_TARGET)}")
        print(f"target first frame <= {FRAME_TARGET} s: {frame_med:.3f} s  {verdict(frame_med <= FRAME_TARGET)}")
        print(
            f"target first frame <= {FRAME_RATIO_TARGET}x minimal app: {ratio:.2f}x  "
            f"{verdict(ratio <= FRAME_RATIO_TARGET)}"
        )

        if args.tmux:
            if not shutil.which("tmux"):
                print("\ntmux is not installed; skipping the real-terminal timing.")
                return
            minimal_script = home / "minimal_app.py"
            minimal_script.write_text("import time\n" + MINIMAL_SETUP + "\nmake_app().run()\n", encoding="utf-8")
            coach_cmdline = " ".join([*coach_cmd, "--db", db_url])
            real_minimal, real_coach = [], []
            # A session that outlives the measured ones, so the tmux server is not restarted between runs.
            keeper = f"coach-bench-keeper-{os.getpid()}"
            subprocess.run(["tmux", "new-session", "-d", "-s", keeper, "sleep 3600"], check=True)
            try:
                for _ in range(args.runs):
                    real_minimal.append(time_tmux(f"{sys.executable} {minimal_script}", "hello", env))
                    real_coach.append(time_tmux(coach_cmdline, "Welcome to coach", env))
            finally:
                subprocess.run(["tmux", "kill-session", "-t", keeper], capture_output=True)
            print()
            print(summary("first frame in tmux, minimal Textual app", real_minimal))
            print(summary("first frame in tmux, coach", real_coach))
            tmux_ratio = statistics.median(real_coach) / statistics.median(real_minimal)
            print(f"tmux: coach / minimal = {tmux_ratio:.2f}x (capture polling adds a few ms to both)")


if __name__ == "__main__":
    main()
