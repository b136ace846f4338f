"""Generated input: round trips, and the compiled engine against its twin."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastsexpr.syntax import _pycore

from conftest import COMPILED_SKIP, compiled_core

needs_compiled = pytest.mark.skipif(COMPILED_SKIP is not None, reason=COMPILED_SKIP or "")

# Atoms with everything that needs quoting or escaping, plus arbitrary text.
_TRICKY = st.sampled_from(
    ["", " ", "'", '"', "\\", "(", ")", "#", "\n", "\t", "\r", "\x00", "\x0b", "\x0c",
     "\x1f", "\x7f", "é", "中", "😀", "a", "Z", "0", "x41", "\\x", "\\'"])
ATOMS = st.one_of(
    st.text(max_size=12),
    st.lists(_TRICKY, max_size=6).map("".join),
)
TREES = st.recursive(ATOMS, lambda children: st.lists(children, max_size=5), max_leaves=30)
LIST_TREES = st.lists(TREES, max_size=5)

# Text biased towards the characters the readers treat specially.
SOURCE = st.text(
    alphabet=st.sampled_from(list("()()(('\"\\  \t\n\r\x0b\x0c#abxX01789\x00é中")),
    max_size=40)

PROPS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@PROPS
@given(tree=TREES)
def test_round_trip_compact(impl, tree):
    assert impl.loads(impl.dumps(tree)) == tree


@PROPS
@given(tree=LIST_TREES, indent=st.integers(min_value=0, max_value=4))
def test_round_trip_indented(impl, tree, indent):
    text = impl.dumps(tree, indent=indent)
    assert impl.loads(text) == tree
    assert impl.loads(text.encode("utf-8")) == tree


@PROPS
@given(tree=LIST_TREES)
def test_dumps_all_on_one_line_without_indent(impl, tree):
    # Line breaks inside atoms are escaped, so compact output is one line.
    assert "\n" not in impl.dumps(tree)


def _outcome(fn, *args, **kwargs):
    try:
        return ("ok", fn(*args, **kwargs))
    except Exception as exc:  # the class, message and place must agree
        return (type(exc), getattr(exc, "msg", str(exc)), getattr(exc, "pos", None))


@needs_compiled
@PROPS
@given(text=st.one_of(SOURCE, st.text(max_size=30)),
       dialect=st.sampled_from(["xend", "libvirt"]))
def test_engines_agree_on_text(text, dialect):
    for name in ("loads", "loads_all"):
        want = _outcome(getattr(_pycore, name), text, dialect=dialect)
        assert _outcome(getattr(compiled_core, name), text, dialect=dialect) == want
        assert _outcome(getattr(compiled_core, name), text.encode("utf-8"), dialect=dialect) == want


@needs_compiled
@PROPS
@given(data=st.one_of(st.binary(max_size=30),
                      SOURCE.map(lambda s: s.encode("utf-8") + b"\xff\xc3")),
       dialect=st.sampled_from(["xend", "libvirt"]))
def test_engines_agree_on_bytes(data, dialect):
    for name in ("loads", "loads_all"):
        assert (_outcome(getattr(compiled_core, name), data, dialect=dialect)
                == _outcome(getattr(_pycore, name), data, dialect=dialect))


@needs_compiled
@PROPS
@given(tree=TREES, indent=st.one_of(st.none(), st.integers(min_value=0, max_value=3)))
def test_engines_write_the_same_text(tree, indent):
    assert compiled_core.dumps(tree, indent=indent) == _pycore.dumps(tree, indent=indent)


@needs_compiled
@PROPS
@given(text=st.one_of(ATOMS, st.text(alphabet="&<>\"'\\\x01\t\n\r\x00aé中😀 ", max_size=20)))
def test_engines_escape_the_same(text):
    assert compiled_core.esc(text) == _pycore.esc(text)
    assert compiled_core.xml_escape(text) == _pycore.xml_escape(text)


NUMBERS = st.one_of(
    st.text(alphabet="0123456789abcdefxX+- \t8", max_size=24),
    st.integers(min_value=-(2 ** 70), max_value=2 ** 70).map(str),
    st.integers(min_value=-(2 ** 70), max_value=2 ** 70).map(hex),
    st.integers(min_value=0, max_value=2 ** 70).map(lambda n: "0" + format(n, "o")),
)


@needs_compiled
@PROPS
@given(text=NUMBERS)
def test_engines_read_numbers_alike(text):
    for unsigned in (False, True):
        assert compiled_core.strtol(text, unsigned) == _pycore.strtol(text, unsigned)
    assert compiled_core.to_int(text) == _pycore.to_int(text)
    assert compiled_core.to_u64(text) == _pycore.to_u64(text)


KEYS = st.sampled_from(["", "a", "k", "é", "中"])
KEY_TREES = st.recursive(KEYS, lambda c: st.lists(c, max_size=4), max_leaves=20)


@needs_compiled
@PROPS
@given(node=KEY_TREES, path=st.lists(KEYS, min_size=1, max_size=4).map("/".join))
def test_engines_look_up_alike(node, path):
    for name in ("find_key", "has", "lookup", "value", "nonempty_value"):
        assert getattr(compiled_core, name)(node, path) == getattr(_pycore, name)(node, path)


@needs_compiled
@PROPS
@given(ops=st.lists(st.tuples(
    st.sampled_from(["pair", "pair_unescaped", "pair_unquoted", "raw", "esc", "write",
                     "pairs"]),
    st.sampled_from(["name", "k", "é"]), ATOMS), max_size=8))
def test_engines_emit_alike(ops):
    a, b = compiled_core.SexprWriter(), _pycore.SexprWriter()
    x, y = compiled_core.XmlWriter(), _pycore.XmlWriter()
    for op, key, text in ops:
        for w in (a, b):
            if op in ("raw", "esc"):
                getattr(w, op)(text)
            elif op == "write":
                w.write(key, text, key)
            elif op == "pairs":
                w.pairs(key, text, key, None)
            else:
                getattr(w, op)(key, text)
        for w in (x, y):
            w.start(key, [("a", text), ("r", text, True)])
            w.text(key, text)
            w.empty(key, ((key, text, False),))
            w.line("<k a='{}' r='{raw}'>{}</k>\n<t>{}</t>", text, text, text, None)
            w.end(key)
    assert a.getvalue() == b.getvalue()
    assert x.getvalue() == y.getvalue()
