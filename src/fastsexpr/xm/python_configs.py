"""Telling an xm config that is Python code from a plain syntax error.

xm ran its configs as Python, so some hold variables, expressions or
statements that libvirt's ``virconf`` reader (and ours) cannot read; where
the reader fails, the failing statement is parsed as Python to name the
construct instead of giving only libvirt's terse reason.
"""
from __future__ import annotations

import ast
import re
import warnings
from typing import Callable, Optional

_BLANKS_EOL = re.compile(r"[ \t\r\n]*").match

_PY_MAX_CHARS, _PY_MAX_LINES = 4000, 100  # a failed statement is parsed as Python
_VIRCONF_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_DECIMAL = re.compile(r"[0-9]+\Z")
_LAYOUT = {"#": "a comment inside a value", "(": "parentheses around a value"}


def python_hint(text: str, start: int, pos: int,
                reads_cleanly: Callable[[str], bool]) -> Optional[str]:
    """``WHAT on line N`` when the failing statement, from its first line to
    the one libvirt stopped on and grown a line at a time (Python statements
    span lines), is Python; else None.  ``reads_cleanly`` is the config
    reader's own test of a text (passed in: this module is imported by it)."""
    first = _BLANKS_EOL(text, start).end()
    line_start = max(text.rfind("\n", 0, first), text.rfind("\r", 0, first)) + 1
    stop = min(pos, len(text))
    for _ in range(_PY_MAX_LINES):
        newline = text.find("\n", stop)
        stop = len(text) if newline < 0 else newline + 1
        snippet = text[line_start:stop].replace("\r\n", "\n").replace("\r", "\n")
        if len(snippet) > _PY_MAX_CHARS:
            return None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. invalid escape sequences
            try:
                body = ast.parse(snippet).body
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                if stop >= len(text):
                    return None
                continue
        what = _python_construct(body, snippet)
        if what is None and not reads_cleanly(snippet + "\n\n"):
            # Plain literals laid out as libvirt cannot read them.  (Ones it
            # fails on only because they end the text are no Python matter.)
            what = _LAYOUT.get(text[pos:pos + 1], "Python layout libvirt's reader does not accept")
        lineno = text.count("\n", 0, first) + 1
        return f"{what} on line {lineno}" if what else None
    return None


def _python_construct(body, source):
    """The first construct outside libvirt's subset; "" for a bare word (a
    typo more likely than Python), None when there is none."""
    for statement in body:
        if isinstance(statement, ast.Expr) and not isinstance(statement.value, ast.Call):
            return ""
        targets = getattr(statement, "targets", ())
        if not (isinstance(statement, ast.Assign) and len(targets) == 1
                and isinstance(targets[0], ast.Name) and _VIRCONF_NAME.match(targets[0].id)):
            return f"the Python statement `{_segment(source, statement)}`"
        for node in ast.walk(statement.value):
            if not isinstance(node, ast.expr) or isinstance(node, ast.List):
                continue
            segment = _segment(source, node)
            if isinstance(node, ast.Constant):
                value = node.value
                if not (type(value) is int and _DECIMAL.match(segment) or isinstance(value, str)
                        and segment in (f'"{value}"', f"'{value}'", f'"""{value}"""')):
                    return f"the Python literal `{segment}`"
            elif isinstance(node, ast.Name):
                return f"the Python variable `{node.id}`"
            elif not (isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd))
                      and isinstance(node.operand, ast.Constant)):  # a sign is libvirt's too
                return f"the Python expression `{segment}`"
    return None


def _segment(source, node):
    """The node's source, cut to its first line and 60 characters."""
    lines = (ast.get_source_segment(source, node) or "").split("\n", 1)
    return lines[0] if len(lines[0]) <= 60 and len(lines) == 1 else lines[0][:57] + "..."
