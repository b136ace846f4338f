"""Path helpers and numeric readers: SEXPR.md section 3's tables."""
from __future__ import annotations

import pytest

# SEXPR.md 3.2: a fragment under (x ...), then has / lookup / value / nonempty_value
# (SEXPR.md's value_copy) of x/k.
PATH_TABLE = [
    ("(k v)", True, ["v"], "v", "v"),
    ("(k)", True, None, None, None),
    ("(k v w)", True, ["v", "w"], "v", "v"),
    ("(k (a b))", True, [["a", "b"]], None, None),
    ("(k '')", True, [""], "", None),
    ("(k 1)(k 2)", True, ["1"], "1", "1"),
    ("(j v)", False, None, None, None),
]


@pytest.mark.parametrize("fragment,has,lookup,value,nonempty", PATH_TABLE,
                         ids=[row[0] for row in PATH_TABLE])
def test_path_helper_table(impl, fragment, has, lookup, value, nonempty):
    node = impl.loads(f"(x {fragment})", dialect="libvirt")
    assert impl.has(node, "x/k") is has
    assert impl.lookup(node, "x/k") == lookup
    assert impl.value(node, "x/k") == value
    assert impl.nonempty_value(node, "x/k") == nonempty
    found = impl.find_key(node, "x/k")
    assert (found is not None) is has
    if has:
        assert found[0] == "k"


def test_value_copy_is_nonempty_value(impl):
    """SEXPR.md calls it value_copy: the name stays, for the same function."""
    from fastsexpr import syntax
    assert impl.value_copy is impl.nonempty_value
    assert syntax.value_copy is syntax.nonempty_value
    assert impl.value_copy(["x", ["k", ""]], "x/k") is None


DOMAIN = """(domain (name 'vm') (memory 512)
  (image (linux (kernel /boot/vmlinuz) (args 'ro quiet')))
  (image (hvm (kernel /usr/lib/xen/boot/hvmloader)))
  (device (vbd (dev xvda) (uname 'file:/a.img')))
  (device (vif (mac 00:16:3e:00:00:01))))"""


def test_only_the_first_match_counts(impl):
    dom = impl.loads(DOMAIN, dialect="libvirt")
    assert impl.value(dom, "domain/image/linux/kernel") == "/boot/vmlinuz"
    # The second (image ...) is invisible, and so is the second (device ...).
    assert impl.value(dom, "domain/image/hvm/kernel") is None
    assert impl.has(dom, "domain/device/vbd")
    assert not impl.has(dom, "domain/device/vif")
    assert impl.lookup(dom, "domain/image/linux/args") == ["ro quiet"]
    assert impl.find_key(dom, "domain") is dom
    assert impl.find_key(dom, "domain/image") is dom[3]


@pytest.mark.parametrize("node,path", [
    (["y", ["k", "v"]], "x/k"),          # head differs
    ([], "x"),
    ("x", "x"),
    ([["x"], ["k", "v"]], "x/k"),        # head is a list
    (["x", [], ["k"]], "x/k/z"),
    (["x", "k"], "x/k"),                 # an atom member is not a key
    (["x", ["k", "v"]], "x/k/"),         # a trailing empty token needs a '' head
])
def test_find_key_misses(impl, node, path):
    assert impl.find_key(node, path) is None
    assert not impl.has(node, path)
    assert impl.value(node, path) is None


def test_empty_tokens_match_empty_heads(impl):
    node = ["", ["", "v"], ["k", ["", "w"]]]
    assert impl.find_key(node, "") is node
    assert impl.value(node, "/") == "v"
    assert impl.value(node, "/k/") == "w"


def test_non_ascii_keys(impl):
    node = impl.loads("(中 (é v) (k 😀) (ñ (x y)))", dialect="libvirt")
    assert impl.value(node, "中/é") == "v"
    assert impl.value(node, "中/k") == "😀"
    assert impl.value(node, "中/ñ/x") == "y"
    assert impl.value(["x", ["k", "v"]], "x/k") == "v"
    assert impl.find_key(["x", ["k", "v"]], "x/é") is None
    assert impl.find_key(["é", ["k", "v"]], "e/k") is None


