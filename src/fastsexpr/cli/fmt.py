"""The ``fmt`` command: SEXPR files reformatted, readable or compact, with
nothing lost (a file that would not read back the same is left alone)."""
from __future__ import annotations

import difflib
import os
import sys
from typing import List, Optional

from ..errors import ConversionError, FastSexprError, SexprSyntaxError
from ..syntax import dumps, loads_all
from .files import write_atomic, write_stdout
from .plan import (SEXPR_EXTS, UsageError, empty_input, is_blank, plan_inputs, read_stdin,
                   write_skipped)
from .run import EXIT_FAILED, EXIT_OK, EXIT_USAGE, format_failure
from .worker import failure

# What became of one file.
_UNCHANGED, _CHANGED, _FAILED, _IO_FAILED = "unchanged", "changed", "failed", "I/O failed"


def format_text(text: str, dialect: str, indent: Optional[int]) -> str:
    trees = loads_all(text, dialect=dialect)
    if not trees:
        raise SexprSyntaxError("no expression in the input", text, 0)
    out = "\n".join(dumps(t, indent=indent) for t in trees) + "\n"
    # Nothing lost: the result must read back to the very same trees, and
    # the xend reader's comments (the only thing dumps cannot keep) must not
    # silently disappear.
    if loads_all(out, dialect=dialect) != trees:
        raise ConversionError(f"the {dialect}-dialect atoms cannot be written back unchanged "
                              "(dumps writes xend-dialect quoting); left alone")
    if dialect == "xend" and text.count("#") > out.count("#"):
        raise ConversionError("the file has # comments, which fmt would drop; left alone")
    return out


def _diff_lines(text: str) -> List[str]:
    # Lines end at "\n" only (an atom may hold a \r or a form feed); a last
    # line without one gets diff's marker, so that patch restores it exactly.
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1] + "\n\\ No newline at end of file\n")
    return lines


def unified_diff(before: str, after: str, label: str) -> str:
    """What fmt would change in file ``label``, as ``diff -u`` writes it."""
    return "".join(difflib.unified_diff(_diff_lines(before), _diff_lines(after), label, label))


def cmd_fmt(args) -> int:
    if args.indent < 0:
        raise UsageError("--indent must be at least 0")
    if args.in_place and args.diff:
        raise UsageError("-i and --diff do not go together: --diff changes nothing")
    # Like black, fmt always walks the directories it is given.
    skipped: Optional[list] = [] if args.verbose else None
    found, _ = plan_inputs(args.paths, True, None, SEXPR_EXTS, skipped)
    if skipped:
        write_skipped(skipped)
    paths = [f for f, _ in found]
    if args.in_place and "-" in paths:
        raise UsageError("-i needs files, not stdin")
    indent = None if args.compact else args.indent
    outcomes = set()
    for path in paths:
        outcomes.add(_fmt_file(path, args, indent))
    if _IO_FAILED in outcomes:
        return EXIT_USAGE
    if _FAILED in outcomes or ((args.check or args.diff) and _CHANGED in outcomes):
        return EXIT_FAILED
    return EXIT_OK


def _read(path: str) -> bytes:
    if path == "-":
        return read_stdin("SEXPR")
    with open(path, "rb") as fh:
        return fh.read()


def _io_failed(label: str, exc: OSError) -> str:
    sys.stderr.write(f"{label}: {type(exc).__name__}: {exc.strerror}\n")
    return _IO_FAILED


def _fmt_file(path: str, args, indent: Optional[int]) -> str:
    """Check, rewrite or print one file; what became of it."""
    label = "<stdin>" if path == "-" else path
    data = None
    try:
        data = _read(path)
        if is_blank(data):
            raise ConversionError(empty_input(path, data))
        text = data.decode("utf-8")
        out = format_text(text, args.dialect, indent)
    except OSError as exc:
        return _io_failed(label, exc)
    except (FastSexprError, UnicodeDecodeError) as exc:
        sys.stderr.write(format_failure(failure(path, exc, data)) + "\n")
        return _FAILED
    changed = out != text
    if args.check or args.diff:
        if changed and args.check:
            sys.stderr.write(f"would reformat {label}\n")
        if changed and args.diff:
            write_stdout(unified_diff(text, out, label))
    elif args.in_place:
        if changed:
            try:
                write_atomic(path, out.encode("utf-8"), force=True,
                             mode=os.stat(path).st_mode & 0o7777)
            except OSError as exc:
                return _io_failed(label, exc)
            if not args.quiet:
                sys.stderr.write(f"reformatted {label}\n")
    else:
        write_stdout(out)
    return _CHANGED if changed else _UNCHANGED
