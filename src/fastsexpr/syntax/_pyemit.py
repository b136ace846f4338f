"""libvirt's two escapes (esc for SEXPR values, xml_escape for XML text)
and the writers its formatters are built on, SexprWriter and XmlWriter,
pure Python (the twin of ``_emit.pxi``)."""
from __future__ import annotations


def esc(s):
    """libvirt's formatter escape: a backslash before every ``'`` and ``\\``."""
    return s.replace("\\", "\\\\").replace("'", "\\'")


class SexprWriter:
    """A text buffer for libvirt's SEXPR formatter.

    ``Q`` is a single-quoted value written verbatim, ``QE`` a single-quoted
    value passed through :func:`esc`.
    """

    __slots__ = ("_parts",)

    def __init__(self):
        self._parts = []

    def raw(self, text):
        """Literal text."""
        if not isinstance(text, str):
            # Fail at the call that passed it, not later in getvalue().
            raise TypeError(f"SEXPR text must be str, not {type(text).__name__}")
        self._parts.append(text)

    def esc(self, text):
        """``esc(text)`` without quotes."""
        self._parts.append(esc(text))

    def pair(self, key, text):
        """``(key 'esc(text)')``"""
        self._parts.append(f"({key} '{esc(text)}')")

    def pair_unescaped(self, key, text):
        """``(key 'text')``: quoted but not escaped, as libvirt writes a value
        it has checked (a UUID, a MAC, a lifecycle word)."""
        self._parts.append(f"({key} '{text}')")

    def pair_unquoted(self, key, text):
        """``(key text)``: an unquoted value (numbers, words, CHR strings)."""
        self._parts.append(f"({key} {text})")

    def pair_int(self, key, number):
        """``(key N)``"""
        self._parts.append(f"({key} {int(number)})")

    def write(self, *parts):
        """The parts in turn, those at even positions (0, 2, ...) as they
        are and those at odd positions through :func:`esc`: one call for a
        line such as ``write("(dev '", target, "')(mode 'w')")``.  All or
        nothing: a part that fails leaves the buffer as it was."""
        out = list(parts)
        for text in out[0::2]:
            if not isinstance(text, str):
                raise TypeError(f"SEXPR text must be str, not {type(text).__name__}")
        if len(out) > 1:
            out[1::2] = [_checked_esc(text) for text in out[1::2]]
        self._parts.extend(out)

    def pairs(self, *keys_and_values):
        """``(key 'esc(value)')`` for each key and value in turn, skipping
        a value that is None: ``pairs("kernel", k, "ramdisk", r)``.  All or
        nothing, as :meth:`write`."""
        if len(keys_and_values) % 2:
            raise TypeError("pairs() takes keys and values in pairs, "
                            f"not {len(keys_and_values)} arguments")
        pairs = iter(keys_and_values)
        self._parts.extend([f"({key} '{esc(text)}')" for key, text in zip(pairs, pairs)
                            if text is not None])

    def getvalue(self):
        return "".join(self._parts)


def _checked_esc(text):
    """esc(text), which must be a str (as the compiled engine insists)."""
    escaped = esc(text)
    if not isinstance(escaped, str):
        raise TypeError(f"esc() result must be str, not {type(escaped).__name__}")
    return escaped



# The five XML specials and their entities.
_XML_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;"}
_XML_SPECIAL = frozenset(_XML_ENTITIES)


def xml_escape(s):
    """libvirt's XML text escape.

    The five XML specials become entities.  Only when at least one of them
    occurs are control characters other than TAB, LF and CR dropped too;
    otherwise the text is copied unchanged (libvirt's own quirk).
    """
    for c in s:
        if c in _XML_SPECIAL:
            break
    else:
        return s
    out = []
    for c in s:
        if c in _XML_ENTITIES:
            out.append(_XML_ENTITIES[c])
        elif c < " " and c not in "\t\n\r":
            continue
        else:
            out.append(c)
    return "".join(out)


def _xml_attrs(attrs):
    parts = []
    for a in attrs:
        if len(a) == 3 and a[2]:
            parts.append(f" {a[0]}='{a[1]}'")
        else:
            parts.append(f" {a[0]}='{xml_escape(a[1])}'")
    return "".join(parts)


class XmlWriter:
    """A text buffer that writes XML in libvirt's layout.

    Two spaces of indentation per level, every element on its own line,
    single-quoted attributes.  ``attrs`` is a sequence of ``(name, value)``
    pairs escaped with :func:`xml_escape`, or ``(name, value, True)`` for a
    value libvirt writes raw.
    """

    __slots__ = ("_parts", "_depth")

    def __init__(self):
        self._parts = []
        self._depth = 0

    def start(self, tag, attrs=()):
        """``<tag ...>`` and a new level."""
        self._parts.append(f"{'  ' * self._depth}<{tag}{_xml_attrs(attrs)}>\n")
        self._depth += 1

    def end(self, tag):
        """``</tag>`` closing the current level."""
        self._depth -= 1
        self._parts.append(f"{'  ' * self._depth}</{tag}>\n")

    def empty(self, tag, attrs=()):
        """``<tag .../>``"""
        self._parts.append(f"{'  ' * self._depth}<{tag}{_xml_attrs(attrs)}/>\n")

    def text(self, tag, text, attrs=()):
        """``<tag ...>escaped text</tag>``"""
        self._parts.append(
            f"{'  ' * self._depth}<{tag}{_xml_attrs(attrs)}>{xml_escape(text)}</{tag}>\n")

    def getvalue(self):
        return "".join(self._parts)
