"""The SEXPR readers: SEXPR.md's worked examples and both dialects' rules.

Every test runs on the compiled engine and on its pure-Python twin.
"""
from __future__ import annotations

import io
import os

import pytest

import fastsexpr
from fastsexpr import SexprSyntaxError, syntax as sexpr
from fastsexpr.syntax import _pycore

from conftest import COMPILED_SKIP, PURE_ONLY, compiled_core


# ------------------------------------------------------------- the extension

def test_speedups_present_when_required():
    """CI's normal run sets FASTSEXPR_REQUIRE_SPEEDUPS=1: a missing build fails."""
    if os.environ.get("FASTSEXPR_REQUIRE_SPEEDUPS", "") in ("", "0"):
        pytest.skip("FASTSEXPR_REQUIRE_SPEEDUPS is not set")
    assert fastsexpr.HAS_SPEEDUPS, "the compiled core is not in use"


def test_has_speedups_tells_which_engine_is_live():
    assert fastsexpr.HAS_SPEEDUPS == (not PURE_ONLY and COMPILED_SKIP is None)
    live = compiled_core if fastsexpr.HAS_SPEEDUPS else _pycore
    assert sexpr.loads is live.loads and sexpr.SexprWriter is live.SexprWriter


def test_both_engines_export_the_same_names(impl):
    assert sorted(impl.__all__) == sorted(_pycore.__all__)
    for name in _pycore.__all__:
        assert callable(getattr(impl, name))


# ------------------------------------------------- SEXPR.md 2.3 worked examples

WORKED_EXAMPLES = [
    ("(a b)", ["a", "b"]),
    ("()", []),
    ("(a 'b c')", ["a", "b c"]),
    ("(a 'x\\'y')", ["a", "x\\'y"]),
    ("(a 'p\\\\q')", ["a", "p\\\\q"]),
    ("(a '')", ["a", ""]),
    ("(a)(b)", ["a"]),
    ("(a (b", ["a", ["b"]]),
    ("(x 'a'b)", ["x", "a", "b"]),
    ("(x(y)z)", ["x", ["y"], "z"]),
    ("(k a'b)", ["k", "a'b"]),
    ("(bootloader_args )", ["bootloader_args"]),
    ("", ""),
    (")", ""),
    ("(cpus (()))", ["cpus", [[]]]),
]


@pytest.mark.parametrize("text,tree", WORKED_EXAMPLES, ids=[repr(t) for t, _ in WORKED_EXAMPLES])
def test_libvirt_worked_examples(impl, text, tree):
    assert impl.loads(text, dialect="libvirt") == tree
    assert impl.loads(text.encode(), dialect="libvirt") == tree


# --------------------------------------------------------- libvirt dialect rules

@pytest.mark.parametrize("text,tree", [
    ("(a\r\nb\tc)", ["a", "b", "c"]),
    ("  \n(a)", ["a"]),
    ('(k "a b")', ["k", '"a', 'b"']),          # double quotes are ordinary
    ("(a # c)", ["a", "#", "c"]),              # no comments
    ("(a\\nb)", ["a\\nb"]),                    # no escapes in bare atoms
    ("(a 'un terminated", ["a", "un terminated"]),
    ("(a 'ends in \\", ["a", "ends in \\"]),
    ("(a (b (c", ["a", ["b", ["c"]]]),
    ("(a b))))", ["a", "b"]),
    ("(é ü 中 😀 'ñ x')", ["é", "ü", "中", "😀", "ñ x"]),
    ("(a\x00b c)", ["a"]),                     # NUL ends the input
    ("(a '\x00' b)", ["a", ""]),
    ("\x0b(a)", ""),                           # top level: an empty atom
])
def test_libvirt_rules(impl, text, tree):
    assert impl.loads(text, dialect="libvirt") == tree


@pytest.mark.parametrize("text,pos", [
    ("(a\x0bb)", 2),
    ("(a \x0c b)", 3),
    ("(a\n  \x0b)", 5),
])
def test_libvirt_vt_ff_where_an_atom_starts_is_an_error(impl, text, pos):
    with pytest.raises(SexprSyntaxError) as err:
        impl.loads(text, dialect="libvirt")
    assert err.value.msg == ("vertical tab or form feed where an atom should start "
                             "(libvirt would loop forever here)")
    assert err.value.pos == pos


