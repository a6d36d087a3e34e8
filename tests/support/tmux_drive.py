"""Drive the real `sitthi` app in tmux at 80×24, as a person at a health centre would.

    .venv/bin/python tests/support/tmux_drive.py [--keep]

Builds a small demo centre with `sitthi demo --no-app` in a temporary Sitthi home, opens
`sitthi` in a detached tmux session of 80×24, then: reads the overview, checks that nothing is
sent to the terminal while nobody types (polling included), opens the gap list, sorts it, opens
a person, records a home visit, looks at the imports, switches to English in the settings, and
quits; finally it opens the app once more on a 16-colour terminal. After every step each screen
line must fit in 80 cells (Thai vowels and tone marks take none). Prints each step and exits 1,
showing the screen, on the first thing that is not as expected. `--keep` leaves the files.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from rich.cells import cell_len

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
WIDTH, HEIGHT = 80, 24
DEMO_DAY = "2025-05-20"
DEMO_PERSONS = "400"
ESC_PAUSE = 0.8
IDLE_SECONDS = 4.0
"""Longer than the app's poll interval, so a poll that found nothing is part of the quiet."""


class DriveFailed(AssertionError):
    pass


class Session:
    """One tmux session running a command, with its output also copied to a file."""

    def __init__(self, name: str, command: str, env: dict[str, str], log: Path) -> None:
        self.name = name
        self.log = log
        tmux("new-session", "-d", "-s", name, "-x", str(WIDTH), "-y", str(HEIGHT), command, env=env)
        # tmux holds a lone Esc for 500 ms by default, turning "Esc then 3" into Alt+3.
        tmux("set-option", "-s", "escape-time", "20")
        # Closing one session must not take the server down under the next one's new-session.
        tmux("set-option", "-s", "exit-empty", "off")
        tmux("pipe-pane", "-o", "-t", name, f"cat >> {log}")

    def screen(self) -> str:
        return tmux("capture-pane", "-p", "-t", self.name)

    def keys(self, *keys: str) -> None:
        for key in keys:
            tmux("send-keys", "-t", self.name, key)
            # A key right behind Esc can reach the app in the same read and become Alt+key.
            time.sleep(ESC_PAUSE if key == "Escape" else 0.15)

    def type(self, text: str) -> None:
        tmux("send-keys", "-t", self.name, "-l", text)
        time.sleep(0.15)

    def wait_all(self, *texts: str) -> str:
        """The screen once every one of `texts` is on it."""
        screen = ""
        for text in texts:
            screen = self.wait_for(text)
        return screen

    def wait_for(self, text: str, timeout: float = 40.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise DriveFailed(f"{text!r} did not appear on screen")

    def close(self) -> None:
        tmux("kill-session", "-t", self.name)


SOCKET = f"sitthi-drive-{os.getpid()}"
"""A tmux server of our own: its settings and sessions never touch the user's."""


def tmux(*args: str, env: dict[str, str] | None = None) -> str:
    command = ["tmux", "-L", SOCKET, *args]
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        raise DriveFailed(f"tmux {args[0]} failed: {result.stderr.strip()}")
    return result.stdout


def check_fits(screen: str) -> None:
    """Every line within the terminal's width, as the terminal counts cells."""
    for number, line in enumerate(screen.splitlines(), 1):
        if cell_len(line) > WIDTH:
            raise DriveFailed(f"line {number} is {cell_len(line)} cells wide: {line!r}")


def check_quiet(session: Session) -> None:
    """Nothing written to the terminal while nobody types (no blinking, no idle repaints)."""
    time.sleep(1.0)
    before = session.log.stat().st_size
    time.sleep(IDLE_SECONDS)
    after = session.log.stat().st_size
    if after != before:
        raise DriveFailed(f"{after - before} bytes sent to an idle terminal in {IDLE_SECONDS}s")


def build_demo(home: Path) -> tuple[Path, dict[str, str]]:
    env = {
        **os.environ,
        "SITTHI_HOME": str(home),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
    }
    env.pop("SITTHI_DB", None)
    env.pop("TMUX", None)
    db = home / "demo.db"
    demo = subprocess.run(
        [
            *(str(BIN / "sitthi"), "demo", "--no-app", "--persons", DEMO_PERSONS),
            *("--today", DEMO_DAY, "--dir", str(home / "files"), "--db", str(db)),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if demo.returncode != 0:
        raise DriveFailed("sitthi demo failed:\n" + "\n".join(demo.stderr.splitlines()[-5:]))
    return db, env


def app_command(db: Path, term: str) -> str:
    """The app, then its exit status left on screen for a few seconds."""
    return f"TERM={term} {BIN / 'sitthi'} --db {db}; echo sitthi-exit=$?; sleep 5"


def step(session: Session, title: str, action: Callable[[], str]) -> None:
    screen = action()
    check_fits(screen)
    print(f"ok  {title}")


def drive(db: Path, env: dict[str, str], work: Path) -> None:
    name = f"sitthi-drive-{os.getpid()}"
    session = Session(name, app_command(db, "xterm-256color"), env, work / "terminal.log")
    try:
        step(
            session,
            "the overview shows coverage against the target",
            lambda: session.wait_for("เป้าหมาย ≥ 99 %"),
        )
        step(
            session,
            "the overview shows the gaps, PP money and the trend",
            lambda: session.wait_all("ยังไม่ตรวจสิทธิ", "รายเดือน", "100%", "รอติดตาม"),
        )
        check_quiet(session)
        print("ok  nothing is redrawn while idle")

        def open_list() -> str:
            session.keys("2")
            return session.wait_for("เรียงตาม")

        step(session, "2 opens the gap list", open_list)

        def sort_by_name() -> str:
            session.keys("s", "s")
            return session.wait_for("เรียงตามชื่อ ↑")

        step(session, "s sorts the list by name", sort_by_name)

        def open_person() -> str:
            session.keys("Enter")
            return session.wait_for("ปัญหาและสิ่งที่ต้องทำ")

        step(session, "Enter opens the person with each gap explained", open_person)

        def record_visit() -> str:
            session.keys("a")
            session.wait_for("บันทึกการติดตาม:")
            session.keys("Down", "Enter", "Tab", "Tab")
            session.type("ไปเยี่ยมบ้าน พบญาติ")
            session.keys("C-s")
            return session.wait_for("เยี่ยมบ้านแล้ว")

        step(session, "a records a home visit; the history shows it", record_visit)

        def back_to_list() -> str:
            session.keys("Escape")
            session.wait_for("เรียงตามชื่อ")
            session.keys("/")
            session.type("ยังไม่มี")
            session.wait_for("ยังไม่มี")
            session.keys("Enter")
            return session.wait_for("แสดง 0 จาก")

        step(session, "Esc goes back to the list, / searches it", back_to_list)

        def claims() -> str:
            session.keys("3")
            return session.wait_for("เบิกได้")

        step(session, "3 shows PP money by item and status", claims)

        def imports() -> str:
            session.keys("4")
            return session.wait_for("สำเร็จ")

        step(session, "4 lists the imported files", imports)

        def english() -> str:
            session.keys("5")
            session.wait_for("ภาษา")
            session.keys("Down", "Enter")
            return session.wait_for("Language")

        step(session, "the settings switch to English", english)

        def overview_in_english() -> str:
            session.keys("1")
            return session.wait_for("Rights coverage")

        step(session, "1 shows the overview in English", overview_in_english)
        session.keys("q")
        session.wait_for("sitthi-exit=0")
        print("ok  q quits cleanly")
    except DriveFailed:
        print(session.screen(), file=sys.stderr)
        raise
    finally:
        session.close()

    colours = Session(f"{name}-16", app_command(db, "linux"), env, work / "terminal16.log")
    try:
        step(
            colours,
            "on a 16-colour terminal the overview still reads",
            lambda: colours.wait_for("Rights coverage"),
        )
    except DriveFailed:
        print(colours.screen(), file=sys.stderr)
        raise
    finally:
        colours.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary files")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        print("tmux is not installed", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="sitthi-tmux-"))
    try:
        db, env = build_demo(work / "home")
        drive(db, env, work)
    except DriveFailed as failure:
        print(f"FAILED  {failure}", file=sys.stderr)
        return 1
    finally:
        subprocess.run(["tmux", "-L", SOCKET, "kill-server"], capture_output=True, check=False)
        if args.keep:
            print(f"files kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print("all steps passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
