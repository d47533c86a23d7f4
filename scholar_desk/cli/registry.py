"""One table of commands: each is declared with its arguments beside its runner.

A runner is registered with :func:`command`; :func:`build_parser` turns the table into
an argparse parser. Argument declarations are data (:class:`Arg`), and a ``choices`` given
as a callable is only called when that command's parser is built, so ``--help`` and
``--version`` never import the core.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from scholar_desk.core.db.library import Library
    from scholar_desk.core.services.session import Actor

EXIT_OK = 0
EXIT_BUG = 1
EXIT_USER_ERROR = 2


class CliContext:
    """What a subcommand runs with: the open database, who acts, and the arguments."""

    def __init__(self, library: Library, actor: Actor, args: argparse.Namespace) -> None:
        self.library = library
        self.actor = actor
        self.args = args

    def print_json(self, value: Any) -> None:
        """Print a JSON document to stdout."""
        print_json(value)


def print_json(value: Any) -> None:
    """Print a JSON document to stdout, as every ``--json`` does."""
    import json

    print(json.dumps(value, indent=2, ensure_ascii=False, default=str))


Runner = Callable[[CliContext], int]


def force_arg() -> Arg:
    """``--force``: every command that writes a file refuses an existing one without it."""
    return Arg("--force", action="store_true", help="replace OUT if it already exists")


BeforeOpen = Callable[[argparse.Namespace, str], "int | None"]


class Arg:
    """One ``add_argument`` call, kept until the command's parser is built.

    ``choices`` and ``help`` may be callables that return them, called only then.
    """

    def __init__(self, *flags: str, **options: Any) -> None:
        self.flags = flags
        self.options = options

    def add_to(self, parser: argparse.ArgumentParser) -> None:
        """Declare this argument on ``parser``."""
        options = dict(self.options)
        if callable(options.get("choices")):
            options["choices"] = list(options["choices"]())
        if callable(options.get("help")):
            options["help"] = options["help"]()
        parser.add_argument(*self.flags, **options)


# NamedTuples rather than dataclasses: importing dataclasses costs --version its budget.
class Command(NamedTuple):
    """A runnable command: its words (``("user", "add")``), help, arguments and runner."""

    words: tuple[str, ...]
    help: str
    run: Runner
    args: tuple[Arg, ...] = ()
    needs_login: bool = True
    before_open: BeforeOpen | None = None
    epilog: Callable[[], str] | None = None


class Group(NamedTuple):
    """A command word with actions under it (``user`` in ``user add``)."""

    name: str
    help: str
    metavar: str = "ACTION"
    dest: str = ""


COMMANDS: list[Command] = []
_GROUPS: dict[str, Group] = {}


def group(name: str, help: str, *, metavar: str = "ACTION", dest: str = "") -> None:
    """Declare a command word that takes an action (``user``, ``doc``, ``abstract figure``)."""
    _GROUPS[name] = Group(name, help, metavar, dest or f"{name.replace(' ', '_')}_action")


def command(
    words: str,
    *,
    help: str,
    args: Iterable[Arg] = (),
    needs_login: bool = True,
    before_open: BeforeOpen | None = None,
    epilog: Callable[[], str] | None = None,
) -> Callable[[Runner], Runner]:
    """Register the decorated runner as the command ``words`` (e.g. ``"user add"``).

    Args:
        words: The command, with its group first for a grouped command.
        help: One line for ``--help``.
        args: The command's arguments.
        needs_login: Whether the command signs in where accounts exist.
        before_open: Called before the database is opened; a status it returns ends the
            command there.
        epilog: Returns text shown as written after the arguments in the command's
            ``--help``; called only then.
    """

    def register(run: Runner) -> Runner:
        COMMANDS.append(
            Command(tuple(words.split()), help, run, tuple(args), needs_login, before_open, epilog)
        )
        return run

    return register


@lru_cache(maxsize=1)
def _terminal_width() -> int:
    """What argparse takes as the help's width, as ``shutil.get_terminal_size`` finds it."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return (columns if columns > 0 else 80) - 2


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout, sized without ``shutil``.

    argparse makes a formatter for every argument it is given and each one imports
    ``shutil`` (with zlib, bz2 and lzma) and asks the terminal its size again: about 4 ms
    of every command. This asks once.
    """

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        super().__init__(
            prog,
            indent_increment,
            max_help_position,
            _terminal_width() if width is None else width,
        )


class _RawDescriptionFormatter(argparse.RawDescriptionHelpFormatter, _Formatter):
    """`_Formatter` that keeps an epilog's own line breaks."""


