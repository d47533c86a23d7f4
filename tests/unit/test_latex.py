from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import bibtexparser
import pytest

from scholar_desk.core.formats import latex

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (r"Caf{\'e}", "Café"),
        (r"\'{e}t\'e", "été"),
        (r"{\"o}", "ö"),
        (r"Fran\c{c}ois Fran\c cois", "François François"),
        (r"Stra\ss{}e \ss x", "Straße ßx"),
        (r"1--10 a---b", "1\u201310 a\u2014b"),
        (r"Fig.~1", "Fig.\u00a01"),
        (r"Smith \& Jones \% \_ \$ \#", "Smith & Jones % _ $ #"),
        (r"{An} {MRI} study", "An MRI study"),
        (r"``quoted''", "\u201cquoted\u201d"),
        (r"\'\i \"{\i}", "íï"),  # like pylatexenc, \i eats the space
        (r"{\d o} {\~u} \v{s} \H{o} \k{a}", "ọ ũ š ő ą"),
        (r"\emph{in vivo} and \textit{in vitro}", "in vivo and in vitro"),
        ("45% of  patients\n   improved", "45% of patients improved"),
        ("Brain & Development", "Brain & Development"),
        (r"$\alpha$-synuclein", "\u03b1-synuclein"),
    ],
)
def test_decode_common_forms(raw: str, text: str) -> None:
    assert latex.decode(raw) == text


def test_plain_text_is_only_collapsed() -> None:
    assert latex.decode("  A  plain\ttitle ") == "A plain title"


@pytest.mark.parametrize(
    "text",
    [
        "Smith & Jones: 45% {braces} #1 a_b $5",
        "1\u201310 \u201cq\u201d ¿no? ¡sí! a\u00a0b",
        "back\\slash ~tilde^hat",
        "a--b -- c'' ``d",
        "Müller é ß",
    ],
)
def test_encode_round_trips(text: str) -> None:
    assert latex.decode(latex.encode(text)) == latex.collapse_spaces(text)


def _corpus_values() -> list[str]:
    values: set[str] = set()
    for path in sorted(CORPUS.glob("bib*/*")):
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
        for entry in bibtexparser.parse_string(text).entries:
            values.update(f.value for f in entry.fields if isinstance(f.value, str))
    return sorted(values)


@pytest.mark.corpus
@pytest.mark.slow
def test_fast_path_equals_pylatexenc_on_every_corpus_value(corpus: Path) -> None:
    # The documented differences: bare % and & are literal (reference_decode escapes them
    # before pylatexenc) and \texttt keeps its argument (pylatexenc 2.11 drops it, so the
    # reference gets \textrm, which it renders the same way otherwise).
    values = _corpus_values()
    assert len(values) > 40000
    different = [
        v
        for v in values
        if latex.decode(v) != latex.reference_decode(v.replace("\\texttt", "\\textrm"))
    ]
    assert different == []


@pytest.mark.corpus
def test_pylatexenc_texttt_bug_is_the_only_extra_difference(corpus: Path) -> None:
    value = r"A \texttt{book} entry"
    assert latex.reference_decode(value) == "A entry"  # pylatexenc drops the argument
    assert latex.decode(value) == "A book entry"


