"""The xm config file syntax (XM.md section 2): libvirt 1.2.10's virconf.

Expected values are worked out by hand from the spec's rules and its worked
examples (XM.md 2.4), never taken from the module's own output.  Every case
of the reader also runs with the line scan switched off, so the careful
reader and the scan are held to the same answers.
"""
from __future__ import annotations

import os
import pickle
import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus import CORPUS, files, load_fixture, require_corpus

from fastsexpr.errors import (ConversionError, FastSexprError, SexprSyntaxError,
                              XmSyntaxError)
from fastsexpr.syntax import HAS_SPEEDUPS
from fastsexpr.xm import _confscan
from fastsexpr.xm import conf as xmconf
from fastsexpr.xm.conf import PYTHON_PREFIX, Comment, Conf, read_conf, write_conf

# XM.md 2.4: the worked examples stand after two header lines.
HEAD = 'name = "a"\nuuid = "b"\n'
HEAD_ENTRIES = [("name", "a"), ("uuid", "b")]


SCANS = {"regex scan": xmconf._scan_regex, "compiled scan": xmconf._scan_compiled}


@pytest.fixture(params=[*SCANS, "careful"])
def reader(request, monkeypatch):
    """read_conf with each line scan (the compiled one runs as Python on a
    pure install), and with the line scan switched off."""
    if request.param == "careful":
        monkeypatch.setattr(xmconf, "_SCAN_TURNS", 0)
    else:
        monkeypatch.setattr(xmconf, "_scan", SCANS[request.param])
    return read_conf


def entries_after_head(reader, line):
    conf = reader(HEAD + line)
    assert list(conf.entries[:2]) == HEAD_ENTRIES
    return list(conf.entries[2:])


def libvirt_error(reader, text):
    with pytest.raises(XmSyntaxError) as info:
        reader(text)
    return info.value


# ---------------------------------------------------- XM.md 2.4, accepted

ACCEPTED = [
    ("memory=100\n", [("memory", 100)]),
    ("\tmemory\t=\t100\n", [("memory", 100)]),
    ("memory = 100 # c\n", [("memory", 100)]),
    ("memory = 100#c\n", [("memory", 100)]),
    ("memory = 100;\n", [("memory", 100)]),
    ("memory = 100; vcpus = 2\n", [("memory", 100), ("vcpus", 2)]),
    ("memory = 100 ; vcpus = 2 ; \n", [("memory", 100), ("vcpus", 2)]),
    ("x = [ 1, ]\n", [("x", [1])]),
    ("x = []\n", [("x", [])]),
    ("x = [ [1], [] ]\n", [("x", [[1], []])]),
    ("x = [\n1,\n2,\n]\n", [("x", [1, 2])]),
    ("x = 1\r\rmemory = 100\r", [("x", 1), ("memory", 100)]),
    ('x = """a\nb"""\n', [("x", "a\nb")]),
    ('x = """"""\nmemory = 100\n', [("x", ""), ("memory", 100)]),
    # INT wraps modulo 2**64: 10**20 - 1 - 5 * 2**64.
    ("memory = 99999999999999999999\n", [("memory", 7766279631452241919)]),
    # The last byte is never consumed: 128 reads 12.
    ("memory = 128", [("memory", 12)]),
    # ... but a closing quote or ] there is peeked.
    ('kernel = "/k"', [("kernel", "/k")]),
    ("x = [ 1 ]", [("x", [1])]),
    ("memory = 100\nx", [("memory", 100)]),
    # Lookup finds the first; the entries keep both.
    ("memory = 100\nmemory = 200\n", [("memory", 100), ("memory", 200)]),
]


@pytest.mark.parametrize("line,expected", ACCEPTED, ids=[repr(c[0]) for c in ACCEPTED])
def test_worked_examples_accepted(reader, line, expected):
    assert entries_after_head(reader, line) == expected


