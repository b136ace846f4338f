"""Placeholder: being written (see the open issues)."""


def read_xml(*args, **kwargs):
    raise NotImplementedError("read_xml is not written yet")
