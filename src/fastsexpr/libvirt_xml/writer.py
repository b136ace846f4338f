"""Placeholder: being written (see the open issues)."""


def write_xml(*args, **kwargs):
    raise NotImplementedError("write_xml is not written yet")
