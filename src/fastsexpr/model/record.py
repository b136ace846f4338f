"""Plain slotted classes written from their annotations: what the model and
the command need of dataclasses (a positional or keyword ``__init__`` with
defaults, equality, a repr) without importing ``dataclasses``, which brings
``inspect``, ``ast`` and ``dis`` and cost a one-file run of the command
about a fifth of its start-up; and typing's NamedTuple, without typing."""
from __future__ import annotations

from collections import namedtuple

# For type checkers only (the annotations stay strings at run time): a run
# of the command does not pay for importing typing.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Dict, NamedTuple, TypeVar, dataclass_transform

    _T = TypeVar("_T")
else:
    def dataclass_transform(**_kwargs):
        """Tells type checkers that :func:`record` makes classes as
        dataclasses do; nothing at run time."""
        return lambda decorator: decorator

    class _TupleMaker(type):
        """Makes ``class C(NamedTuple): field: type = default`` a
        ``collections.namedtuple`` of the fields, as typing's does."""

        def __new__(mcls, name, bases, namespace):
            if not bases:       # NamedTuple itself
                return super().__new__(mcls, name, bases, namespace)
            fields = tuple(namespace.get("__annotations__", {}))
            # The fields with a default come last (type checkers see to it).
            defaults = [namespace[field] for field in fields if field in namespace]
            cls = namedtuple(name, fields, defaults=defaults, module=namespace["__module__"])
            for key, value in namespace.items():
                if key not in fields:       # the docstring, the names, any method
                    setattr(cls, key, value)
            return cls

    class NamedTuple(metaclass=_TupleMaker):
        """typing.NamedTuple's class syntax, without importing typing."""

__all__ = ["Record", "record", "NamedTuple"]


class Record:
    """Equality and repr over ``__slots__``, as the dataclasses gave."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.__slots__)

    __hash__ = None     # type: ignore[assignment]  # mutable, as the dataclasses were

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{self.__class__.__name__}({fields})"


@dataclass_transform()
def record(cls: type[_T]) -> type[_T]:
    """The class rebuilt as a slotted :class:`Record` whose ``__init__``
    takes its annotated fields in order, those with a class value
    defaulting to it (as ``@dataclass(slots=True)`` does, for the field
    kinds used here: names and immutable defaults)."""
    names = tuple(cls.__dict__.get("__annotations__", {}))
    defaults = {name: cls.__dict__[name] for name in names if name in cls.__dict__}
    body: Dict[str, Any] = {key: value for key, value in cls.__dict__.items()
                            if key not in names and key not in ("__dict__", "__weakref__")}
    body["__slots__"] = names
    params = ", ".join(f"{name}=_default_{name}" if name in defaults else name for name in names)
    assigns = "".join(f"\n    self.{name} = {name}" for name in names) or "\n    pass"
    scope: Dict[str, Any] = {f"_default_{name}": value for name, value in defaults.items()}
    exec(f"def __init__(self, {params}):{assigns}", scope)
    body["__init__"] = scope["__init__"]
    body["__init__"].__qualname__ = f"{cls.__qualname__}.__init__"
    return type(cls.__name__, (Record,), body)  # type: ignore[return-value]
