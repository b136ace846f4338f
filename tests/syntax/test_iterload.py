"""iterload reads a file a part at a time, on both engines: the trees and
errors of loads_all on the whole content, errors placed in the whole file,
and never the whole file in one read."""
from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fastsexpr import SexprSyntaxError
from fastsexpr.syntax import _pystream

from conftest import Reads, xm_list_record as record


def outcome(fn):
    """(trees, error as (type, msg, pos, lineno, colno, str)) of a read."""
    trees = []
    try:
        for tree in fn():
            trees.append(tree)
    except SexprSyntaxError as exc:
        return trees, (type(exc), exc.msg, exc.pos, exc.lineno, exc.colno, str(exc))
    return trees, None


def both(impl, text, dialect, binary=True):
    """What iterload gives, and what loads_all on the whole text gives."""
    fp = io.BytesIO(text.encode("utf-8", "surrogatepass")) if binary else io.StringIO(text)
    streamed = outcome(lambda: impl.iterload(fp, dialect=dialect))
    whole = outcome(lambda: impl.loads_all(text, dialect=dialect))
    return streamed, whole


DUMP = "".join(record(f"d{k}", k) for k in range(1, 19))
CASES = {
    "a dump": DUMP,
    "compact records on one line": "(domain (name a))(domain (name b)) (x 'y z') atom (q)" * 20,
    "comments": "# head\n" + DUMP.replace("(memory 256)", "(memory 256) # mem\n") + "# tail",
    "quoted atoms with escapes": "(a 'x\\x41\\101\\n' \"q\\\"r\") " * 40 + "(b '\\x4')",
    "an error late in the file": DUMP + "(domain (name late)))\n" + DUMP,
    "an unclosed list at the end": DUMP + "(domain (name cut)\n",
    "an unterminated string at the end": DUMP + "(domain (name 'cut)\n",
    "an atom at the very end": DUMP + "last",
    "text not ascii": DUMP.replace("(name d9)", "(name 'd\u00e9\u4e2d\U0001f600')"),
}


@pytest.mark.parametrize("chunk", [1, 3, 50, 1 << 16])
@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("dialect", ["xend", "libvirt"])
def test_iterload_gives_what_loads_all_gives(impl, monkeypatch, name, dialect, chunk):
    monkeypatch.setattr(_pystream, "CHUNK", chunk)
    for binary in (True, False):
        streamed, whole = both(impl, CASES[name], dialect, binary)
        if whole[1] is None:
            assert streamed == whole
        else:
            # the error is the same, at its place in the whole file; the
            # trees before it have been yielded
            assert streamed[1] == whole[1]
            assert CASES[name].startswith(DUMP)
            before = impl.loads_all(DUMP, dialect=dialect)
            assert streamed[0][:len(before)] == before


def test_an_error_deep_in_a_file_keeps_its_line_and_column(impl, monkeypatch):
    monkeypatch.setattr(_pystream, "CHUNK", 64)
    text = DUMP + "(domain (name late)))\n"
    with pytest.raises(SexprSyntaxError) as info:
        list(impl.iterload(io.BytesIO(text.encode())))
    lines = DUMP.count("\n")
    assert (info.value.lineno, info.value.colno) == (lines + 1, len("(domain (name late))") + 1)
    assert info.value.pos == len(DUMP) + len("(domain (name late))")
    assert "(domain (name late)))" in str(info.value)      # the line, with its caret


def test_libvirt_text_ends_at_a_nul(impl, monkeypatch):
    monkeypatch.setattr(_pystream, "CHUNK", 16)
    text = "(a)(b c)" * 10 + "(d\0 e)(f)"
    assert list(impl.iterload(io.StringIO(text), dialect="libvirt")) == \
        impl.loads_all(text, dialect="libvirt")


def test_bytes_that_are_not_utf8(impl, monkeypatch):
    monkeypatch.setattr(_pystream, "CHUNK", 10)
    raw = b"(a)\n(b)\n(c \xe9)\n(d)"
    streamed = outcome(lambda: impl.iterload(io.BytesIO(raw)))
    whole = outcome(lambda: impl.loads_all(raw))
    assert streamed[0] == [["a"], ["b"]]
    assert streamed[1] == whole[1]
    assert "invalid UTF-8 byte 0xe9 at byte offset 11" in whole[1][1]


def test_iterload_does_not_read_the_whole_file_at_once(impl, monkeypatch):
    monkeypatch.setattr(_pystream, "CHUNK", 1000)
    data = (DUMP * 20).encode()
    fp = Reads(data)
    trees = impl.iterload(fp)
    assert next(trees)[0] == "domain"
    assert fp.tell() <= 1000 < len(data)
    assert len(list(trees)) == 18 * 20 - 1
    assert max(fp.sizes) == 1000 and -1 not in fp.sizes


def test_an_expression_longer_than_a_read_is_read_whole(impl, monkeypatch):
    monkeypatch.setattr(_pystream, "CHUNK", 100)
    big = "(domain " + " ".join(f"(k{i} v{i})" for i in range(5000)) + ")"
    fp = Reads((big + "\n(small)").encode())
    assert list(impl.iterload(fp)) == [impl.loads(big), ["small"]]
    # reads grow with the expression instead of going 100 bytes at a time
    assert len(fp.sizes) < 20


def test_a_bad_dialect_fails_at_once(impl):
    with pytest.raises(ValueError, match="unknown dialect"):
        impl.iterload(io.StringIO("(a)"), dialect="lisp")


def test_the_file_name_is_in_the_error(impl, tmp_path):
    path = tmp_path / "dump.sxp"
    path.write_text("(a)\n(b))")
    with open(path, "rb") as fp, pytest.raises(SexprSyntaxError, match=str(path)):
        list(impl.iterload(fp))


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="()'\"\\ \n#ax0\x0b", max_size=60),
       chunk=st.integers(1, 8), dialect=st.sampled_from(["xend", "libvirt"]))
def test_any_text_any_chunk(text, chunk, dialect):
    from fastsexpr import syntax
    old, _pystream.CHUNK = _pystream.CHUNK, chunk
    try:
        streamed, whole = both(syntax, text, dialect)
    finally:
        _pystream.CHUNK = old
    assert streamed[1] == whole[1]
    if whole[1] is None:
        assert streamed[0] == whole[0]
