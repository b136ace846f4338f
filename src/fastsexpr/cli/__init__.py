"""The ``fastsexpr`` command: bulk conversion and formatting a migration can trust.

Two subcommands:

``convert``  libvirt domain XML <-> xend SEXPR, for one file, stdin, or whole
             trees, in a process pool.
``fmt``      reformat SEXPR files (readable or compact), with ``--check``.

Nothing is lost in bulk: each output is written to a temporary file in its
own directory, made durable (in batches), then renamed into place, so a
reader never sees a partial file; an existing output is kept unless ``--force``; one bad input
never stops the others; every failure is reported with file, position and
reason; the exit code says whether anything failed.

This module is the command line; the work is in :mod:`.plan` (inputs to
tasks and output names), :mod:`.worker` (one input converted in a worker
process), :mod:`.run` (the pool and the results, in input order),
:mod:`.files` (atomic writes and durability) and :mod:`.fmt`.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional, Sequence, Tuple

from .. import __version__
from ..model.host import DEFAULT_HOST_ARCH, HOST_ARCHES
from ..syntax import HAS_SPEEDUPS
from .files import StdoutError, flush_stdout, quiet_stdout, write_atomic
from .fmt import MAX_DEPTH, cmd_fmt
from .plan import FORMATS, INPUT_EXTS, UsageError, safe_name
from .run import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_TERMINATED, EXIT_USAGE, cmd_convert

__all__ = ["main", "console_main", "write_atomic", "safe_name"]

EPILOG_CONVERT = """\
examples:
  fastsexpr convert guest.sxp                  SEXPR -> XML on stdout
  fastsexpr convert guest.xml -o guest.sxp     XML -> SEXPR into a file
  fastsexpr convert < guest.sxp > guest.xml    stdin to stdout
  fastsexpr convert examples/ -r -o out/       a whole tree; out/ mirrors it
  fastsexpr convert /var/lib/xend/domains -r -o xml/ --report report.jsonl
  fastsexpr convert dump.sxp -o out/           one XML per (domain ...) in the dump
  fastsexpr convert /etc/xen -r -t sexpr -o sxp/   xm configs -> SEXPR

output (-o): a run with more than one output (several inputs, a directory, or
a dump of several domains) writes into the directory -o names, created with
its missing parents; a single output goes to the file -o names, unless that is
an existing directory or ends with '/'. Without -o, a single input goes to
stdout.