def test_the_first_entry_of_a_name_wins(reader):
    conf = reader(HEAD + "memory = 100\nmemory = 200\nMemory = 300\n")
    assert conf.get("memory") == 100 and conf.first["memory"] == 100
    assert conf.get("Memory") == 300  # names are case-sensitive
    assert "memory" in conf and "MEMORY" not in conf and conf.get("MEMORY", 7) == 7


# ---------------------------------------------------- XM.md 2.4, refused

REFUSED = [
    ("memory = 100 vcpus = 2\n", 3, "expecting a separator"),
    ("memory = 100;;\n", 3, "expecting a name"),
    (";memory = 100\n", 3, "expecting a name"),
    ("_x = 1\n", 3, "expecting a name"),
    ("9x = 1\n", 3, "expecting a name"),
    ("x-y = 1\n", 3, "expecting an assignment"),
    ("x.y = 1\n", 3, "expecting an assignment"),
    ("x\n", 3, "expecting an assignment"),
    ("import os\n", 3, "expecting an assignment"),
    ("if 1:\n", 3, "expecting an assignment"),
    ("x =\n", 3, "expecting a value"),
    ("x = abc\n", 3, "expecting a value"),
    ("x = True\n", 3, "expecting a value"),
    ("memory = mem\n", 3, "expecting a value"),
    ("memory = (512)\n", 3, "expecting a value"),
    ("memory = 0x10\n", 3, "expecting a separator"),
    ("memory = 1.5\n", 3, "expecting a separator"),
    ("memory = 2 * 256\n", 3, "expecting a separator"),
    ('x = "a"b\n', 3, "expecting a separator"),
    ('x = "a" "b"\n', 3, "expecting a separator"),
    ("memory = -\n", 3, "unterminated number"),
    ('x = "abc\n', 3, "unterminated string"),
    ('x = "a\rb"\n', 3, "unterminated string"),
    ("x = [ 1, 2\n", 3, "list is not closed with ]"),
    ("x = [ 1 2 ]\n", 3, "expecting a separator in list"),
    ("x = [ 1 # c\n ]\n", 3, "expecting a separator in list"),
    ("x = [ # c\n 1 ]\n", 3, "expecting a value"),
    ("x = [,]\n", 3, "expecting a value"),
    ('x = """"""\n', 3, "expecting a separator"),  # the triple form needs p + 6 < E
    ('x = """abc\nmemory = 100\n', 4, "unterminated string"),
    ("memory = 1", 3, "expecting a value"),  # its only digit is the last byte
]


@pytest.mark.parametrize("line,lineno,reason", REFUSED, ids=[repr(c[0]) for c in REFUSED])
def test_worked_examples_refused(reader, line, lineno, reason):
    error = libvirt_error(reader, HEAD + line)
    assert error.reason == reason
    assert error.lineno == lineno
    assert error.libvirt_msg == f"configuration file syntax error: memory conf:{lineno}: {reason}"


# Where libvirt's cursor stood: (text, line, column).
POSITIONS = [
    ("memory = 100 vcpus = 2\n", 1, 14),  # at the 'v'
    ("memory = 100;;\n", 1, 14),  # at the second ';'
    ("x-y = 1\n", 1, 2),
    ("x =\n", 1, 4),  # at the LF: blanks are skipped, EOLs are not
    ("memory = -\n", 1, 11),  # after the sign
    ('x = "abc\n', 1, 9),  # on the LF that ends the string
    ("x = [ 1 2 ]\n", 1, 9),
    ("x = [ 1, 2\n", 1, 11),  # on the last byte, where the scan stops
    ('a = 1\nx = """abc\nmemory = 100\n', 3, 11),  # 2 bytes before the last
    ("  \n", 1, 3),  # a statement starts at the first byte, skips to the LF
    ("\n\n", 2, 1),
]


@pytest.mark.parametrize("text,lineno,colno", POSITIONS, ids=[repr(c[0]) for c in POSITIONS])
def test_error_positions(reader, text, lineno, colno):
    error = libvirt_error(reader, text)
    assert (error.lineno, error.colno) == (lineno, colno)