def test_path_must_be_str(impl):
    with pytest.raises(AttributeError):
        impl.find_key(["x"], None)


# SEXPR.md 3.3: atom, int, u64
NUMBER_TABLE = [
    ("6", 6, 6),
    ("0x1b", 27, 27),
    ("010", 8, 8),
    ("08", 0, 0),
    ("+5", 5, 5),
    ("-1", -1, 18446744073709551615),
    ("12abc", 0, 0),
    ("", 0, 0),
    ("1.0", 0, 0),
    ("4294967296", 0, 4294967296),
]


@pytest.mark.parametrize("atom,as_int,as_u64", NUMBER_TABLE, ids=[r[0] or "empty" for r in NUMBER_TABLE])
def test_number_table(impl, atom, as_int, as_u64):
    assert impl.to_int(atom) == as_int
    assert impl.to_u64(atom) == as_u64
    node = impl.loads(f"(x (n '{atom}'))", dialect="libvirt")
    assert impl.to_int(impl.value(node, "x/n")) == as_int


def test_absent_numbers_are_zero(impl):
    assert impl.to_int(None) == 0
    assert impl.to_u64(None) == 0
    assert impl.strtol(None) is None


@pytest.mark.parametrize("text,signed,unsigned", [
    (" 7", 7, 7),
    ("\t\n\x0b\x0c\r-0x10", -16, 2 ** 64 - 16),
    ("0X1F", 31, 31),
    ("0x", None, None),                  # a 0 followed by junk
    ("0xg", None, None),
    ("0", 0, 0),
    ("-0", 0, 0),
    ("+", None, None),
    ("-", None, None),
    ("", None, None),
    ("  ", None, None),
    ("7 ", None, None),
    ("- 7", None, None),
    ("1_000", None, None),
    ("٣", None, None),                   # only ASCII digits count
    ("00000000000000000000000000000017", 15, 15),
    ("9223372036854775807", 2 ** 63 - 1, 2 ** 63 - 1),
    ("9223372036854775808", None, 2 ** 63),
    ("-9223372036854775808", -(2 ** 63), 2 ** 63),
    ("-9223372036854775809", None, 2 ** 64 - 2 ** 63 - 1),
    ("18446744073709551615", None, 2 ** 64 - 1),
    ("18446744073709551616", None, None),
    ("0xffffffffffffffff", None, 2 ** 64 - 1),
    ("0x10000000000000000", None, None),
    ("01777777777777777777777", None, 2 ** 64 - 1),
])
def test_strtol(impl, text, signed, unsigned):
    assert impl.strtol(text) == signed
    assert impl.strtol(text, True) == unsigned
    assert impl.strtol(text, unsigned=True) == unsigned


@pytest.mark.parametrize("text,value", [
    ("2147483647", 2147483647),
    ("2147483648", 0),
    ("-2147483648", -2147483648),
    ("-2147483649", 0),
    ("0x7fffffff", 2147483647),
    ("0x80000000", 0),
])
def test_to_int_is_32_bits(impl, text, value):
    assert impl.to_int(text) == value


# Python's int() refuses strings of over 4,300 digits (sys.int_info); strtol
# reads any length and overflows.
HUGE = "1" * 4301


@pytest.mark.parametrize("text,signed,unsigned", [
    (HUGE, None, None),                  # overflow, as strtol sets ERANGE
    ("-" + HUGE, None, None),
    ("0x" + "f" * 4301, None, None),
    ("0" + "7" * 4301, None, None),
    ("0" * 5000 + "17", 15, 15),         # leading zeros are not digits that count
    ("0x" + "0" * 5000 + "1f", 31, 31),
    ("1" * 4300 + "x", None, None),
])
def test_strtol_of_very_long_numbers(impl, text, signed, unsigned):
    assert impl.strtol(text) == signed
    assert impl.strtol(text, unsigned=True) == unsigned


def test_very_long_numbers_read_as_overflow(impl):
    # SEXPR.md 3.3: overflow yields 0, in both engines.
    assert impl.to_int(HUGE) == 0
    assert impl.to_u64(HUGE) == 0
    node = impl.loads(f"(domain (memory {HUGE}))")
    assert impl.to_u64(impl.value(node, "domain/memory")) == 0
