"""member_values: one pass over a list answering value()/has() for every key."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastsexpr.syntax import _pycore

from conftest import COMPILED_SKIP, compiled_core
from test_paths import DOMAIN, PATH_TABLE

needs_compiled = pytest.mark.skipif(COMPILED_SKIP is not None, reason=COMPILED_SKIP or "")


def _keys(node):
    return {m[0] for m in node[1:] if isinstance(m, list) and m and isinstance(m[0], str)}


def _agrees_with_paths(impl, node):
    """member_values(node) is value()/has() of every member key, and nothing else."""
    found = impl.member_values(node)
    assert set(found) == _keys(node)
    for key in _keys(node) | {"absent"}:
        path = f"{node[0]}/{key}"
        assert found.get(key) == impl.value(node, path)
        assert (key in found) is impl.has(node, path)


@pytest.mark.parametrize("fragment,has,lookup,value,nonempty", PATH_TABLE,
                         ids=[row[0] for row in PATH_TABLE])
def test_path_table(impl, fragment, has, lookup, value, nonempty):
    node = impl.loads(f"(x {fragment})", dialect="libvirt")
    found = impl.member_values(node)
    assert ("k" in found) is has
    assert found.get("k") == value
    assert (found.get("k") or None) == nonempty
    _agrees_with_paths(impl, node)


def test_first_list_per_key_counts(impl):
    # The first (k ...) has no atom value: a later atom value does not show.
    node = ["x", ["k", ["a"]], ["k", "v"], ["j", "1"], ["j", "2"]]
    assert impl.member_values(node) == {"k": None, "j": "1"}


def test_members_that_are_not_keys(impl):
    node = ["x", "atom", [], [["l"], "v"], ["k", "v"], ["", "e"]]
    # Atoms, empty lists and lists headed by a list are skipped; '' is a key.
    assert impl.member_values(node) == {"k": "v", "": "e"}


@pytest.mark.parametrize("node", ["x", "", [], ["x"], None, 3, ("x", ["k", "v"])],
                         ids=repr)
def test_nothing_to_index(impl, node):
    assert impl.member_values(node) == {}


def test_head_of_node_is_not_read(impl):
    # As for a path's first token, the caller checks the head itself.
    assert impl.member_values([["k", "v"], ["k", "w"]]) == {"k": "w"}


def test_domain_lists(impl):
    dom = impl.loads(DOMAIN, dialect="libvirt")
    assert impl.member_values(dom) == {"name": "vm", "memory": "512", "image": None,
                                      "device": None}
    linux = impl.find_key(dom, "domain/image/linux")
    assert impl.member_values(linux) == {"kernel": "/boot/vmlinuz", "args": "ro quiet"}
    for node in (dom, linux, impl.find_key(dom, "domain/image")):
        _agrees_with_paths(impl, node)


class _Str(str):
    """A str subclass whose equality ignores case (and hashes accordingly)."""

    def __eq__(self, other):
        return isinstance(other, str) and self.lower() == other.lower()

    def __hash__(self):
        return hash(self.lower())


class _List(list):
    pass


def test_subclasses_read_like_the_twin(impl):
    for node in (["x", [_Str("K"), "v"], ["k", "w"]],
                 ["x", ["k", _Str("v")]],
                 _List(["x", ["k", "v"]]),
                 ["x", _List(["k", "v"]), ["k", "w"]]):
        assert impl.member_values(node) == _pycore.member_values(node)
    # The case-blind "K" takes the place of the later "k".
    (key, value), = impl.member_values(["x", [_Str("K"), "v"], ["k", "w"]]).items()
    assert (type(key), key, value) == (_Str, "K", "v")
    assert type(impl.member_values(["x", ["k", _Str("v")]])["k"]) is _Str


ATOMS = st.sampled_from(["k", "j", "", "v", "1", "é", "😀"])
TREES = st.recursive(ATOMS, lambda children: st.lists(children, max_size=4), max_leaves=25)
PROPS = settings(max_examples=300, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow,
                                        HealthCheck.function_scoped_fixture])


@PROPS
@given(members=st.lists(TREES, max_size=8))
def test_generated_lists_agree_with_paths(impl, members):
    _agrees_with_paths(impl, ["x", *members])


@needs_compiled
@PROPS
@given(tree=TREES)
def test_engines_agree(tree):
    assert compiled_core.member_values(tree) == _pycore.member_values(tree)
