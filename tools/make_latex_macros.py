"""Write what pylatexenc makes of each control sequence, for the fast LaTeX decoder.

    python tools/make_latex_macros.py

`scholar_desk/core/formats/latex.py` decodes common values itself and calls pylatexenc
only for the rest. For a macro it needs three facts that pylatexenc's own tables hold:
whether the macro takes arguments (then the value goes to pylatexenc), what text a
macro without arguments becomes, and that any macro pylatexenc does not know becomes
nothing. Reading those tables costs a fifth of a second at start, so they are written
once to `scholar_desk/resources/latex_macros.json`; tests/unit/test_latex.py checks the
file against the installed pylatexenc.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "scholar_desk" / "resources" / "latex_macros.json"
# Control symbols the fast path handles; the others go to pylatexenc.
CONTROL_SYMBOLS = ("/", " ", ",", "{", "}", "%", "&", "#", "_")
# Macros whose text is not a constant (\today and \maketitle print the date).
VARIABLE = ("today", "maketitle")


def tables() -> dict[str, object]:
    import pylatexenc
    from pylatexenc.latex2text import LatexNodes2Text
    from pylatexenc.latex2text import get_default_latex_context_db as text_db
    from pylatexenc.latexwalker import get_default_latex_context_db as walker_db

    walker = {spec.macroname: spec for spec in walker_db().iter_macro_specs()}
    texts = {spec.macroname for spec in text_db().iter_macro_specs()}
    converter = LatexNodes2Text()

    def constant_text(name: str) -> str | None:
        """The macro's text when it takes no argument, else None (then pylatexenc decides)."""
        spec = walker.get(name)
        if name in VARIABLE or (spec is not None and getattr(spec.args_parser, "argspec", "?")):
            return None
        try:
            alone = converter.latex_to_text("\\" + name)
            # An argument-less macro leaves a following group alone (braces dropped).
            if converter.latex_to_text("\\" + name + "{xq}") != alone + "xq":
                return None
        except (IndexError, KeyError, TypeError, ValueError, AttributeError):
            return None
        return alone

    known = sorted(name for name in set(walker) | texts if name.isalpha())
    constant = {name: text for name in known if (text := constant_text(name)) is not None}
    with_arguments = [name for name in known if name not in constant]
    # A control symbol between two letters shows what it becomes without touching spaces.
    symbols = {ch: converter.latex_to_text("a\\" + ch + "b")[1:-1] for ch in CONTROL_SYMBOLS}
    return {
        "pylatexenc": pylatexenc.__version__,
        "with_arguments": with_arguments,
        "text": constant,
        "control_symbols": symbols,
        "math": _same_in_math(converter, constant, symbols),
    }


def _same_in_math(
    converter: object, constant: dict[str, str], symbols: dict[str, str]
) -> list[str]:
    """Macros and control symbols that give the same text inside ``$...$`` as outside.

    Inside math a space after a macro is kept where text follows (``$\\pm z$`` is
    ``± z``), which the decoder's math path knows; a macro listed here also gives its
    text alone, before a letter, and after one.
    """
    latex_to_text = converter.latex_to_text  # type: ignore[attr-defined]

    def same(source: str, text: str) -> bool:
        try:
            return bool(
                latex_to_text(f"${source}$") == text
                and latex_to_text(f"$x{source} y$") == f"x{text} y"
                and latex_to_text(f"$x{source}1$") == f"x{text}1"
            )
        except (IndexError, KeyError, TypeError, ValueError, AttributeError):
            return False

    names = [name for name, text in constant.items() if same("\\" + name, text)]
    # A control symbol alone is only a space, which the decoder strips anyway.
    names += [
        ch
        for ch, text in symbols.items()
        if ch != "/" and latex_to_text(f"$x\\{ch}1$") == f"x{text}1"
    ]
    return sorted(names)


def main() -> int:
    OUT.write_text(
        json.dumps(tables(), ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8"
    )
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
