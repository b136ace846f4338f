"""The model's plain classes and the command's named tuples, built without
importing dataclasses or typing, behave as those would for their users."""
from __future__ import annotations

import pickle
import typing

import pytest

from fastsexpr.cli.plan import Task
from fastsexpr.model import domain
from fastsexpr.model.record import NamedTuple
from fastsexpr.xend.carried import Dropped


class Point(NamedTuple):
    """A point."""
    x: int
    y: int = 0
    label: str = "p"

    def moved(self, dx: int) -> "Point":
        return self._replace(x=self.x + dx)


class TypingPoint(typing.NamedTuple):
    x: int
    y: int = 0
    label: str = "p"


def test_named_tuple_is_typings_named_tuple_without_typing():
    p = Point(1, label="a")
    assert p == (1, 0, "a") == TypingPoint(1, label="a")
    assert isinstance(p, tuple) and p.y == 0 and p.moved(2) == Point(3, 0, "a")
    assert Point._fields == TypingPoint._fields
    assert Point._field_defaults == TypingPoint._field_defaults
    assert repr(p) == "Point(x=1, y=0, label='a')"
    assert Point.__doc__ == "A point." and Point.__qualname__ == "Point"
    assert Point.__module__ == __name__ and pickle.loads(pickle.dumps(p)) == p
    with pytest.raises(TypeError):
        Point()


def test_the_commands_tuples_pickle_and_replace():
    task = Task(0, "a.sxp", None, "a.xml", None, None, None, None, None)
    assert pickle.loads(pickle.dumps(task)) == task
    assert task._replace(out_file=None).out_file is None and task.path == "a.sxp"
    assert Dropped("x") == ("x", frozenset())


def test_domain_classes_annotations_resolve_at_run_time():
    # Tools that read the model's annotations (serialisers, validators)
    # resolve them without anything imported for type checkers only.
    hints = typing.get_type_hints(domain.Domain.__init__)
    assert hints["disks"] == list[domain.Disk] | None
    assert typing.get_type_hints(domain.Disk)["source"] == str | None
    for name in domain.__all__:
        obj = getattr(domain, name)
        if isinstance(obj, type):
            typing.get_type_hints(obj)
            typing.get_type_hints(obj.__init__)