def _common_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False, formatter_class=_Formatter)
    # SUPPRESS: an option given before the subcommand must survive the subparser's default.
    common.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        help="database file or SQLAlchemy URL (default: $SCHOLAR_DESK_DB or the user data folder)",
    )
    common.add_argument(
        "--user", default=argparse.SUPPRESS, help="account to act as, where accounts exist"
    )
    return common


def _fill(parser: argparse.ArgumentParser, cmd: Command) -> None:
    if cmd.epilog is not None:
        parser.epilog = cmd.epilog()
        parser.formatter_class = _RawDescriptionFormatter
    for arg in cmd.args:
        arg.add_to(parser)
    parser.set_defaults(func=cmd.run, needs_login=cmd.needs_login, before_open=cmd.before_open)


def command_word(argv: Sequence[str]) -> str | None:
    """The first word of the command in ``argv`` (``None`` for ``--help``/``--version``)."""
    skip_next = False
    for arg in argv:
        if skip_next:
            skip_next = False
        elif arg in ("--db", "--user"):
            skip_next = True
        elif not arg.startswith("-"):
            return arg
    return None


def build_parser(
    version: str, description: str, *, only: str | None = None
) -> argparse.ArgumentParser:
    """The argument parser for every registered command.

    Args:
        version: Printed by ``--version``.
        description: The program's description in ``--help``.
        only: Give arguments to this command word alone. When it is a command's word
            the other commands are left out (a parser for each of them costs every
            command about 15 ms); otherwise (``""`` for ``--help``, a mistyped word)
            the others are listed with their help but their arguments (and what those
            import) are left out.
    """
    common = _common_options()
    parser = argparse.ArgumentParser(
        prog="scholar-desk", description=description, parents=[common], formatter_class=_Formatter
    )
    parser.add_argument("--version", action="version", version=f"scholar-desk {version}")
    parser.add_argument("--demo", action="store_true", help="open the window on a demo database")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    grouped: dict[tuple[str, ...], argparse._SubParsersAction[argparse.ArgumentParser]] = {}
    alone = only if only in {cmd.words[0] for cmd in COMMANDS} else None
    for cmd in COMMANDS:
        head = cmd.words[0]
        if alone is not None and head != alone:
            continue
        full = only is None or only == head
        if len(cmd.words) == 1:
            p = sub.add_parser(head, parents=[common], help=cmd.help, formatter_class=_Formatter)
            if full:
                _fill(p, cmd)
            continue
        # Groups may nest ("abstract figure add"); each level is declared with group().
        actions = sub
        for depth in range(1, len(cmd.words) if full else 2):
            prefix = cmd.words[:depth]
            if prefix not in grouped:
                info = _GROUPS[" ".join(prefix)]
                gp = actions.add_parser(
                    prefix[-1], parents=[common], help=info.help, formatter_class=_Formatter
                )
                grouped[prefix] = gp.add_subparsers(
                    dest=info.dest, metavar=info.metavar, required=True
                )
            actions = grouped[prefix]
        if full:
            action = actions.add_parser(
                cmd.words[-1], parents=[common], help=cmd.help, formatter_class=_Formatter
            )
            _fill(action, cmd)
    return parser