def _load_tool():
    path = Path(__file__).resolve().parents[2] / "tools" / "make_latex_macros.py"
    spec = importlib.util.spec_from_file_location("make_latex_macros", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_macro_table_matches_the_installed_pylatexenc() -> None:
    shipped = json.loads(
        (resources.files("scholar_desk.resources") / "latex_macros.json").read_text("utf-8")
    )
    assert shipped == json.loads(json.dumps(_load_tool().tables())), (
        "run python tools/make_latex_macros.py"
    )


@pytest.fixture
def fast_only(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Call it to make any value that reaches pylatexenc fail the test."""

    def no_pylatexenc(_value: str) -> str:
        raise AssertionError("went to pylatexenc")

    return lambda: monkeypatch.setattr(latex, "_slow", no_pylatexenc)


def _fast_equals_reference(value: str, fast_only: Callable[[], None]) -> str:
    """pylatexenc's text of ``value``, once `latex.decode` gave the same without it."""
    expected = latex.reference_decode(value)
    fast_only()
    assert latex.decode(value) == expected
    return expected


@pytest.mark.parametrize(
    "value",
    [
        r"German hyphenation and {\it Umlaut\/}s in {\TeX}",
        r"Soliciting Bids for \acro{TUG}\,'97",
        r"{SHSU \ ({\tt niord.shsu.edu}\,, {\tt SHSU.bitnet})}",
        r"Update: \MF\ {\bf mode\_def\/} settings for \TeX\ output",
        r"{\TeX} would find it difficult {\dots}",
        r"a\dots x and a\quad b",
    ],
)
def test_macros_without_arguments_stay_on_the_fast_path(
    value: str, fast_only: Callable[[], None]
) -> None:
    _fast_equals_reference(value, fast_only)


def test_macros_with_arguments_still_go_to_pylatexenc(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = latex._slow
    monkeypatch.setattr(latex, "_slow", lambda v: calls.append(v) or real(v))
    assert latex.decode(r"see \url{http://x.org/a}") == "see <http://x.org/a>"
    assert latex.decode(r"\cite{key} shows") == "<cit.> shows"
    assert len(calls) == 2


@pytest.mark.parametrize(
    "value",
    [
        r"The $n = 1$ line of {Cu$_2$O}",
        r"Intrinsic absorption in the $2.5$ to $6.5$ region",
        r"a $x^2 + y_1$ b",
        r"at $25\,^\circ\mathrm{C}$ and $1050\, ^{\circ} \mathrm{C}$",
        r"$\alpha$-helix, $\langle 100 \rangle$ and $T_\mathrm{c}$, $_{1\pm z}$",
        r"Cu$\slash$Ni",
        r"{$ \Omega $Times and $ \Omega $Helvetica fonts}",
        r"Thin \{\vphantom\}{{GaN}}\vphantom\{\} films",
    ],
)
def test_plain_inline_math_stays_on_the_fast_path(
    value: str, fast_only: Callable[[], None]
) -> None:
    _fast_equals_reference(value, fast_only)


@pytest.mark.parametrize(
    "value",
    [
        r"GaN $\alpha$ phase",
        r"costs \$5 and $x$ more",
        r"$T_{c}$",
        r"$\mathbf{x}$ and $\not$ and $\{001\}$",
        r"$x \alpha  y$, ${a} \mathrm{C}$, $\mathrm{a} b$ and $x ^{2}$",
    ],
)
def test_math_with_more_in_it_still_equals_pylatexenc(value: str) -> None:
    assert latex.decode(value) == latex.reference_decode(value)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        # A lone $ (OCR damage) opens math to the end of the value, as pylatexenc reads it.
        (r"for Cu-Cu$ MIS cells", "for Cu-CuMIS cells"),
        (
            "is 1$, hut >13% for Sh& and A1~O~,C\u201dZO -- 5oov.",
            "is 1, hut >13% for Sh& and A1\u00a0O\u00a0,C\u201dZO \u2013 5oov.",
        ),
        (r"from 10 $0 100 A", "from 10 0 100 A"),
        (r"with $\{001\}$ or $\{ 110 \}$ planes", "with {001} or { 110 } planes"),
        (r"Cu ({{\mathrm {Cu}}^{2+} \to {\mathrm {Cu}}^{0}})", "Cu (Cu^2+ \u2192Cu^0)"),
        (r"a$ b$c and $ \alpha $d", "abc and \u03b1d"),  # math loses the spaces at its ends
        (r"a-$-b$ and $x$''", "a--b and x\u201d"),  # nothing joins across the math's ends
        (r"$b -- d$, $x ~ y$ and $\% \_$", "b \u2013 d, x \u00a0 y and %_"),
    ],
)
def test_ocr_damaged_math_stays_on_the_fast_path(
    value: str, text: str, fast_only: Callable[[], None]
) -> None:
    assert _fast_equals_reference(value, fast_only) == text


@pytest.mark.parametrize(
    "value",
    [r"$$x = 1$$ and $y$", r"{a $b} c", r"a \\$x$ b", r"$\mathbf{x} ~$", "a \ue000 $x$"],
)
def test_math_the_fast_path_leaves_alone_still_equals_pylatexenc(value: str) -> None:
    assert latex.decode(value) == latex.reference_decode(value)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (r"Grown on \$m\$-Plane {{GaN}}", "Grown on $m$-Plane GaN"),
        (r"{{LiIO}}\$\_3\$ under stress", "LiIO$_3$ under stress"),
        (r"Garc\textbackslash{}'ia", "Garc\\'ia"),
        (r"(1\textbackslash{}times1) and \$x\$ with $y$", "(1\\times1) and $x$ with y"),
        ("\\alpha\n\nb and \\ss\n\nc", "\u03b1 b and \u00df c"),  # a blank line is a space
    ],
)
def test_literal_dollars_and_backslashes_stay_on_the_fast_path(
    value: str, text: str, fast_only: Callable[[], None]
) -> None:
    # What \$ and \textbackslash{} write is text, not LaTeX left over for pylatexenc.
    assert _fast_equals_reference(value, fast_only) == text


@pytest.mark.parametrize("value", ["a \ue002 \\$x\\$", "b \ue003 \\textbackslash{}"])
def test_a_value_holding_a_mark_of_the_fast_path_goes_to_pylatexenc(value: str) -> None:
    assert latex.decode(value) == latex.reference_decode(value)