def test_libvirt_vt_inside_an_atom_run_is_fine(impl):
    # VT ends the atom; only a VT where the next element starts is fatal.
    with pytest.raises(SexprSyntaxError):
        impl.loads("(ab\x0bcd)", dialect="libvirt")
    assert impl.loads("('a\x0bb')", dialect="libvirt") == ["a\x0bb"]


def test_libvirt_loads_all(impl):
    text = "(domain (name a))\n(domain (name b))\n"
    assert impl.loads_all(text, dialect="libvirt") == [
        ["domain", ["name", "a"]], ["domain", ["name", "b"]]]
    assert impl.loads_all("", dialect="libvirt") == []
    assert impl.loads_all(" \n", dialect="libvirt") == []
    assert impl.loads_all("(a)(b", dialect="libvirt") == [["a"], ["b"]]
    assert impl.loads_all("a 'b c' (d)", dialect="libvirt") == ["a", "b c", ["d"]]
    assert impl.loads_all("(a)\x00(b)", dialect="libvirt") == [["a"]]


def test_libvirt_loads_all_skips_closers_too_many(impl):
    # A dump whose domains close one list too many still yields every domain.
    assert impl.loads_all("(a (b)))\n(c))", dialect="libvirt") == [["a", ["b"]], ["c"]]
    assert impl.loads_all(")", dialect="libvirt") == []


@pytest.mark.parametrize("text,msg,pos", [
    ("(a) \x0b(b)", "vertical tab or form feed where an expression should start", 4),
])
def test_libvirt_loads_all_errors(impl, text, msg, pos):
    with pytest.raises(SexprSyntaxError) as err:
        impl.loads_all(text, dialect="libvirt")
    assert (err.value.msg, err.value.pos) == (msg, pos)


# ------------------------------------------------------------ xend dialect rules

@pytest.mark.parametrize("text,tree", [
    ("(a b)", ["a", "b"]),
    ("()", []),
    ("atom", "atom"),
    ("(a 'b c' \"d e\")", ["a", "b c", "d e"]),
    ("(a 'it\\'s' \"say \\\"hi\\\"\")", ["a", "it's", 'say "hi"']),
    ("('say \"hi\"' \"it's\")", ['say "hi"', "it's"]),
    ("('a\\nb\\tc\\rd')", ["a\nb\tc\rd"]),
    ("('\\a\\b\\v\\f')", ["\a\b\v\f"]),
    ("('\\\\')", ["\\"]),
    ("('\\x41\\x4a\\x4')", ["AJ\x04"]),
    ("('\\x4g')", ["\x04g"]),
    ("('\\101\\0\\1234')", ["A\x00S4"]),
    ("('\\777')", ["\u01ff"]),
    ("('\\q\\ ')", ["q "]),                     # unknown escapes keep the character
    ("(a\\nb)", ["a\\nb"]),                     # bare atoms have no escapes
    ("(x 'a'b)", ["x", "a", "b"]),
    ("(k a'b)", ["k", "a'b"]),
    ("# head\n(a # c\n b)# tail", ["a", "b"]),
    ("(a#b)", ["a#b"]),                         # '#' only starts a comment between elements
    ("(a\x0bb\x0cc)", ["a", "b", "c"]),         # VT and FF are white space here
    ("(a\r\n\tb)", ["a", "b"]),
    ("(a\x00b)", ["a\x00b"]),                   # NUL is an ordinary character
    ("(é ü 中 😀 'ñ x')", ["é", "ü", "中", "😀", "ñ x"]),
    ("(cpus (()))", ["cpus", [[]]]),
])
def test_xend_rules(impl, text, tree):
    assert impl.loads(text) == tree
    assert impl.loads(text, dialect="xend") == tree
    assert impl.loads(text.encode()) == tree