def test_error_renders_the_line_with_a_caret():
    error = libvirt_error(read_conf, HEAD + "memory = 100 vcpus = 2\n")
    assert error.msg == "configuration file syntax error: expecting a separator"
    assert str(error).splitlines() == [
        "configuration file syntax error: expecting a separator: line 3 column 14 (char 35)",
        "  memory = 100 vcpus = 2",
        "               ^"]


def test_error_names_the_source_but_libvirt_message_keeps_memory_conf():
    error = libvirt_error(lambda t: read_conf(t, source="guest.cfg"), "x =\n")
    assert "guest.cfg: line 1 column 4" in str(error)
    assert error.libvirt_msg == "configuration file syntax error: memory conf:1: expecting a value"


def test_error_class_and_pickling():
    error = libvirt_error(read_conf, "x = [\n1 2 ]\n")
    assert isinstance(error, SexprSyntaxError) and isinstance(error, FastSexprError)
    assert isinstance(error, ValueError)
    again = pickle.loads(pickle.dumps(error))
    assert (again.msg, again.pos, again.lineno, again.reason, again.libvirt_msg) == (
        error.msg, error.pos, 2, "expecting a separator in list", error.libvirt_msg)


# ----------------------------------------- the end of the text (XM.md 2.2)

@pytest.mark.parametrize("text", ["", "x", "\n", "#"])
def test_empty_and_one_byte_texts_hold_nothing(reader, text):
    conf = reader(text)
    assert conf.entries == () and conf.comments == ()


def test_a_nul_ends_the_text(reader):
    assert list(reader("memory = 100\n\0garbage !!").entries) == [("memory", 100)]
    # The NUL makes the 8 the last byte, which is never consumed.
    assert list(reader("memory = 128\0\n").entries) == [("memory", 12)]


def test_hash_as_the_last_byte_is_an_empty_comment(reader):
    conf = reader("x = 1 #")
    assert list(conf.entries) == [("x", 1)]
    assert list(conf.comments) == [Comment("", 1, True)]
    conf = reader("x = 1\n#")  # the separator ate the LF: no statement starts
    assert list(conf.comments) == []


def test_triple_quote_room_is_counted_in_bytes(reader):
    # 'x = """é"""' is 12 bytes: p = 4, E = 11, and 4 + 6 < 11.
    assert list(reader('x = """é"""').entries) == [("x", "é")]
    # 'x = """a"""' is 11 bytes: 4 + 6 < 10 fails, so '""' is read, then '"'.
    error = libvirt_error(reader, 'x = """a"""')
    assert (error.reason, error.colno) == ("expecting a separator", 7)


# ------------------------------------------------------------- comments

def test_comments_are_kept_where_they_stand(reader):
    conf = reader("# head\n\nmemory = 100 # trail\n  # indented\nvcpus = 2\n#\n")
    assert list(conf.entries) == [("memory", 100), ("vcpus", 2)]
    assert list(conf.comments) == [Comment(" head", 0, False), Comment(" trail", 1, True),
                                   Comment(" indented", 1, False), Comment("", 2, False)]


def test_a_hash_inside_a_string_is_no_comment(reader):
    conf = reader("extra = 'a # b'\nx = \"#\"\n")
    assert list(conf.entries) == [("extra", "a # b"), ("x", "#")] and not conf.comments


# ------------------------------------------------------------- values

@pytest.mark.parametrize("text,value", [
    ("x = 0\n", 0),
    ("x = +5\n", 5),
    ("x = -0\n", 0),
    ("x = 007\n", 7),
    ("x = -5900\n", -5900),
    ("x = 9223372036854775807\n", 9223372036854775807),
    ("x = 9223372036854775808\n", -9223372036854775808),
    ("x = 18446744073709551615\n", -1),
    ("x = 18446744073709551616\n", 0),
    ("x = -9223372036854775809\n", 9223372036854775807),
    ("x = -18446744073709551617\n", -1),
])
def test_numbers_are_signed_64_bit_modulo_2_64(reader, text, value):
    assert reader(text).get("x") == value


