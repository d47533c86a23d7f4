"""The bundle's recipe and the Linux desktop files: what can be checked without building."""

from __future__ import annotations

import configparser
import os
import py_compile
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
SHARE = PACKAGING / "linux" / "share"
APP_ID = "org.scholardesk.ScholarDesk"
DESKTOP = SHARE / "applications" / f"{APP_ID}.desktop"
METAINFO = SHARE / "metainfo" / f"{APP_ID}.metainfo.xml"
MIME = SHARE / "mime" / "packages" / f"{APP_ID}.xml"
ICON_SVG = ROOT / "scholar_desk" / "resources" / "icons" / "scholar-desk.svg"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (Debian: desktop-file-utils / appstream)")
    return path


def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_passes_desktop_file_validate() -> None:
    proc = subprocess.run(
        [_tool("desktop-file-validate"), str(DESKTOP)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # Hints are not errors, but a second main category would list the program twice.
    assert "more than one main category" not in proc.stdout


def test_metainfo_passes_appstream_validation() -> None:
    proc = subprocess.run(
        [_tool("appstreamcli"), "validate", "--no-net", str(METAINFO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_metainfo_screenshots_are_files_in_docs() -> None:
    images = [el.text or "" for el in ET.parse(METAINFO).iter("image")]
    assert images, "the metainfo shows no screenshots"
    for url in images:
        name = url.rsplit("/docs/screenshots/", 1)[-1]
        assert (ROOT / "docs" / "screenshots" / name).is_file(), url


def test_every_mime_type_the_entry_opens_is_known() -> None:
    ours = {el.get("type") for el in ET.parse(MIME).getroot()}
    opened = {t for t in _desktop_entry()["MimeType"].split(";") if t}
    # text/x-bibtex comes with shared-mime-info; RIS and MEDLINE are declared here.
    assert opened - ours == {"text/x-bibtex"}
    globs = {el.get("pattern") for el in ET.parse(MIME).iter() if el.tag.endswith("glob")}
    assert globs == {"*.ris", "*.nbib"}


def test_entry_opens_files_and_names_the_icon() -> None:
    entry = _desktop_entry()
    assert entry["Exec"] == "scholar-desk %F"
    assert entry["Icon"] == APP_ID


def test_icon_sizes_are_what_their_folders_say() -> None:
    hicolor = SHARE / "icons" / "hicolor"
    sizes = sorted(int(p.parent.parent.name.split("x")[0]) for p in hicolor.glob("*x*/apps/*.png"))
    assert sizes == [16, 24, 32, 48, 64, 128, 256, 512]
    for png in hicolor.glob("*x*/apps/*.png"):
        side = int(png.parent.parent.name.split("x")[0])
        with Image.open(png) as image:
            assert image.size == (side, side), png
            assert image.mode == "RGBA"
            # The corners are transparent: the tile is a rounded square, not a white box.
            assert image.getpixel((0, 0))[3] == 0
    scalable = hicolor / "scalable" / "apps" / f"{APP_ID}.svg"
    assert scalable.read_bytes() == ICON_SVG.read_bytes(), "run python tools/make_icons.py"
    for native in ("scholar-desk.ico", "scholar-desk.icns"):
        assert (PACKAGING / "icons" / native).stat().st_size > 1000


def test_scripts_compile(tmp_path: Path) -> None:
    for script in ("build.py", "smoke_test.py", "launcher.py", "scholar-desk.spec"):
        py_compile.compile(str(PACKAGING / script), doraise=True, cfile=str(tmp_path / "x.pyc"))
    proc = subprocess.run(["sh", "-n", str(PACKAGING / "linux" / "install.sh")], check=False)
    assert proc.returncode == 0


def test_inno_setup_script_names_files_that_exist() -> None:
    iss = (PACKAGING / "windows" / "scholar-desk.iss").read_text(encoding="utf-8")
    base = PACKAGING / "windows"
    for key in ("SetupIconFile", "LicenseFile"):
        line = next(ln for ln in iss.splitlines() if ln.startswith(f"{key}="))
        target = base / line.split("=", 1)[1].replace("\\", "/")
        assert target.resolve().is_file(), line


def test_workflow_builds_all_three_platforms_on_a_tag() -> None:
    text = (ROOT / ".github" / "workflows" / "bundles.yml").read_text(encoding="utf-8")
    for needle in ("ubuntu-", "windows-", "macos-", 'tags: ["v*"]', "packaging/build.py"):
        assert needle in text
    assert "packaging/smoke_test.py" in text


def _fake_bundle(tmp_path: Path) -> Path:
    bundle = tmp_path / "unpacked" / "scholar-desk"
    bundle.mkdir(parents=True)
    program = bundle / "scholar-desk"
    program.write_text("#!/bin/sh\necho scholar-desk 0\n", encoding="utf-8")
    program.chmod(0o755)
    shutil.copytree(SHARE, bundle / "share")
    shutil.copy2(PACKAGING / "linux" / "install.sh", bundle / "install.sh")
    return bundle


def test_install_sh_installs_under_home_and_uninstall_removes_it(tmp_path: Path) -> None:
    bundle = _fake_bundle(tmp_path)
    home = tmp_path / "home"
    data = home / ".local" / "share"
    (data / "scholar-desk").mkdir(parents=True)
    (data / "scholar-desk" / "library.sqlite3").write_bytes(b"keep me")
    env = {"HOME": str(home), "PATH": os.environ["PATH"]}
    subprocess.run(["sh", str(bundle / "install.sh")], env=env, check=True, capture_output=True)

    program = home / ".local" / "lib" / "scholar-desk" / "scholar-desk"
    assert program.is_file()
    assert (home / ".local" / "bin" / "scholar-desk").resolve() == program
    entry = (data / "applications" / f"{APP_ID}.desktop").read_text(encoding="utf-8")
    assert f'Exec="{program}" %F' in entry
    assert (data / "icons" / "hicolor" / "48x48" / "apps" / f"{APP_ID}.png").is_file()
    assert (data / "mime" / "packages" / f"{APP_ID}.xml").is_file()
    assert (data / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()

    subprocess.run(
        ["sh", str(program.parent / "install.sh"), "--uninstall"],
        env=env,
        check=True,
        capture_output=True,
    )
    assert not program.parent.exists()
    assert not (home / ".local" / "bin" / "scholar-desk").exists()
    assert not (data / "applications" / f"{APP_ID}.desktop").exists()
    assert not list((data / "icons").rglob(f"{APP_ID}.*"))
    assert (data / "scholar-desk" / "library.sqlite3").read_bytes() == b"keep me"


def test_install_sh_refuses_outside_an_unpacked_bundle(tmp_path: Path) -> None:
    script = tmp_path / "install.sh"
    shutil.copy2(PACKAGING / "linux" / "install.sh", script)
    env = {"HOME": str(tmp_path / "home"), "PATH": os.environ["PATH"]}
    proc = subprocess.run(
        ["sh", str(script)], env=env, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 2
    assert "unpacked scholar-desk folder" in proc.stderr
    assert not (tmp_path / "home" / ".local" / "lib" / "scholar-desk").exists()
