"""Build the self-contained Scholar Desk bundle for the machine this runs on.

    python packaging/build.py            # dist/scholar-desk/ and the archive beside it

Linux: ``dist/scholar-desk/scholar-desk`` and ``dist/scholar-desk-VERSION-linux-x86_64.tar.gz``.
Windows: ``dist/scholar-desk/scholar-desk.exe``, a zip, and an installer when Inno Setup's
``iscc`` is on PATH. macOS: ``dist/Scholar Desk.app`` in ``dist/scholar-desk-VERSION-macos.dmg``.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
SPEC = ROOT / "packaging" / "scholar-desk.spec"


def version() -> str:
    """The version the bundle carries, read without importing the application."""
    for line in (ROOT / "scholar_desk" / "__init__.py").read_text(encoding="utf-8").splitlines():
        if line.startswith("__version__"):
            return line.split("=", 1)[1].strip().strip("\"'")
    raise SystemExit("scholar_desk/__init__.py names no __version__")


def machine() -> str:
    """The processor name used in archive names (x86_64, arm64...)."""
    name = platform.machine().lower()
    return {"amd64": "x86_64", "aarch64": "arm64"}.get(name, name)


def run_pyinstaller(work: Path) -> None:
    """Freeze the application into ``dist/scholar-desk`` (one folder)."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(DIST),
            "--workpath",
            str(work),
            str(SPEC),
        ],
        check=True,
        cwd=ROOT,
    )


def add_linux_desktop_files(bundle: Path) -> None:
    """Put the menu entry, metainfo, MIME types, icons and installer inside the bundle."""
    linux = ROOT / "packaging" / "linux"
    target = bundle / "share"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(linux / "share", target)
    shutil.copy2(linux / "install.sh", bundle / "install.sh")


def linux_archive(bundle: Path) -> Path:
    """Pack the bundle folder as ``scholar-desk-VERSION-linux-ARCH.tar.gz``."""
    out = DIST / f"scholar-desk-{version()}-linux-{machine()}.tar.gz"
    with tarfile.open(out, "w:gz", compresslevel=9) as tar:
        tar.add(bundle, arcname="scholar-desk")
    return out


def windows_archive(bundle: Path) -> Path:
    """Zip the bundle folder, and build the installer when Inno Setup is present."""
    out = DIST / f"scholar-desk-{version()}-windows-{machine()}.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in sorted(bundle.rglob("*")):
            archive.write(path, Path("scholar-desk") / path.relative_to(bundle))
    iscc = shutil.which("iscc")
    if iscc:
        subprocess.run(
            [
                iscc,
                f"/DAppVersion={version()}",
                str(ROOT / "packaging" / "windows" / "scholar-desk.iss"),
            ],
            check=True,
        )
    return out


def macos_archive() -> Path:
    """Put ``Scholar Desk.app`` in a compressed disk image."""
    out = DIST / f"scholar-desk-{version()}-macos-{machine()}.dmg"
    out.unlink(missing_ok=True)
    subprocess.run(
        [
            "hdiutil",
            "create",
            "-volname",
            "Scholar Desk",
            "-srcfolder",
            str(DIST / "Scholar Desk.app"),
            "-ov",
            "-format",
            "UDZO",
            str(out),
        ],
        check=True,
    )
    return out


def main(argv: list[str] | None = None) -> int:
    """Build the bundle and its archive; print where they are and how large."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller")
    args = parser.parse_args(argv)
    run_pyinstaller(args.work)
    bundle = DIST / "scholar-desk"
    if sys.platform.startswith("linux"):
        add_linux_desktop_files(bundle)
        archive = linux_archive(bundle)
    elif sys.platform == "win32":
        archive = windows_archive(bundle)
    elif sys.platform == "darwin":
        archive = macos_archive()
    else:
        raise SystemExit(f"No bundle recipe for {sys.platform}")
    size = archive.stat().st_size / 1e6
    print(f"bundle:  {bundle}")
    print(f"archive: {archive} ({size:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
