"""Screenshots of the main pages, an editor and the conflict chooser, light and dark.

    python tools/screenshots.py OUT_DIR [--theme light|dark] [--size 1240x780]
    QT_SCALE_FACTOR=2 python tools/screenshots.py OUT_DIR --theme dark   # 200 %

Runs offscreen on a fresh demo database in a temporary folder and writes one PNG per
view (``widget.grab()``, so the pictures are at the scale factor the process runs at).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QWidget

PAGES = ("dashboard", "deadlines", "projects", "abstracts", "references", "charts", "record")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    parser.add_argument("--size", default="1240x780", help="the main window's size")
    args = parser.parse_args(argv)
    width, height = (int(n) for n in args.size.split("x"))
    with tempfile.TemporaryDirectory() as folder:
        os.environ["SCHOLAR_DESK_HOME"] = folder
        if os.environ["QT_QPA_PLATFORM"] == "offscreen":
            # A screen with room for the window at the scale factor this process runs at.
            scale = float(os.environ.get("QT_SCALE_FACTOR", "1"))
            screen = {"name": "shots", "x": 0, "y": 0}
            screen |= {
                "width": round((width + 40) * scale),
                "height": round((height + 80) * scale),
            }
            config = Path(folder) / "screen.json"
            config.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
            os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
        return _shoot(args.out, args.theme, width, height, Path(folder))


def _shoot(out: Path, theme: str, width: int, height: int, folder: Path) -> int:
    from scholar_desk.core.db.library import Library
    from scholar_desk.core.services import accounts, demo, items
    from scholar_desk.core.services.merge import Clash
    from scholar_desk.ui import app as ui_app
    from scholar_desk.ui import screens
    from scholar_desk.ui.context import AppContext, DataEvents
    from scholar_desk.ui.dialogs.conflict_dialog import ConflictDialog
    from scholar_desk.ui.dialogs.record_editor import RecordEditor
    from scholar_desk.ui.main_window import MainWindow
    from scholar_desk.ui.workers import make_pool

    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    ui_app.set_identity(qapp)
    ui_app.apply_theme(theme)
    screens.install(qapp)
    out.mkdir(parents=True, exist_ok=True)
    library = Library.open(folder / "demo.sqlite3")
    with library.transaction() as session:
        demo.fill(session, today=dt.date(2026, 11, 27))
    with library.transaction() as session:
        actor = accounts.login(session, "director", accounts.DEMO_PASSWORD)
    ctx = AppContext(library, actor, make_pool(), QUndoStack(), DataEvents())
    window = MainWindow(ctx)
    window.resize(width, height)
    window.show()
    tag = f"{theme}-{round(qapp.primaryScreen().devicePixelRatio() * 100)}"

    def save(widget: QWidget, name: str) -> None:
        for _ in range(3):
            QApplication.sendPostedEvents()
        widget.grab().save(str(out / f"{name}-{tag}.png"))

    for key in PAGES:
        window.show_page(key)
        save(window, key)
    page = window.show_page("projects")
    page.table.selectRow(0)
    page.open_current()
    save(window, "project-detail")
    page.close_detail()
    editor = RecordEditor(ctx, "project", None, window)
    editor.show()
    save(editor, "project-editor")
    editor.close()
    conference = RecordEditor(ctx, "conference", None, window)
    conference.show()
    save(conference, "conference-editor")
    conference.close()
    from scholar_desk.ui.dialogs.accounts_dialog import AccountsDialog

    people = AccountsDialog(ctx, window)
    people.show()
    save(people, "accounts")
    people.close()
    with library.reading() as session:
        project = items.list_items(session, actor, "project")[0]
    clashes = [
        Clash(
            "title",
            "Title",
            project.label,
            "Genicular RFA: a pilot",
            "Genicular RFA (RCT)",
            "fellow1",
            dt.datetime(2026, 11, 27, 9, 5, tzinfo=dt.UTC),
        ),
        Clash(
            "notes",
            "Notes",
            "",
            "Pharmacy agreed to supply the needles.\n" * 3,
            "Awaiting the pharmacy.",
            "mentor",
            None,
        ),
    ]
    chooser = ConflictDialog("project", clashes, ["IRB number"], window)
    chooser.show()
    save(chooser, "conflict")
    chooser.close()
    window.close()
    ctx.pool.waitForDone()
    library.close()
    print(f"wrote {tag} screenshots to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