def test_a_number_of_many_digits_wraps_in_linear_time(reader):
    digits = 200_000
    value = reader("x = 1" + "0" * digits + "\n").get("x")
    expected = pow(10, digits, 1 << 64)
    assert value == (expected - (1 << 64) if expected >= 1 << 63 else expected)


@pytest.mark.parametrize("text,value", [
    ("x = 'single'\n", "single"),
    ('x = "it\'s"\n', "it's"),
    ("x = '\"q\"'\n", '"q"'),
    ('x = "a\\nb"\n', "a\\nb"),  # no escapes: the backslash stays
    ('x = "\\"\n', "\\"),
    ('x = ""\n', ""),
    ("x = ''\n", ""),
    ('x = "a\tb ;,[]#="\n', "a\tb ;,[]#="),
    ('x = """a\'b"c"""\n', "a'b\"c"),
    ('x = """a\r\nb"""\n', "a\r\nb"),  # EOLs of any kind inside the triple form
    ('x = "é中😀"\n', "é中😀"),
])
def test_strings_are_raw(reader, text, value):
    assert reader(text).get("x") == value


def test_triple_quoted_lines_are_counted(reader):
    error = libvirt_error(reader, 'a = """1\n2\n3"""\nb = ?\n')
    assert (error.lineno, error.reason) == (4, "expecting a value")


@pytest.mark.parametrize("text,value", [
    ("x = [ 'a', \"b\", 3, -4 ]\n", ["a", "b", 3, -4]),
    ('x = ["a","b"]\n', ["a", "b"]),
    ('x = [ "a" ,\t"b" , ]\n', ["a", "b"]),
    ('x = [\n  "a",\n\n  "b"\n]\n', ["a", "b"]),
    ("x = [ [ [ ] ], [ 1, [ 2 ] ] ]\n", [[[]], [1, [2]]]),
    ('x = [ "", "" ]\n', ["", ""]),
    ('x = [ """a\nb""", "c" ]\n', ["a\nb", "c"]),
    ('x = [ "a, b", "c" ]\n', ["a, b", "c"]),
    ('x = [ "a", "b" ] ; y = [ ]\n', ["a", "b"]),
])
def test_lists(reader, text, value):
    assert reader(text).get("x") == value


def test_deep_nesting_reads_without_recursion(reader):
    depth = 100_000
    value = reader("x = " + "[" * depth + "]" * depth + "\n").get("x")
    for _ in range(depth - 1):  # walked, not compared: == would recurse
        assert len(value) == 1
        value = value[0]
    assert value == []
    error = libvirt_error(reader, "x = " + "[" * depth + "\n")
    assert error.reason == "list is not closed with ]"


# ---------------------------------------------------------- Python configs

@pytest.mark.parametrize("text,lineno,shown", [
    ("memory = 2 * 256\n", 1, "`2 * 256`"),
    ("memory = mem\n", 1, "`mem`"),
    ("x = True\n", 1, "`True`"),
    ("memory = 0x10\n", 1, "`0x10`"),
    ("import os\n", 1, "`import os`"),
    ("a = 1\nif a:\n    memory = 512\nelse:\n    memory = 256\n", 2, "`if a:"),
    ("a = 1\ndef f(x):\n    return x\nmemory = f(1)\n", 2, "`def f(x):"),
    ("os.system('reboot')\n", 1, "`os.system('reboot')`"),
    ("vif = [ 'mac=%s' % mac ]\n", 1, "`'mac=%s' % mac`"),
    ("disk = [ 'phy:a,hda,w',  # root\n         'phy:b,hdb,w' ]\n", 1, "a comment inside"),
    ("memory = (512)\n", 1, "parentheses"),
    ("b = [\n" + "  'x' % y,\n" * 40 + "]\n", 1, "`'x' % y`"),  # grown over 42 lines
])
def test_python_code_is_named_as_such(text, lineno, shown):
    error = libvirt_error(read_conf, text)
    assert error.msg.startswith(PYTHON_PREFIX)
    assert f"on line {lineno}" in error.msg and shown in error.msg
    # libvirt's own message is untouched.
    assert error.libvirt_msg.startswith("configuration file syntax error: memory conf:")


