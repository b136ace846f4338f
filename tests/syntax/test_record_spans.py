"""record_spans: where each top-level expression of a text lies as libvirt's
reader reads it, and how many of its lists the end of the text closed.

Every test runs on the compiled engine and on its pure-Python twin.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastsexpr import SexprSyntaxError, syntax as sexpr
from fastsexpr.syntax import _pycore

from conftest import COMPILED_SKIP, compiled_core

SPANS = [
    ("", []),
    ("  \n\t\r", []),
    ("(a)", [(0, 3, 0)]),
    ("(a)\n(b)\n", [(0, 3, 0), (4, 7, 0)]),
    ("(a (b", [(0, 5, 2)]),
    ("(a (b  \n", [(0, 8, 2)]),         # the end of the text closes them, past its spaces
    ("(a)\n(b (c)", [(0, 3, 0), (4, 10, 1)]),
    ("(a))\n(b)", [(0, 3, 0), (5, 8, 0)]),  # a closer with no list open lies between
    ("))", []),
    ("x 'y z' (a)", [(0, 1, 0), (2, 7, 0), (8, 11, 0)]),   # atoms are expressions too
    ("(a 'x)' b)", [(0, 10, 0)]),       # a ')' in quotes closes nothing
    ("(a 'x\\' b)", [(0, 10, 1)]),      # an escaped quote does not end the atom
    ("(a 'open", [(0, 8, 1)]),          # an open quote runs to the end
    ("'open", [(0, 5, 0)]),
    ("(a # b)", [(0, 7, 0)]),           # no comments in libvirt's reader
    ("(é (中))", [(0, 7, 0)]),          # character offsets
    ("(a\x00b)\n(c)", [(0, 5, 0), (6, 9, 0)]),  # a NUL is read as a character
    ("(a)\x00", [(0, 3, 0), (3, 4, 0)]),
]


@pytest.mark.parametrize("text,spans", SPANS)
def test_record_spans(impl, text, spans):
    assert impl.record_spans(text) == spans


def test_spans_read_as_loads_all_reads_without_a_nul(impl):
    text = "(domain (name a))\n)\n(domain (name b)\n(domain (name c))"
    spans = impl.record_spans(text)
    assert [impl.loads(text[s:e], dialect="libvirt") for s, e, _ in spans] == \
        impl.loads_all(text, dialect="libvirt")
    assert [u for _, _, u in spans] == [0, 1]


def test_nul_differs_from_loads_all_on_purpose(impl):
    # loads_all stops at the NUL as libvirt's C string does; the spans go on
    # so that the expressions after it are found.
    text = "(a\x00b)(c)"
    assert impl.loads_all(text, dialect="libvirt") == [["a"]]
    assert impl.record_spans(text) == [(0, 5, 0), (5, 8, 0)]


def test_start_and_end(impl):
    text = "(a)(b)(c"
    assert impl.record_spans(text, 3) == [(3, 6, 0), (6, 8, 1)]
    assert impl.record_spans(text, 3, 5) == [(3, 5, 1)]
    assert impl.record_spans(text, 4, 4) == []
    assert impl.record_spans(text, 0, len(text)) == impl.record_spans(text)
    for start, end in [(-1, 3), (4, 3), (0, 9)]:
        with pytest.raises(ValueError, match="out of range"):
            impl.record_spans(text, start, end)


def test_bytes_give_character_offsets(impl):
    assert impl.record_spans("(é)\n(b)".encode()) == [(0, 3, 0), (4, 7, 0)]
    assert impl.record_spans(bytearray(b"(a)")) == [(0, 3, 0)]
    with pytest.raises(TypeError):
        impl.record_spans(["(a)"])


@pytest.mark.parametrize("text,msg,pos", [
    ("(a)\n(b \x0b c)", "vertical tab or form feed where an atom should start", 7),
    ("(a)\x0b", "vertical tab or form feed where an expression should start", 3),
    (b"(a)\n(\xff)", "invalid UTF-8 byte 0xff at byte offset 5", 5),
])
def test_errors_name_their_place_in_the_whole_text(impl, text, msg, pos):
    with pytest.raises(SexprSyntaxError) as info:
        impl.record_spans(text)
    assert info.value.msg.startswith(msg) and info.value.pos == pos
    if isinstance(text, str) and pos >= 4:
        # the same place when reading from an offset
        with pytest.raises(SexprSyntaxError) as again:
            impl.record_spans(text, 4)
        assert again.value.pos == pos and again.value.lineno == 2


def test_exported_from_the_syntax_package():
    assert sexpr.record_spans("(a)") == [(0, 3, 0)]
    assert "record_spans" in _pycore.__all__ and "record_spans" in sexpr.__all__


# ------------------------------------------------------------ generated

SOURCE = st.text(alphabet=st.sampled_from(list("()()(('\\  \n\t#ab\x00\x0bé")), max_size=40)
PROPS = settings(max_examples=300, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow,
                                        HealthCheck.function_scoped_fixture])


def _outcome(fn, *args):
    try:
        return ("ok", fn(*args))
    except SexprSyntaxError as exc:
        return (exc.msg, exc.pos)


@PROPS
@given(text=SOURCE)
def test_spans_cover_the_text_as_loads_all_reads_it(impl, text):
    got = _outcome(impl.record_spans, text)
    if got[0] != "ok":
        return
    spans = got[1]
    # the gaps hold only libvirt's white space and closers with no list open
    ends = [0] + [e for _, e, _ in spans]
    starts = [s for s, _, _ in spans] + [len(text)]
    for e, s in zip(ends, starts):
        assert e <= s and set(text[e:s]) <= set(" \t\n\r)")
    if "\x00" not in text:
        assert [impl.loads(text[s:e], dialect="libvirt") for s, e, _ in spans] == \
            impl.loads_all(text, dialect="libvirt")
    # a span read alone is the same single span, its lists closed the same way
    for s, e, unclosed in spans:
        assert impl.record_spans(text[s:e]) == [(0, e - s, unclosed)]


@pytest.mark.skipif(COMPILED_SKIP is not None, reason=COMPILED_SKIP or "")
@PROPS
@given(text=SOURCE, start=st.integers(0, 40))
def test_compiled_matches_pure(text, start):
    start = min(start, len(text))
    assert _outcome(compiled_core.record_spans, text, start) == \
        _outcome(_pycore.record_spans, text, start)


def test_many_lists_leave_the_garbage_collector_sound(impl):
    # The compiled reader keeps the lists of a big read out of the GC until
    # the read ends; record_spans keeps no tree, so each must be handed back
    # before it is dropped.
    import gc
    text = "(a (b) (c))\n" * 3000
    assert len(impl.record_spans(text)) == 3000
    assert impl.record_spans("(" + "(b)" * 3000) == [(0, 9001, 1)]
    gc.collect()


@PROPS
@given(text=SOURCE)
def test_trees_are_the_expressions_read_alone(impl, text):
    # trees=True hands back each span with the tree libvirt's reader makes of
    # it, so a caller that needs both reads the text once.
    got = _outcome(lambda t: impl.record_spans(t, trees=True), text)
    if got[0] != "ok":
        return
    records = got[1]
    assert [r[:3] for r in records] == impl.record_spans(text)
    if "\x00" not in text:
        assert [tree for _, _, _, tree in records] == impl.loads_all(text, dialect="libvirt")


def test_trees_of_a_big_read_leave_the_garbage_collector_sound(impl):
    import gc
    records = impl.record_spans("(a (b) (c))\n" * 3000, trees=True)
    gc.collect()
    assert len(records) == 3000 and all(r[3] == ["a", ["b"], ["c"]] for r in records)
