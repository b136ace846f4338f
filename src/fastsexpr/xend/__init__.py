"""xend SEXPR trees <-> the Domain model."""
from .reader import read_sexpr
from .writer import write_sexpr

__all__ = ["read_sexpr", "write_sexpr"]