@pytest.mark.parametrize("text", [
    "memory = 100 vcpus = 2\n",  # no Python either
    "x\n",  # a bare word: a typo more likely than Python
    "x = [ 1 2 ]\n",
    "memory = 1",  # Python, but libvirt failed on its last byte only
    'x = """"""',
])
def test_not_python_gets_the_plain_syntax_error(text):
    error = libvirt_error(read_conf, text)
    assert error.msg == "configuration file syntax error: " + error.reason


def test_python_only_where_libvirt_fails():
    # Valid Python and valid virconf: read, no complaint.
    assert read_conf("memory = 512\nvif = [ 'bridge=xenbr0' ]\n").get("memory") == 512


# ------------------------------------------------------------ bytes in

def test_bytes_are_utf8(reader):
    assert reader('name = "é"\n'.encode()).get("name") == "é"
    assert reader(memoryview(b"x = 1\n")).get("x") == 1


def test_bad_utf8_is_refused_with_its_offset():
    error = libvirt_error(read_conf, b'name = "\xff"\n')
    assert "0xff" in error.msg and "byte offset 8" in error.msg
    assert (error.pos, error.reason, error.libvirt_msg) == (8, None, None)


def test_not_text_is_a_type_error():
    with pytest.raises(TypeError):
        read_conf(5)


# ------------------------------------------------------------- fixtures

@pytest.mark.parametrize("path", files("xmconfigdata/*.cfg"))
def test_every_fixture_reads_and_writes_back(path, monkeypatch):
    require_corpus()
    text = load_fixture(path)
    conf = read_conf(text)
    names = [name for name, _ in conf.entries]
    assert names[:2] == ["name", "uuid"] and len(set(names)) == len(names)
    assert write_conf(conf) == text  # every .cfg is libvirt's writer output
    monkeypatch.setattr(xmconf, "_SCAN_TURNS", 0)
    assert read_conf(text) == conf


def test_fixture_corpus_is_complete():
    require_corpus()
    assert len(list((CORPUS / "xmconfigdata").glob("*.cfg"))) == 33


# --------------------------------------------------------------- writer

@pytest.mark.parametrize("value,text", [
    (-5900, "-5900"),
    (0, "0"),
    ("plain", '"plain"'),
    ("", '""'),
    ('a"b', "'a\"b'"),
    ("a\nb", '"""a\nb"""'),
    ("a'''b\"", '"""a\'\'\'b""""'),  # XM.md 2.6: cannot be read back
    ("a\rb", '"a\rb"'),  # nor can this
    ("\\", '"\\"'),
    (["a", 1], '[ "a", 1 ]'),
    ([], "[  ]"),
    (["x'\",hdb"], '[ """x\'",hdb""" ]'),
    ([["a"], [], [1, ["b"]]], '[ [ "a" ], [  ], [ 1, [ "b" ] ] ]'),
    (("a", "b"), '[ "a", "b" ]'),
])
def test_writer_quoting_and_layout(value, text):
    assert write_conf([("k", value)]) == f"k = {text}\n"


def test_writer_escape_paths_disk_list():
    disk = ["phy:/dev/HostVG/XenGuest2,hda,w", "phy:/dev/HostVG/XenGuest'\",hdb,w"]
    assert write_conf([("disk", disk)]) == (
        'disk = [ "phy:/dev/HostVG/XenGuest2,hda,w", '
        '"""phy:/dev/HostVG/XenGuest\'",hdb,w""" ]\n')


