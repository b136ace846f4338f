"""The ``fmt`` command: SEXPR files reformatted, readable or compact, with
nothing lost (a file that would not read back the same is left alone)."""
from __future__ import annotations

import os
import sys
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import List, Optional

from ..errors import ConversionError, SexprSyntaxError
from ..syntax import dumps, first_comment, loads_all
from .files import write_atomic, write_stdout
from .plan import (SEXPR_EXTS, UsageError, detect_format, empty_input, is_blank, plan_inputs, read_stdin,
                   write_skipped)
from .report import format_failure
from .run import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from .worker import failure

# What became of one file.
_UNCHANGED, _CHANGED, _FAILED, _IO_FAILED = "unchanged", "changed", "failed", "I/O failed"

# What a file that is not SEXPR is, by what detect_format says of it; fmt
# would otherwise read it as atoms and write them back as garbage.
_NOT_SEXPR = {"xml": "XML (it starts with '<'), not SEXPR",
              "xm": "an xm/xl config file (Python), not SEXPR"}
_SPACE = " \t\r\n\x0b\x0c\ufeff"


def refuse_non_sexpr(text: str, dialect: str) -> None:
    """Raise unless the first expression of ``text`` is a list, as in every
    SEXPR file fmt is meant for (a config.sxp, an ``xm list --long`` dump)."""
    pos, n = 0, len(text)
    while pos < n:
        if text[pos] in _SPACE:
            pos += 1
        elif text[pos] == "#" and dialect == "xend":
            # Only whole comment lines can come before the first expression.
            nl = text.find("\n", pos)
            pos = n if nl < 0 else nl + 1
        else:
            break
    if pos == n or text[pos] == "(":
        return
    what = _NOT_SEXPR.get(detect_format(text.encode("utf-8", "surrogatepass")),
                          f"not SEXPR (it starts with {text[pos]!r}, not '(')")
    raise SexprSyntaxError(f"this file is {what}: fmt formats SEXPR only; left alone", text, pos)


def _refuse_comments(text: str) -> None:
    """Raise at the first ``#`` comment, which dumps cannot keep; the
    tokenizer tells a comment from a ``#`` in an atom."""
    pos = first_comment(text)
    if pos is not None:
        line = text.count("\n", 0, pos) + 1
        col = pos - (text.rfind("\n", 0, pos) + 1) + 1
        raise ConversionError("a # comment starts here, and fmt drops comments; left alone",
                              lineno=line, colno=col)


# How deep fmt formats. Real configs nest under ten levels; the readable
# layout indents every line by its depth (a 100,000-deep file would take
# gigabytes), and comparing the trees read back recurses once per level.
MAX_DEPTH = 200


def nesting_depth(trees: list) -> int:
    """How deep the lists of ``trees`` nest (0 for atoms only), without recursion."""
    deepest = 0
    stack = [(t, 1) for t in trees if isinstance(t, list)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((m, depth + 1) for m in node if isinstance(m, list))
    return deepest


def _refuse_deep(trees: list) -> None:
    depth = nesting_depth(trees)
    if depth > MAX_DEPTH:
        raise ConversionError(f"lists nested {depth} deep; fmt formats up to {MAX_DEPTH} "
                              "levels; left alone")


def format_text(text: str, dialect: str, indent: Optional[int]) -> str:
    refuse_non_sexpr(text, dialect)
    trees = loads_all(text, dialect=dialect)
    if not trees:
        raise SexprSyntaxError("no expression in the input", text, 0)
    _refuse_deep(trees)
    out = "\n".join(dumps(t, indent=indent) for t in trees) + "\n"
    # Nothing lost: the result must read back to the very same trees, and
    # the xend reader's comments (the only thing dumps cannot keep) must not
    # silently disappear.
    if loads_all(out, dialect=dialect) != trees:
        raise ConversionError(f"the {dialect}-dialect atoms cannot be written back unchanged "
                              "(dumps writes xend-dialect quoting); left alone")
    if dialect == "xend":
        _refuse_comments(text)
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
    import difflib   # only --diff needs it
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
    except Exception as exc:
        # Bad input, or a bug of ours: reported, and the other files go on.
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