@pytest.mark.parametrize("text,msg,pos", [
    ("", "expected an expression", 0),
    ("  # only a comment\n", "expected an expression", 19),
    ("(a", "unclosed '('", 0),
    ("(a\n (b", "unclosed '('", 4),
    ("(a (b)", "unclosed '('", 0),
    (")", "unexpected ')'", 0),
    ("(a))", "extra data after the expression", 3),
    ("(a)(b)", "extra data after the expression", 3),
    ("(a) b", "extra data after the expression", 4),
    ("(a 'bc)", "unterminated string", 3),
    ('(a "bc\\', "unterminated string", 3),
    ("('\\xg')", "invalid \\x escape", 2),
    ("('ok' '\\x')", "invalid \\x escape", 7),
])
def test_xend_errors(impl, text, msg, pos):
    with pytest.raises(SexprSyntaxError) as err:
        impl.loads(text)
    assert (err.value.msg, err.value.pos) == (msg, pos)
    assert isinstance(err.value, fastsexpr.FastSexprError)
    assert isinstance(err.value, ValueError)


def test_xend_loads_all(impl):
    text = "# xm list --long\n(domain (name a))\n(domain (name 'b c'))\n"
    assert impl.loads_all(text) == [["domain", ["name", "a"]], ["domain", ["name", "b c"]]]
    assert impl.loads_all("") == []
    assert impl.loads_all("# nothing\n") == []
    assert impl.loads_all("a b") == ["a", "b"]
    with pytest.raises(SexprSyntaxError) as err:
        impl.loads_all("(a) (b")
    assert (err.value.msg, err.value.pos) == ("unclosed '('", 4)
    with pytest.raises(SexprSyntaxError) as err:
        impl.loads_all("(a) )")
    assert (err.value.msg, err.value.pos) == ("unexpected ')'", 4)


def test_unknown_dialect(impl):
    with pytest.raises(ValueError, match="unknown dialect 'xm'"):
        impl.loads("(a)", dialect="xm")
    with pytest.raises(ValueError, match="unknown dialect"):
        impl.loads_all("(a)", dialect=None)


def test_input_type(impl):
    with pytest.raises(TypeError, match="must be str or bytes, not int"):
        impl.loads(5)
    assert impl.loads(bytearray(b"(a b)")) == ["a", "b"]
    assert impl.loads(memoryview(b"(a b)")) == ["a", "b"]


# ------------------------------------------------------- C white space, one set

# Every 1-byte character, and wider ones Python counts as space but C does not.
CHARACTERS = [chr(c) for c in range(256)] + ["\u0085", "\u2028", "\u3000", "\U0001f600"]


def test_c_white_space_is_one_set(impl):
    """Both engines skip and split at C's isspace() set as model.scalars
    spells it, and at nothing else."""
    from fastsexpr.model.scalars import C_SPACE
    from fastsexpr.syntax import _pychars
    assert _pychars.C_SPACE == C_SPACE
    if compiled_core is not None:
        assert compiled_core.C_SPACE == C_SPACE
    for ch in CHARACTERS:
        space = ch in C_SPACE
        assert (impl.strtol(ch + "-7") == -7) is space, repr(ch)
        if ch in "()":
            continue
        assert impl.loads(f"(a{ch}b)") == (["a", "b"] if space else [f"a{ch}b"]), repr(ch)
        if ch == "\0":               # libvirt's C string ends there
            continue
        for text in (f"(a{ch}b)", f"(a {ch}b)" if ch != "'" else "(a b)"):
            if ch in "\v\f":        # ends an atom, but is not skipped: tested above
                with pytest.raises(SexprSyntaxError):
                    impl.loads(text, dialect="libvirt")
            else:
                want = ["a", "b"] if space else text[1:-1].split(" ")
                assert impl.loads(text, dialect="libvirt") == want, repr(text)


# -------------------------------------------------- positions and error text

def test_error_position_line_column_and_caret(impl):
    with pytest.raises(SexprSyntaxError) as err:
        impl.loads("(a\n (b")
    e = err.value
    assert (e.pos, e.lineno, e.colno) == (4, 2, 2)
    assert e.doc == "(a\n (b"
    assert str(e) == "unclosed '(': line 2 column 2 (char 4)\n   (b\n   ^"


