"""Placeholder: being written (see the open issues)."""


def write_sexpr(*args, **kwargs):
    raise NotImplementedError("write_sexpr is not written yet")