def test_writer_replaces_a_name_set_again_in_its_first_place():
    assert write_conf([("a", 1), ("b", 2), ("a", 3)]) == "a = 3\nb = 2\n"


def test_writer_writes_no_comments():
    assert write_conf(read_conf("# c\nx = 1 # t\n")) == "x = 1\n"


def test_writer_limit_is_4096_bytes():
    def sized(n):  # 'k = "' + s + '"\n' is n bytes
        return [("k", "a" * (n - 7))]
    assert len(write_conf(sized(4095))) == 4095
    with pytest.raises(ConversionError):
        write_conf(sized(4096))
    with pytest.raises(ConversionError):  # bytes, not characters: é is two
        write_conf([("k", "é" + "a" * 4087)])
    assert len(write_conf(sized(10_000), limit=None)) == 10_000


@pytest.mark.parametrize("value,error", [
    ("a\0b", ConversionError),
    (["a\0b"], ConversionError),
    (1 << 63, ConversionError),
    (-(1 << 63) - 1, ConversionError),
    (True, TypeError),
    (1.5, TypeError),
    (None, TypeError),
    ([{"a": 1}], TypeError),
])
def test_writer_refuses_what_libvirt_could_not_hold(value, error):
    with pytest.raises(error):
        write_conf([("k", value)])


def test_writer_refuses_a_list_that_contains_itself():
    loop = [1]
    loop.append(loop)
    with pytest.raises(ValueError):
        write_conf([("k", loop)])


def test_writer_deep_nesting_without_recursion():
    depth = 100_000
    value: list = []
    for _ in range(depth):
        value = [value]
    text = write_conf([("k", value)], limit=None)
    assert text == "k = " + "[ " * (depth + 1) + " ]" * (depth + 1) + "\n"


def test_writer_bound_to_int64_edges():
    assert write_conf([("a", (1 << 63) - 1), ("b", -(1 << 63))]) == (
        "a = 9223372036854775807\nb = -9223372036854775808\n")


# ------------------------------------------------------ bounded work

def test_many_hand_overs_stay_linear():
    # Every other line leaves the scan (blanks around '='): after its bound
    # of hand-overs the careful reader must finish the file in linear time.
    text = "a = 1\nb= 2\n" * 50_000
    started = time.perf_counter()
    conf = read_conf(text)
    assert len(conf.entries) == 100_000
    assert time.perf_counter() - started < 20


def test_a_long_failing_python_statement_is_bounded():
    text = "x = [" + " 1 +" * 100_000 + " 1 ]\n"
    started = time.perf_counter()
    assert libvirt_error(read_conf, text).reason == "expecting a separator in list"
    assert time.perf_counter() - started < 20


# --------------------------------------------------------------- Conf

def test_conf_api():
    conf = Conf([("a", 1), ("b", "x"), ("a", 2)], [Comment("c", 0, False)])
    assert list(conf) == [("a", 1), ("b", "x"), ("a", 2)]
    assert conf.get("a") == 1 and conf.get("zz") is None and "b" in conf
    assert dict(conf.first) == {"a": 1, "b": "x"}
    assert conf == Conf(conf.entries, conf.comments) and conf != Conf(conf.entries)
    with pytest.raises(TypeError):
        conf.first["a"] = 3


# ------------------------------------------------------------ generated

PROPS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NAMES = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,8}", fullmatch=True)
CHARS = st.sampled_from(list("ab \t'\"\n\r#;,[]=\\é中") + ["\x7f", "😀"])
STRINGS = st.lists(CHARS, max_size=10).map("".join)
INTS = st.integers(min_value=-(1 << 63), max_value=(1 << 63) - 1)


def reads_back(s: str) -> bool:
    """XM.md 2.6: which strings the writer's output can be read back from."""
    if "\n" in s or ('"' in s and "'" in s):  # written """s"""
        return '"""' not in s and not s.endswith('"')
    return "\r" not in s


VALUES = st.recursive(INTS | STRINGS.filter(reads_back), lambda inner: st.lists(inner, max_size=4),
                      max_leaves=12)