def test_error_names_the_source(impl):
    with pytest.raises(SexprSyntaxError) as err:
        impl.loads("(a))", source="dom.sexpr")
    assert err.value.source == "dom.sexpr"
    assert str(err.value).startswith(
        "extra data after the expression: dom.sexpr: line 1 column 4 (char 3)\n")


def test_caret_keeps_tabs_and_masks_control_characters(impl):
    with pytest.raises(SexprSyntaxError) as err:
        impl.loads("\t(a", source=None)
    assert str(err.value) == "unclosed '(': line 1 column 2 (char 1)\n  \t(a\n  \t^"
    with pytest.raises(SexprSyntaxError) as err:
        impl.loads("(a\x0b)", dialect="libvirt")
    assert str(err.value).endswith("\n  (a?)\n    ^")


def test_error_on_a_later_line(impl):
    text = "(domain\n  (name x)\n  (memory 'open\n"
    with pytest.raises(SexprSyntaxError) as err:
        impl.loads(text)
    e = err.value
    assert e.msg == "unterminated string"
    assert (e.lineno, e.colno) == (3, 11)
    assert str(e).splitlines()[1:] == ["    (memory 'open", "            ^"]


@pytest.mark.parametrize("data,offset,pos", [
    (b"(a \xff)", 3, 3),
    (b"(\xc3\xa9 \xfe)", 4, 3),
    (b"(a \xe4\xb8)", 3, 3),
    (b"\x80", 0, 0),
])
def test_invalid_utf8_names_the_byte_offset(impl, data, offset, pos):
    for dialect in ("xend", "libvirt"):
        with pytest.raises(SexprSyntaxError) as err:
            impl.loads(data, dialect=dialect)
        assert err.value.msg == f"invalid UTF-8 byte 0x{data[offset]:02x} at byte offset {offset}"
        assert err.value.pos == pos
        with pytest.raises(SexprSyntaxError):
            impl.loads_all(data, dialect=dialect)


def test_bytes_and_str_read_alike(impl):
    text = "(domain (name 'é中😀') (memory 512))"
    assert impl.loads(text.encode("utf-8")) == impl.loads(text)
    assert impl.loads(text.encode("utf-8"), dialect="libvirt") == ["domain", ["name", "é中😀"], ["memory", "512"]]


def test_errors_pickle_round_trip(impl):
    import pickle
    with pytest.raises(SexprSyntaxError) as err:
        impl.loads("(a")
    back = pickle.loads(pickle.dumps(err.value))
    assert (back.msg, back.pos, back.doc) == ("unclosed '('", 0, "(a")


# ------------------------------------------------------------- deep nesting

DEPTH = 1_000_000


def _depth(tree):
    d = 0
    while isinstance(tree, list) and tree:
        assert len(tree) == 1
        tree = tree[0]
        d += 1
    assert tree == []
    return d + 1


def test_deep_nesting_libvirt_closes_at_end(impl):
    tree = impl.loads("(" * DEPTH, dialect="libvirt")
    assert _depth(tree) == DEPTH


def test_deep_nesting_xend_reports_unclosed(impl):
    with pytest.raises(SexprSyntaxError) as err:
        impl.loads("(" * DEPTH)
    assert err.value.msg == "unclosed '('"
    assert err.value.pos == DEPTH - 1


def test_deep_nesting_balanced_and_written_back(impl):
    text = "(" * DEPTH + ")" * DEPTH
    tree = impl.loads(text)
    assert _depth(tree) == DEPTH
    assert impl.dumps(tree) == text


# ------------------------------------------------------- load / iterload / dump

def test_load_text_and_binary_files(tmp_path):
    path = tmp_path / "dom.sexpr"
    path.write_bytes("(domain (name 'é x'))\n".encode())
    with path.open("rb") as f:
        assert sexpr.load(f) == ["domain", ["name", "é x"]]
    with path.open(encoding="utf-8") as f:
        assert sexpr.load(f, dialect="libvirt") == ["domain", ["name", "é x"]]


