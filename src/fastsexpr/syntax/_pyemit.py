"""libvirt's two escapes (esc for SEXPR values, xml_escape for XML text)
and the writers its formatters are built on, SexprWriter and XmlWriter,
pure Python (the twin of ``_emit.pxi``)."""
from __future__ import annotations

import re


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


def _has_xml_special(s):
    return "&" in s or "<" in s or ">" in s or "'" in s or '"' in s


def xml_escape(s):
    """libvirt's XML text escape.

    The five XML specials become entities.  Only when at least one of them
    occurs are control characters other than TAB, LF and CR dropped too;
    otherwise the text is copied unchanged (libvirt's own quirk).
    """
    if s.__class__ is str:
        # The usual text holds no special: a few scans at C speed say so.
        if not _has_xml_special(s):
            return s
    else:
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


# A template's attribute whose value is a placeholder: ` name='` before the
# placeholder, `'` after it.
_ATTR_BEFORE = re.compile(r" [A-Za-z_:][-A-Za-z0-9_:.]*='$")


class XmlTemplate:
    """Lines of XML with placeholders, read once and filled by
    :meth:`XmlWriter.line` (see there for the rules).

    ``{}`` is a value passed through :func:`xml_escape`, ``{raw}`` one
    written as it is (libvirt printed some values unescaped).  Each line of
    the text is written after the writer's indentation and ends with a
    newline.
    """

    __slots__ = ("text", "count", "lines", "_fill", "_other")

    def __init__(self, text):
        self.lines, self.count = _parse_template(text)
        self.text = text
        # Written on first use (import stays cheap); threads that race to
        # it write the same function.
        self._fill = None
        # The other engine's template of the same text, when a writer of
        # that engine is handed this one (a benchmark swaps engines).
        self._other = None

    def __repr__(self):
        return f"XmlTemplate({self.text!r})"


def _parse_template(text):
    """(lines, placeholders) of a template's text: (placeholders, items) per
    line, an item being literal text or a placeholder (the text before its
    value, raw, is an attribute).  The compiled twin parses with it too."""
    if not isinstance(text, str):
        raise TypeError(f"an XML template must be str, not {type(text).__name__}")
    lines = []
    total = 0
    for source in text.split("\n"):
        items, count = _template_line(text, source)
        lines.append((count, items))
        total += count
    return tuple(lines), total


def _template_line(text, source):
    pieces = source.split("{")
    items = []
    literal = pieces[0]
    for piece in pieces[1:]:
        if piece.startswith("}"):
            raw, rest = False, piece[1:]
        elif piece.startswith("raw}"):
            raw, rest = True, piece[4:]
        else:
            raise ValueError(f"XML template {text!r}: a '{{' starts neither {{}} nor {{raw}}")
        attr = _ATTR_BEFORE.search(literal) if rest.startswith("'") else None
        if attr is not None:
            # The attribute's name and quotes go with its value, to be left
            # out with it.
            literal, rest = literal[:attr.start()], rest[1:]
        if literal:
            items.append(literal)
        items.append((attr.group() if attr is not None else "", raw, attr is not None))
        literal = rest
    if literal:
        items.append(literal)
    return tuple(items), len(pieces) - 1


def _xml_value(value, raw):
    """A template value's text; the compiled twin asks it for what is not an
    exact str or int."""
    if isinstance(value, str):
        return value if raw else xml_escape(value)
    if value.__class__ is int:
        return str(value)
    raise TypeError(f"an XML template value must be str, int or None, not {type(value).__name__}")


def _wrong_count(template, given):
    return TypeError(f"{template!r} takes {template.count} values, {given} given")


def _esc(value):
    """A value's text, escaped."""
    if value.__class__ is str:
        if "&" in value or "<" in value or ">" in value or "'" in value or '"' in value:
            return xml_escape(value)
        return value
    return _xml_value(value, False)


def _raw(value):
    """A value's text, as it is."""
    return value if value.__class__ is str else _xml_value(value, True)


def _compile_fill(lines, count):
    """The function (values, indent) -> text of a template: its lines as
    Python code, written once per template (as dataclasses writes an
    __init__), so that filling one costs what the f-strings it replaces
    cost.  A line is left out when a text value is None, or when it has
    attributes only and all are None."""
    code = []
    n = 0
    for _, items in lines:
        parts, texts, attrs = ["indent"], [], []
        for item in items:
            if item.__class__ is str:
                parts.append(repr(item))
                continue
            name = f"v{n}"
            n += 1
            before, raw, attr = item
            text = f"{'_raw' if raw else '_esc'}({name})"
            if attr:
                attrs.append(name)
                parts.append(f"({before!r} + {text} + \"'\" if {name} is not None else '')")
            else:
                texts.append(name)
                parts.append(text)
        parts.append("'\\n'")
        if texts:
            condition = " and ".join(f"{name} is not None" for name in texts)
        else:
            condition = " or ".join(f"{name} is not None" for name in attrs)
        line = f"out.append({' + '.join(parts)})"
        code.append(f"    if {condition}: {line}" if condition else f"    {line}")
    unpack = f"    {', '.join(f'v{i}' for i in range(count))}, = values\n" if count else ""
    source = ("def fill(values, indent):\n" + unpack + "    out = []\n"
              + "\n".join(code) + "\n    return ''.join(out)\n")
    namespace = {"_esc": _esc, "_raw": _raw}
    exec(source, namespace)
    return namespace["fill"]


def _own_template(template):
    """This engine's XmlTemplate for the text or the other engine's template
    ``template`` (kept on the latter, for the next call)."""
    if isinstance(template, str):
        return XmlTemplate(template)
    other = getattr(template, "_other", None)
    if other.__class__ is not XmlTemplate:
        text = getattr(template, "text", template)
        other = XmlTemplate(text)       # a TypeError for what is no template
        template._other = other
    return other


def _fill(template, values, indent):
    """The text of ``template`` filled with ``values`` at ``indent``."""
    if template.__class__ is not XmlTemplate:
        template = _own_template(template)
    if len(values) != template.count:
        raise _wrong_count(template, len(values))
    fill = template._fill
    if fill is None:
        fill = template._fill = _compile_fill(template.lines, template.count)
    return fill(values, indent)


class XmlWriter:
    """A text buffer that writes XML in libvirt's layout.

    Two spaces of indentation per level, every element on its own line,
    single-quoted attributes.  ``attrs`` is a sequence of ``(name, value)``
    pairs escaped with :func:`xml_escape`, or ``(name, value, True)`` for a
    value libvirt writes raw.

    :meth:`line`, :meth:`start_line` and :meth:`end_line` write whole lines
    from an :class:`XmlTemplate` (or its text) in one call each.
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

    def line(self, template, *values):
        """The lines of ``template`` at the current level, its placeholders
        filled with ``values`` in order (a ``str``, an ``int``, or None).

        None means absent, as libvirt's formatter skipped a NULL string: an
        attribute (`` name='{}'``) whose value is None is left out; a line
        is left out when another placeholder's value is None, or when all
        its placeholders are attributes and none has a value.
        """
        self._parts.append(_fill(template, values, "  " * self._depth))

    def start_line(self, template, *values):
        """:meth:`line`, then a new level."""
        self._parts.append(_fill(template, values, "  " * self._depth))
        self._depth += 1

    def end_line(self, template, *values):
        """Back one level, then :meth:`line`."""
        self._parts.append(_fill(template, values, "  " * (self._depth - 1)))
        self._depth -= 1

    def getvalue(self):
        return "".join(self._parts)