ENTRIES = st.lists(st.tuples(NAMES, VALUES), max_size=8, unique_by=lambda e: e[0])


@PROPS
@given(ENTRIES)
def test_write_then_read_gives_the_entries_back(entries):
    text = write_conf(entries, limit=None)
    assert list(read_conf(text).entries) == entries
    assert write_conf(read_conf(text), limit=None) == text


# Text biased towards what the grammar treats specially.
SOURCE = st.lists(st.sampled_from(
    ["x", "ab", " = ", "=", " ", "\t", "\n", "\r", "#", ";", ",", "[", "]", "[ ", " ]", '"',
     "'", '"""', "1", "-", "+", "é", "\0", "memory = 1\n", 'k = "v"\n', "l = [ \"a\", 'b' ]\n"]),
    max_size=25).map("".join)


def outcome(text):
    try:
        conf = read_conf(text)
    except XmSyntaxError as error:
        return ("error", error.libvirt_msg, error.pos)
    return ("ok", conf.entries, conf.comments)


@PROPS
@given(SOURCE)
def test_the_scan_and_the_careful_reader_agree(text):
    scanned = outcome(text)
    turns = xmconf._SCAN_TURNS
    xmconf._SCAN_TURNS = 0
    try:
        assert outcome(text) == scanned
    finally:
        xmconf._SCAN_TURNS = turns


def scanned_by(scan, text):
    end = len(text) - 1
    entries, comments = [], []
    stop = scan(text, 0, end, entries, comments) if end > 0 else 0
    return stop, entries, comments


def assert_the_scans_agree(text):
    """The same statements, and the same place where the careful reader
    takes over, unless a number of 19 or more characters (which may wrap)
    made the compiled scan hand over sooner; the same read either way."""
    compiled, regex = (scanned_by(xmconf._scan_compiled, text),
                       scanned_by(xmconf._scan_regex, text))
    if not re.search(r"[0-9+-][0-9]{18}", text):
        assert compiled == regex
    reads = []
    for scan in (xmconf._scan_compiled, xmconf._scan_regex):
        previous, xmconf._scan = xmconf._scan, scan
        try:
            reads.append(outcome(text))
        finally:
            xmconf._scan = previous
    assert reads[0] == reads[1]


@PROPS
@given(SOURCE | st.text(max_size=60))
def test_the_compiled_scan_reads_what_the_regex_scan_reads(text):
    assert_the_scans_agree(text)


def test_the_scans_agree_on_numbers_and_lists_at_their_limits():
    text = ("a = 999999999999999999\nb = -999999999999999999\nc = +7\n"
            "d = 1234567890123456789\ne = [ 1,2 ,'x',\"y\" , ]\nf = [\t]\n"
            "g = [ \"a\", \"b\" ]x\nh = 1;i = ''\r\n# c\nj = [ -12345678901234567890 ]\n")
    for stop in range(len(text) + 1):
        assert_the_scans_agree(text[:stop])


def test_the_build_reads_with_the_compiled_scan():
    """CI's normal run sets FASTSEXPR_REQUIRE_SPEEDUPS=1: the build compiled
    the scan, and it is in use beside the compiled core."""
    if os.environ.get("FASTSEXPR_REQUIRE_SPEEDUPS", "") in ("", "0"):
        pytest.skip("FASTSEXPR_REQUIRE_SPEEDUPS is not set")
    assert _confscan.COMPILED
    assert xmconf._scan is (xmconf._scan_compiled if HAS_SPEEDUPS else xmconf._scan_regex)


@PROPS
@given(st.text(max_size=60) | SOURCE)
def test_any_text_reads_or_fails_cleanly(text):
    try:
        conf = read_conf(text)
    except XmSyntaxError as error:
        assert 0 <= error.pos <= len(text) and error.reason and error.libvirt_msg
    else:
        for name, _ in conf.entries:
            assert name[:1].isascii() and name[:1].isalpha()