def test_load_error_names_the_file(tmp_path):
    path = tmp_path / "bad.sexpr"
    path.write_text("(domain\n")
    with path.open() as f, pytest.raises(SexprSyntaxError) as err:
        sexpr.load(f)
    assert err.value.source == str(path)
    assert str(path) in str(err.value)


def test_iterload_reads_an_xm_list_dump(tmp_path):
    path = tmp_path / "list.sexpr"
    path.write_text("(domain (domid 0))\n(domain (domid 1))\n")
    with path.open("rb") as f:
        assert list(sexpr.iterload(f)) == [["domain", ["domid", "0"]], ["domain", ["domid", "1"]]]
    assert list(sexpr.iterload(io.StringIO("(a)(b"), dialect="libvirt")) == [["a"], ["b"]]


def test_dump_writes_dumps(tmp_path):
    buf = io.StringIO()
    sexpr.dump(["domain", ["name", "a b"]], buf)
    assert buf.getvalue() == "(domain (name 'a b'))"
    buf = io.StringIO()
    sexpr.dump(["domain", ["name", "x"]], buf, indent=2)
    assert buf.getvalue() == "(domain\n  (name x))"


# ------------------------------------------------------ big inputs and the GC

def test_big_parse_leaves_every_list_to_the_gc(impl):
    import gc
    text = "(domain " + "(device (vbd (dev xvda) (mode w)))" * 3000 + ")"
    tree = impl.loads(text)
    assert len(tree) == 3001
    assert all(gc.is_tracked(d) and gc.is_tracked(d[1]) for d in tree[1:])
    tree[1].append(tree)        # a cycle made later is still collected
    del tree
    gc.collect()


def test_error_after_many_lists(impl):
    import gc
    text = "(domain " + "(k v)" * 3000 + " 'open"
    with pytest.raises(SexprSyntaxError) as err:
        impl.loads(text)
    assert (err.value.msg, err.value.pos) == ("unterminated string", len(text) - 5)
    gc.collect()
    assert impl.loads_all("(k v)" * 3000 + "(k", dialect="libvirt")[-1] == ["k"]


# ---------------------------------------------------- atoms shared between parses

def _near_misses(word):
    """Spellings a table lookup must not confuse with ``word``."""
    return [word, word[:-1], word + "x", "x" + word[1:], word[:-1] + "#",
            word.upper(), word + word]


@pytest.mark.parametrize("dialect", ["xend", "libvirt"])
def test_vocabulary_atoms_read_like_any_other(impl, dialect):
    words = ["domain", "on_poweroff", "memory_dynamic_max", "vif-bridge", "w!",
             "ioemu:hda", "hdc:cdrom", "coredump-restart", "vbd", "vif", "dev"]
    atoms = [w for word in words for w in _near_misses(word)]
    atoms += [chr(i) for i in range(33, 127) if chr(i) not in "()'\"#\\"]
    text = "(" + " ".join(atoms) + " " + " ".join(f"'{a}'" for a in atoms) + ")"
    tree = impl.loads(text, dialect=dialect)
    assert tree == atoms + atoms
    assert all(type(a) is str for a in tree)
    assert impl.loads(text.encode(), dialect=dialect) == tree
    # Non-ASCII text takes the general path; the words read the same.
    assert impl.loads(text[:-1] + " é)", dialect=dialect) == atoms + atoms + ["é"]


@pytest.mark.skipif(COMPILED_SKIP is not None, reason=str(COMPILED_SKIP))
@pytest.mark.parametrize("dialect", ["xend", "libvirt"])
def test_every_vocabulary_word_reads_as_in_the_pure_engine(dialect):
    from fastsexpr.syntax import _core, _pycore
    atoms = [w for word in _core._XEND_VOCAB for w in _near_misses(word)]
    text = "(" + " ".join(f"({a} '{a}')" for a in atoms) + ")"
    tree = _core.loads(text, dialect=dialect)
    assert tree == _pycore.loads(text, dialect=dialect) == [[a, a] for a in atoms]
    # The shared atoms are plain, equal strs: mutating a tree cannot reach them.
    tree[0][0] += "!"
    assert _core.loads(text, dialect=dialect)[0][0] == atoms[0]