output names: name.sxp -> name.xml, name.xml -> name.sxp, name.cfg -> name.xml
(the extension is the output format's: .sxp, .xml, .cfg); a managed domain
<uuid>/config.sxp and each domain of a multi-domain dump are named after the
domain (made safe for a file name; a clash gets the uuid appended), the
domains of dump.sxp in dump/ (of stdin, in the -o directory itself).

messages: failures go to stderr, one line each, and so do warnings (what
libvirt's reader forgave, converted as libvirt read it: PATH:LINE: warning:).
A summary line follows when the run reads more than one input or writes into
a directory; one input converted to stdout or to one file prints nothing else
(-q: no summary; -v: list what the directory walks leave out).

dumps: every record of a dump is converted or reported. A record starts at a
line that starts with '(domain' and a list, as xm list --long prints them, so
a record that lacks its final ')' is closed there (with a warning) instead of
taking in the records after it; a record holding a NUL fails alone.

exit status: 0 all converted, 1 some inputs failed (the rest were converted),
2 usage or I/O error, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).

interrupted: the run stops between two inputs; every output written is whole
and reported; rerun with --skip-existing to convert the rest.
"""

EPILOG_FMT = f"""\
examples:
  fastsexpr fmt guest.sxp                  readable layout on stdout
  fastsexpr fmt --compact guest.sxp        one line per expression
  fastsexpr fmt -i configs/                rewrite the .sxp/.sexpr/.sexp files in place
  fastsexpr fmt --check configs/           exit 1 if any file would change
  fastsexpr fmt --diff configs/            what would change, as a unified diff

fmt reads with the xend dialect (' and " quotes, backslash escapes, # comments)
and writes xend-dialect quoting. A file whose comments would be dropped, or
whose expressions would not read back identically, is reported and left alone;
so is a file that is not SEXPR (domain XML, say) and one whose lists nest more
than {MAX_DEPTH} deep.
"""

EPILOG_MAIN = """\
examples:
  fastsexpr convert guest.sxp > guest.xml
  fastsexpr convert examples/ -r -o out/
  fastsexpr fmt --check configs/

'fastsexpr COMMAND --help' describes each command.
"""


def _terminal_columns() -> int:
    """``shutil.get_terminal_size().columns``, without importing shutil (and
    with it bz2, lzma and fnmatch) in every run."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """argparse's formatter, as wide as the terminal, as argparse makes it.

    argparse makes one for every option it is given (to check the metavar),
    and its own asks shutil for the width: a command that prints no help
    would import shutil only for that.
    """

    def __init__(self, prog, indent_increment=2, max_help_position=24, width=None):
        if width is None:
            width = _terminal_columns() - 2
        super().__init__(prog, indent_increment, max_help_position, width)


def build_parser() -> argparse.ArgumentParser:
    engine = "compiled core" if HAS_SPEEDUPS else "pure Python"
    parser = argparse.ArgumentParser(
        prog="fastsexpr",
        description="Convert VM definitions between libvirt domain XML, Xen xend "
                    "S-expressions (SEXPR) and xm config files, byte-exact with "
                    "libvirt 1.2.10.",
        epilog=EPILOG_MAIN, formatter_class=_Formatter)
    parser.add_argument("--version", action="version", version=f"fastsexpr {__version__} ({engine})")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    _add_convert(sub)
    _add_fmt(sub)
    return parser


def _command(sub, name: str, func, *, help: str, description: str, epilog: str):
    """A subcommand taking files, directories or stdin."""
    cmd = sub.add_parser(name, help=help, description=description, epilog=epilog,
                         formatter_class=_Formatter)
    cmd.add_argument("paths", nargs="*", metavar="PATH",
                     help="files or directories; '-' or nothing reads stdin")
    cmd.set_defaults(func=func, command_parser=cmd)
    return cmd


def _network(text: str) -> Tuple[str, str]:
    name, sep, bridge = text.partition("=")
    if not sep or not name or not bridge:
        raise argparse.ArgumentTypeError(f"expected NAME=BRIDGE, as default=virbr0, not {text!r}")
    return name, bridge


def _add_convert(sub) -> None:
    conv = _command(
        sub, "convert", cmd_convert,
        help="convert between xend SEXPR, domain XML and xm configs (files, trees, stdin)",
        description="Convert VM definitions between xend SEXPR, libvirt domain XML and xm "
                    "config files, any of the three into any other. The input format is "
                    "told by the content: '(' SEXPR, '<' XML, 'key = value' lines an xm "
                    "config.",
        epilog=EPILOG_CONVERT)
    conv.add_argument("-f", "--from", dest="from_", choices=FORMATS,
                      help="input format (default: detected)")
    conv.add_argument("-t", "--to", choices=FORMATS,
                      help="output format (default: xml for SEXPR and xm input, sexpr for XML)")
    conv.add_argument("-o", "--output", metavar="PATH",
                      help="the output directory when the run has more than one output, "
                           "else the output file (see 'output' below; default: stdout "
                           "for a single input)")
    conv.add_argument("-r", "--recursive", action="store_true",
                      help=f"convert the {'/'.join(INPUT_EXTS)} files under directories")
    conv.add_argument("--xend-config-version", type=int, default=4, metavar="N",
                      help="xend config version 1..4 (1: 3.0.2, 2: 3.0.3, 3: 3.0.4, 4: 3.1+; "
                           "default 4)")
    conv.add_argument("--host-arch", choices=tuple(HOST_ARCHES), default=DEFAULT_HOST_ARCH,
                      help="the host the guests are for: x86_64 runs i686 and x86_64 guests "
                           "(default), i686 only i686 guests, as libvirt's test host")
    conv.add_argument("--network", dest="networks", action="append", type=_network,
                      metavar="NAME=BRIDGE",
                      help="the bridge of a libvirt network, for <interface type='network'> "
                           "(repeatable; without it such interfaces are refused, as libvirt "
                           "refused them with no network driver)")
    conv.add_argument("-j", "--jobs", type=int, metavar="N",
                      help="worker processes (default: all cores; 1 runs in this process)")
    conv.add_argument("--force", action="store_true",
                      help="overwrite existing outputs (never an input)")
    conv.add_argument("--skip-existing", action="store_true",
                      help="convert only what has no output yet, to finish an interrupted "
                           "run; an output named after its domain is skipped when that "
                           "name exists")
    conv.add_argument("--strict", action="store_true",
                      help="refuse what libvirt's SEXPR reader forgave (a record lacking "
                           "its closing ')', a ')' that closes no list) and any setting "
                           "the conversion cannot carry (a vtpm device, a cpu_cap, a "
                           "second display, a <watchdog> of a domain XML) instead of "
                           "converting it with a warning")
    conv.add_argument("--fail-fast", action="store_true", help="stop at the first failure")
    conv.add_argument("--report", metavar="FILE",
                      help="write one JSON line per input (per domain of a dump) to FILE, "
                           "like an output: atomically, never over an input, an existing "
                           "FILE kept without --force; '-' writes them to stdout")
    conv.add_argument("-q", "--quiet", action="store_true",
                      help="no progress and no summary line (failures are still reported)")
    _add_verbose(conv)


def _add_fmt(sub) -> None:
    fmt = _command(
        sub, "fmt", cmd_fmt, help="reformat SEXPR files",
        description="Reformat SEXPR files: readable (indented) or compact. Every expression "
                    "of a file is kept.",
        epilog=EPILOG_FMT)
    fmt.add_argument("--indent", type=int, default=2, metavar="N",
                     help="spaces per nesting level (default 2)")
    fmt.add_argument("--compact", action="store_true", help="one line per expression")
    fmt.add_argument("-i", "--in-place", action="store_true",
                     help="rewrite the files (atomically) instead of printing")
    fmt.add_argument("--check", action="store_true",
                     help="change nothing; exit 1 if a file would be reformatted")
    fmt.add_argument("--diff", action="store_true",
                     help="change nothing; print a unified diff of each file that would be "
                          "reformatted, and exit 1 if any would")
    fmt.add_argument("--dialect", choices=("xend", "libvirt"), default="xend",
                     help="how to read (default xend)")
    fmt.add_argument("-r", "--recursive", action="store_true",
                     help="accepted for symmetry with convert: directories are always walked")
    fmt.add_argument("-q", "--quiet", action="store_true", help="do not list reformatted files")
    _add_verbose(fmt)


def _add_verbose(cmd) -> None:
    cmd.add_argument("-v", "--verbose", action="store_true",
                     help="list what the directory walks leave out, and why (hidden entries, "
                          "other extensions, symbolic links to directories)")


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """The command line; a bad flag shows the usage of its command, and
    paths may come after options (``convert a.sxp -o out/ b.sxp``), as in
    black or ruff."""
    args, extras = build_parser().parse_known_args(argv)
    args.paths += _late_paths(args.command_parser, extras)
    return args


def _late_paths(parser: argparse.ArgumentParser, extras: Sequence[str]) -> list:
    """The paths argparse left over after the options (it takes the first
    run of them only); any other word left over is a flag the command does
    not know, reported with the command's usage."""
    paths, unknown = [], []
    rest = iter(extras)
    for arg in rest:
        if arg == "--":
            paths.extend(rest)
        elif arg == "-" or not arg.startswith("-"):
            paths.append(arg)
        else:
            unknown.append(arg)
    if unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    return paths


class Terminated(KeyboardInterrupt):
    """SIGTERM, which stops the command as Ctrl-C does (exit status 143)."""


def _terminated(signum, frame):
    raise Terminated()


def _handle_sigterm():
    """SIGTERM raises Terminated from now on (in the main thread); gives the
    handler to put back, or None."""
    try:
        return signal.signal(signal.SIGTERM, _terminated)
    except ValueError:
        return None     # not the main thread, where signals are handled


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    previous = _handle_sigterm()
    try:
        status = args.func(args)
        flush_stdout()
        return status
    except StdoutError as exc:
        # A full disk under stdout: say so, and let nothing flush there again.
        sys.stderr.write(f"fastsexpr: error: {exc}\n")
        quiet_stdout()
        return EXIT_USAGE
    except UsageError as exc:
        sys.stderr.write(f"fastsexpr: error: {exc}\n")
        return EXIT_USAGE
    except KeyboardInterrupt as exc:
        sys.stderr.write("fastsexpr: interrupted\n")
        return EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (| head): stop quietly.
        quiet_stdout()
        return EXIT_FAILED
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def console_main() -> int:
    """The ``fastsexpr`` command (and ``python -m fastsexpr``): :func:`main`,
    after which a Ctrl-C or SIGTERM changes nothing.

    The run is over by then, its outputs durable and its summary said; a
    signal landing as the interpreter shut down printed a traceback from
    threading's shutdown or an exit hook, or ended the process with the
    signal's status.  :func:`main` itself leaves the handlers of a program
    that calls it as they were.
    """
    try:
        return main()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.SIG_IGN)
