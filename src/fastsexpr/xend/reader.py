"""Placeholder: being written (see the open issues)."""


def read_sexpr(*args, **kwargs):
    raise NotImplementedError("read_sexpr is not written yet")
