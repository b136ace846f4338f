"""iter_domains on a binary file: a dump is read a window of whole records
at a time, memory bounded by the largest record, and every domain,
warning and error is what reading the whole text gives, with its place
(line, column, character, record) in the whole file."""
from __future__ import annotations

import io

import pytest

import fastsexpr
from fastsexpr import SexprSyntaxError, iter_domains
from fastsexpr.xend import streaming

from conftest import Reads, xm_list_record as record


LINES = record("x").count("\n")


def cut(text: str, closers: int = 1) -> str:
    return text.rstrip("\n")[:-closers] + "\n"


def seen(data, **kw):
    """Everything iter_domains says about ``data``, in order."""
    said = []
    domains = iter_domains(data, on_error=lambda e: said.append(("error", e)),
                           on_warning=lambda w: said.append(("warning", w)), **kw)
    for d in domains:
        said.append(("domain", fastsexpr.write_xml(d)))
    return [(kind, x if kind == "domain" else
             (type(x).__name__, str(x), x.lineno, getattr(x, "colno", None),
              getattr(x, "pos", None), x.record)) for kind, x in said]


def many(n: int, start: int = 1) -> str:
    return "".join(record(f"d{k}", k % 19 + 1) for k in range(start, start + n))


# Dumps with something to say in their middle, far past the first window.
MESSY = {
    "clean": many(60),
    "nul in record 40": many(39) + record("bad", 2).replace("(memory 256)", "(memory 2\x0056)")
    + many(20, 41),
    "closers too many": many(30) + ")) \n" + many(30, 31) + ")\n",
    "text outside any record": many(30) + "junk\n" + many(30, 31),
    "record 40 lacks its paren": many(39) + cut(record("cut", 3)) + many(20, 41),
    "two records lack a paren": many(20) + cut(record("c1", 3)) + many(20, 22)
    + cut(record("c2", 4), 2) + many(10, 50),
    "vertical tab where libvirt loops": many(35) + record("vt", 5).replace("(vcpus 1)", "(vcpus \x0b)")
    + many(20, 41),
    "leading closers and a byte order mark": "\ufeff))\n" + many(40),
    "a record of one line among them": many(30) + "(domain (name one)(uuid "
    "00000000-1111-4222-8333-444455556666)(memory 256)(image (linux (kernel /k))))\n" + many(5, 31),
    "a refused record, then one lacking its paren": many(10) + record("vt", 5).replace(
        "(vcpus 1)", "(vcpus \x0b)") + many(20, 12) + cut(record("cut", 3)) + many(10, 40),
    "conversion error in record 45": many(44) + record("noimage", 6).replace(
        "  (image\n    (linux\n      (kernel /boot/vmlinuz)))\n", "") + many(10, 46),
}


@pytest.mark.parametrize("chunk", [1, 97, 1000, 1 << 20])
@pytest.mark.parametrize("name", sorted(MESSY))
def test_a_file_gives_what_its_whole_text_gives(monkeypatch, name, chunk):
    monkeypatch.setattr(streaming, "CHUNK", chunk)
    text = MESSY[name]
    for strict in (False, True):
        assert seen(io.BytesIO(text.encode()), strict=strict) == seen(text, strict=strict)


def test_an_error_far_into_the_file_keeps_its_place(monkeypatch):
    monkeypatch.setattr(streaming, "CHUNK", 500)
    text = MESSY["nul in record 40"]
    errors = []
    names = [d.name for d in iter_domains(io.BytesIO(text.encode()), on_error=errors.append)]
    assert len(names) == 59 and "bad" not in names
    (err,) = errors
    nul = text.index("\0")
    assert (err.record, err.pos) == (40, nul)
    assert (err.lineno, err.colno) == (39 * LINES + 5, len("  (memory 2") + 1)
    assert "record 40, line 590 column 12" in str(err)
    assert "(memory 2?56)" in str(err)          # the line is shown with its caret


def test_a_file_is_not_read_at_once(monkeypatch):
    monkeypatch.setattr(streaming, "CHUNK", 4096)
    data = many(200).encode()
    fp = Reads(data)
    domains = iter_domains(fp)
    assert next(domains).name == "d1"
    # the first domain comes after a window, not after the whole file
    assert fp.tell() <= 2 * 4096 < len(data)
    assert [d.name for d in domains][-1] == "d200"
    assert max(fp.sizes) == 4096 and -1 not in fp.sizes


def test_bytes_that_are_not_utf8_late_in_the_file(monkeypatch):
    monkeypatch.setattr(streaming, "CHUNK", 1000)
    text = many(30) + record("latin", 2).replace("(memory 256)", "(memory 256) (x \xe9)")
    raw = text.encode().replace(b"\xc3\xa9", b"\xe9")
    errors = []
    names = [d.name for d in iter_domains(io.BytesIO(raw), on_error=errors.append)]
    # the records before it are read; the error says where, in the whole file
    assert names == [f"d{k}" for k in range(1, 31)]
    (err,) = errors
    whole = raw.index(b"\xe9")
    assert isinstance(err, SexprSyntaxError)
    assert err.msg == f"invalid UTF-8 byte 0xe9 at byte offset {whole}"
    assert (err.lineno, err.colno) == (30 * LINES + 5, len("  (memory 256) (x ") + 1)
    # as reading the bytes whole says it (which reads no record)
    whole_errors = []
    assert list(iter_domains(raw, on_error=whole_errors.append)) == []
    assert (whole_errors[0].msg, whole_errors[0].pos, whole_errors[0].lineno,
            whole_errors[0].colno) == (err.msg, err.pos, err.lineno, err.colno)


def test_a_text_file_is_refused():
    with pytest.raises(TypeError, match="binary file"):
        list(iter_domains(io.StringIO(record("a", 1))))


def test_an_empty_file():
    errors = []
    assert list(iter_domains(io.BytesIO(b""), on_error=errors.append)) == []
    assert "no domain record in the input: it is empty" in str(errors[0])
