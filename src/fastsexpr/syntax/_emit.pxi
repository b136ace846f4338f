# libvirt's two escapes (esc for SEXPR values, xml_escape for XML text) and
# the writers its formatters are built on: SexprWriter and XmlWriter.  Exact
# strs take the fast path; anything else goes through the pure twin.
cimport cython
from libc.string cimport memchr
from cpython.tuple cimport PyTuple_GET_ITEM
from cpython.ref cimport PyObject
from ._cpython cimport Py_UCS1, U_CHECK, U_DATA, U_EXACT, U_KIND, U_LEN, U_READ, U_WRITE


cdef inline str _as_text(object x):
    """``f"{x}"`` as the reference writes a value into its f-strings."""
    if U_EXACT(x):
        return <str>x
    return f"{x}"


# ------------------------------------------------------------------------ esc

def esc(s):
    """libvirt's formatter escape: a backslash before every ``'`` and ``\\``."""
    cdef Out o
    if not U_EXACT(s):
        return _twin().esc(s)
    if not _needs_esc(<str>s):
        return s
    _o_init(&o)
    try:
        _o_esc(&o, <str>s)
        return _o_value(&o)
    finally:
        _o_free(&o)


cdef bint _needs_esc(str s) noexcept:
    cdef int sk = U_KIND(s)
    cdef Py_ssize_t n = U_LEN(s), i
    cdef const void* sd = U_DATA(s)
    cdef Py_UCS4 ch
    if sk == 1:
        return (memchr(sd, 39, n) != NULL) or (memchr(sd, 92, n) != NULL)
    for i in range(n):
        ch = U_READ(sk, sd, i)
        if ch == 39 or ch == 92:
            return True
    return False


cdef int _o_esc(Out* o, str s) except -1:
    """``esc(s)`` into the buffer."""
    cdef int sk = U_KIND(s)
    cdef Py_ssize_t n = U_LEN(s), i, j
    cdef const void* sd = U_DATA(s)
    cdef const Py_UCS1* b
    cdef char* dst
    cdef Py_UCS4 ch
    if sk > o.kind:
        _o_widen(o, sk)
    _o_reserve(o, 2 * n)
    if o.kind == 1:
        b = <const Py_UCS1*>sd
        dst = o.data
        j = o.len
        for i in range(n):
            if b[i] == 39 or b[i] == 92:
                dst[j] = 92
                j += 1
            dst[j] = <char>b[i]
            j += 1
        o.len = j
        return 0
    j = o.len
    for i in range(n):
        ch = U_READ(sk, sd, i)
        if ch == 39 or ch == 92:
            U_WRITE(o.kind, o.data, j, 92)
            j += 1
        U_WRITE(o.kind, o.data, j, ch)
        j += 1
    o.len = j
    return 0


cdef str _pure_esc(object text):
    """The pure twin's esc() of what is not an exact str; it must give a str."""
    r = _twin().esc(text)
    if not isinstance(r, str):
        raise TypeError(f"esc() result must be str, not {type(r).__name__}")
    return r


# ----------------------------------------------------------------- xml_escape

# The five XML specials and their entities; a character at or past the end
# of the table is not one.
cdef enum:
    XML_ENTITY_SLOTS = 63
cdef Replacement _XML_ENTITIES[XML_ENTITY_SLOTS]
_fill_replacements(_XML_ENTITIES, XML_ENTITY_SLOTS,
                   {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;"})


cdef inline bint _is_xml_special(Py_UCS4 ch) noexcept nogil:
    return ch < XML_ENTITY_SLOTS and _XML_ENTITIES[ch].len != 0


cdef bint _has_xml_special(str s) noexcept:
    cdef int sk = U_KIND(s)
    cdef Py_ssize_t n = U_LEN(s), i
    cdef const void* sd = U_DATA(s)
    cdef const Py_UCS1* b
    if sk == 1:
        b = <const Py_UCS1*>sd
        for i in range(n):
            if _is_xml_special(b[i]):
                return True
        return False
    for i in range(n):
        if _is_xml_special(U_READ(sk, sd, i)):
            return True
    return False


cdef int _o_xml_escaped(Out* o, str s) except -1:
    """The escaping branch of ``xml_escape`` (s holds a special character)."""
    cdef int sk = U_KIND(s)
    cdef Py_ssize_t n = U_LEN(s), i
    cdef const void* sd = U_DATA(s)
    cdef Py_UCS4 ch
    if sk > o.kind:
        _o_widen(o, sk)
    _o_reserve(o, 6 * n)
    for i in range(n):
        ch = U_READ(sk, sd, i)
        if _is_xml_special(ch):
            _o_replacement(o, &_XML_ENTITIES[ch])
            continue
        if ch < 32 and ch != 9 and ch != 10 and ch != 13:
            continue
        U_WRITE(o.kind, o.data, o.len, ch)
        o.len += 1
    return 0


cdef inline int _o_xml(Out* o, str s) except -1:
    if _has_xml_special(s):
        return _o_xml_escaped(o, s)
    return _o_str(o, s)


def xml_escape(s):
    """libvirt's XML text escape.

    The five XML specials become entities.  Only when at least one of them
    occurs are control characters other than TAB, LF and CR dropped too;
    otherwise the text is copied unchanged (libvirt's own quirk).
    """
    cdef Out o
    if not U_EXACT(s):
        return _twin().xml_escape(s)
    if not _has_xml_special(<str>s):
        return s
    _o_init(&o)
    try:
        _o_xml_escaped(&o, <str>s)
        return _o_value(&o)
    finally:
        _o_free(&o)


# ---------------------------------------------------------------- SexprWriter

cdef int _o_int(Out* o, object number) except -1:
    cdef long long v
    cdef unsigned long long m
    cdef char tmp[24]
    cdef int p = 24
    if type(number) is not int:
        number = int(number)
    try:
        v = number
    except OverflowError:
        return _o_str(o, str(number))
    m = (0ULL - <unsigned long long>v) if v < 0 else <unsigned long long>v
    while True:
        p -= 1
        tmp[p] = <char>(48 + m % 10)
        m //= 10
        if m == 0:
            break
    if v < 0:
        p -= 1
        tmp[p] = 45
    return _o_ascii(o, tmp + p, 24 - p)


cdef int _o_quoted_pair(Out* o, str key, str text, bint escape) except -1:
    """``(key 'text')``, the text escaped or not."""
    _o_char(o, 40)
    _o_str(o, key)
    _o_ascii(o, b" '", 2)
    if escape:
        _o_esc(o, text)
    else:
        _o_str(o, text)
    _o_ascii(o, b"')", 2)
    return 0


cdef class SexprWriter:
    """A text buffer for libvirt's SEXPR formatter.

    ``Q`` is a single-quoted value written verbatim, ``QE`` a single-quoted
    value passed through :func:`esc`.
    """

    cdef Out o

    def __cinit__(self):
        _o_init(&self.o)

    def __dealloc__(self):
        _o_free(&self.o)

    def raw(self, text):
        """Literal text."""
        if not U_CHECK(text):
            raise TypeError(f"SEXPR text must be str, not {type(text).__name__}")
        _o_str(&self.o, <str>text)

    def esc(self, text):
        """``esc(text)`` without quotes."""
        if U_EXACT(text):
            _o_esc(&self.o, <str>text)
        else:
            _o_str(&self.o, _pure_esc(text))

    def pair(self, key, text):
        """``(key 'esc(text)')``"""
        if U_EXACT(text):
            _o_quoted_pair(&self.o, _as_text(key), <str>text, True)
        else:
            # The reference escapes first; an escaped value is written as is.
            _o_quoted_pair(&self.o, _as_text(key), _as_text(_twin().esc(text)), False)

    def pair_unescaped(self, key, text):
        """``(key 'text')``: quoted but not escaped, as libvirt writes a value
        it has checked (a UUID, a MAC, a lifecycle word)."""
        _o_quoted_pair(&self.o, _as_text(key), _as_text(text), False)

    def pair_unquoted(self, key, text):
        """``(key text)``: an unquoted value (numbers, words, CHR strings)."""
        cdef str k = _as_text(key)
        cdef str t = _as_text(text)
        _o_char(&self.o, 40)
        _o_str(&self.o, k)
        _o_char(&self.o, 32)
        _o_str(&self.o, t)
        _o_char(&self.o, 41)

    def pair_int(self, key, number):
        """``(key N)``"""
        cdef str k = _as_text(key)
        if type(number) is not int:
            number = int(number)
        _o_char(&self.o, 40)
        _o_str(&self.o, k)
        _o_char(&self.o, 32)
        _o_int(&self.o, number)
        _o_char(&self.o, 41)

    def write(self, *parts):
        """The parts in turn, those at even positions (0, 2, ...) as they
        are and those at odd positions through :func:`esc`: one call for a
        line such as ``write("(dev '", target, "')(mode 'w')")``.  All or
        nothing: a part that fails leaves the buffer as it was."""
        cdef Py_ssize_t mark = self.o.len
        cdef Py_ssize_t i
        cdef tuple ps = parts
        try:
            for i in range(len(ps)):
                part = ps[i]
                if i & 1:
                    if U_EXACT(part):
                        _o_esc(&self.o, <str>part)
                    else:
                        _o_str(&self.o, _pure_esc(part))
                elif U_CHECK(part):
                    _o_str(&self.o, <str>part)
                else:
                    raise TypeError(f"SEXPR text must be str, not {type(part).__name__}")
        except BaseException:
            self.o.len = mark
            raise

    def pairs(self, *keys_and_values):
        """``(key 'esc(value)')`` for each key and value in turn, skipping
        a value that is None: ``pairs("kernel", k, "ramdisk", r)``.  All or
        nothing, as :meth:`write`."""
        cdef Py_ssize_t mark = self.o.len
        cdef Py_ssize_t i
        cdef tuple kv = keys_and_values
        if len(kv) & 1:
            raise TypeError("pairs() takes keys and values in pairs, "
                            f"not {len(kv)} arguments")
        try:
            for i in range(0, len(kv), 2):
                text = kv[i + 1]
                if text is None:
                    continue
                if U_EXACT(text):
                    _o_quoted_pair(&self.o, _as_text(kv[i]), <str>text, True)
                else:
                    # As pair(): escaped first, then written as it is.
                    _o_quoted_pair(&self.o, _as_text(kv[i]), _as_text(_twin().esc(text)), False)
        except BaseException:
            self.o.len = mark
            raise

    def getvalue(self):
        return _o_value(&self.o)



# ------------------------------------------------------------------ XmlWriter

@cython.boundscheck(True)      # attrs come from callers: a short pair must raise
@cython.wraparound(True)
cdef int _o_attrs(Out* o, object attrs) except -1:
    cdef bint raw
    if type(attrs) is tuple and len(<tuple>attrs) == 0:
        return 0
    for a in attrs:
        raw = len(a) == 3 and bool(a[2])
        _o_char(o, 32)
        _o_str(o, _as_text(a[0]))
        _o_ascii(o, b"='", 2)
        val = a[1]
        if raw:
            _o_str(o, _as_text(val))
        elif U_EXACT(val):
            _o_xml(o, <str>val)
        else:
            _o_str(o, _as_text(_twin().xml_escape(val)))
        _o_char(o, 39)
    return 0


# A template's text is parsed by the twin (one grammar, one parser) and
# kept here as an array of steps the writer runs through.
from ._pyemit import _parse_template, _wrong_count, _xml_value
from cpython.mem cimport PyMem_Malloc, PyMem_Free

cdef enum:
    STEP_LINE = 0       # a line starts; arg: how many placeholders it has
    STEP_TEXT = 1       # literal text
    STEP_VALUE = 2      # a value; arg: 1 if raw
    STEP_ATTR = 3       # an attribute (text: " name='") and its value; arg: 1 if raw
    STEP_END = 4        # the line ends


cdef struct Step:
    int kind
    Py_ssize_t arg
    PyObject* text      # borrowed from the template's lines


cdef class XmlTemplate:
    """Lines of XML with placeholders, read once and filled by
    :meth:`XmlWriter.line` (see there for the rules).

    ``{}`` is a value passed through :func:`xml_escape`, ``{raw}`` one
    written as it is (libvirt printed some values unescaped).  Each line of
    the text is written after the writer's indentation and ends with a
    newline.
    """

    cdef readonly str text
    cdef readonly Py_ssize_t count
    cdef readonly tuple lines
    cdef Step* steps
    cdef Py_ssize_t nsteps
    # The twin's template of the same text, when a twin writer is handed
    # this one (a benchmark swaps engines).
    cdef public object _other

    def __cinit__(self, text):
        self.steps = NULL

    def __init__(self, text):
        cdef Py_ssize_t n = 0, i = 0
        self.lines, self.count = _parse_template(text)
        self.text = text
        for count, items in self.lines:
            n += len(items) + 2
        self.steps = <Step*>PyMem_Malloc(n * sizeof(Step))
        if self.steps == NULL:
            raise MemoryError()
        for count, items in self.lines:
            self.steps[i].kind = STEP_LINE
            self.steps[i].arg = count
            i += 1
            for item in items:
                if type(item) is str:
                    self.steps[i].kind = STEP_TEXT
                    self.steps[i].text = <PyObject*>item
                    self.steps[i].arg = 0
                else:
                    self.steps[i].kind = STEP_ATTR if item[2] else STEP_VALUE
                    self.steps[i].text = <PyObject*>item[0]
                    self.steps[i].arg = 1 if item[1] else 0
                i += 1
            self.steps[i].kind = STEP_END
            self.steps[i].arg = 0
            i += 1
        self.nsteps = n

    def __dealloc__(self):
        PyMem_Free(self.steps)

    def __repr__(self):
        return f"XmlTemplate({self.text!r})"


cdef XmlTemplate _own_template(object template):
    """``_pyemit._own_template``: this engine's template for a text or for
    the twin's template (kept on the latter)."""
    cdef object other
    if U_CHECK(template):
        return XmlTemplate(template)
    other = getattr(template, "_other", None)
    if type(other) is not XmlTemplate:
        other = XmlTemplate(getattr(template, "text", template))
        template._other = other
    return <XmlTemplate>other


cdef int _o_template_value(Out* o, object value, bint raw) except -1:
    if U_EXACT(value):
        if raw:
            return _o_str(o, <str>value)
        return _o_xml(o, <str>value)
    if type(value) is int:
        return _o_int(o, value)
    # The twin's rule (str subclasses) or its TypeError.
    return _o_str(o, _xml_value(value, raw))


cdef int _o_template(Out* o, XmlTemplate t, tuple values, Py_ssize_t indent) except -1:
    """``_pyemit._fill``: the lines of ``t`` filled with ``values``, leaving
    out what None leaves out (see XmlWriter.line)."""
    cdef Py_ssize_t n = 0, first = 0, mark = 0, count = 0, i = 0
    cdef bint written = False
    cdef Step* step
    if len(values) != t.count:
        raise _wrong_count(t, len(values))
    while i < t.nsteps:
        step = &t.steps[i]
        i += 1
        if step.kind == STEP_TEXT:
            _o_str(o, <str>step.text)
        elif step.kind == STEP_LINE:
            mark = o.len
            first = n
            count = step.arg
            written = False
            _o_spaces(o, indent)
        elif step.kind == STEP_END:
            if count and not written:
                # An element none of whose attributes has a value.
                o.len = mark
            else:
                _o_char(o, 10)
        else:
            value = <object>PyTuple_GET_ITEM(values, n)
            n += 1
            if step.kind == STEP_ATTR:
                if value is not None:
                    _o_str(o, <str>step.text)
                    _o_template_value(o, value, step.arg)
                    _o_char(o, 39)
                    written = True
            elif value is None:
                # A text without its value: the whole line is left out.
                o.len = mark
                n = first + count
                while t.steps[i].kind != STEP_END:
                    i += 1
                i += 1
            else:
                _o_template_value(o, value, step.arg)
                written = True
    return 0


cdef class XmlWriter:
    """A text buffer that writes XML in libvirt's layout.

    Two spaces of indentation per level, every element on its own line,
    single-quoted attributes.  ``attrs`` is a sequence of ``(name, value)``
    pairs escaped with :func:`xml_escape`, or ``(name, value, True)`` for a
    value libvirt writes raw.

    :meth:`line`, :meth:`start_line` and :meth:`end_line` write whole lines
    from an :class:`XmlTemplate` (or its text) in one call each.
    """

    cdef Out o
    cdef Py_ssize_t depth

    def __cinit__(self):
        _o_init(&self.o)
        self.depth = 0

    def __dealloc__(self):
        _o_free(&self.o)

    cdef int _open(self, str tag, object attrs) except -1:
        """Indentation, ``<tag`` and the attributes; all or nothing."""
        cdef Py_ssize_t mark = self.o.len
        try:
            _o_spaces(&self.o, 2 * self.depth)
            _o_char(&self.o, 60)
            _o_str(&self.o, tag)
            _o_attrs(&self.o, attrs)
        except BaseException:
            self.o.len = mark
            raise
        return 0

    def start(self, tag, attrs=()):
        """``<tag ...>`` and a new level."""
        self._open(_as_text(tag), attrs)
        _o_ascii(&self.o, b">\n", 2)
        self.depth += 1

    def end(self, tag):
        """``</tag>`` closing the current level."""
        self.depth -= 1
        cdef str t = _as_text(tag)
        _o_spaces(&self.o, 2 * self.depth)
        _o_ascii(&self.o, b"</", 2)
        _o_str(&self.o, t)
        _o_ascii(&self.o, b">\n", 2)

    def empty(self, tag, attrs=()):
        """``<tag .../>``"""
        self._open(_as_text(tag), attrs)
        _o_ascii(&self.o, b"/>\n", 3)

    def text(self, tag, text, attrs=()):
        """``<tag ...>escaped text</tag>``"""
        cdef str t = _as_text(tag)
        cdef Py_ssize_t mark = self.o.len
        self._open(t, attrs)
        try:
            _o_char(&self.o, 62)
            if U_EXACT(text):
                _o_xml(&self.o, <str>text)
            else:
                _o_str(&self.o, _as_text(_twin().xml_escape(text)))
        except BaseException:
            self.o.len = mark
            raise
        _o_ascii(&self.o, b"</", 2)
        _o_str(&self.o, t)
        _o_ascii(&self.o, b">\n", 2)

    cdef int _fill(self, object template, tuple values, Py_ssize_t depth) except -1:
        """All of the template's lines or, on an error, none."""
        cdef Py_ssize_t mark = self.o.len
        if type(template) is not XmlTemplate:
            template = _own_template(template)
        try:
            _o_template(&self.o, <XmlTemplate>template, values, 2 * depth)
        except BaseException:
            self.o.len = mark
            raise
        return 0

    def line(self, template, *values):
        """The lines of ``template`` at the current level, its placeholders
        filled with ``values`` in order (a ``str``, an ``int``, or None).

        None means absent, as libvirt's formatter skipped a NULL string: an
        attribute (`` name='{}'``) whose value is None is left out; a line
        is left out when another placeholder's value is None, or when all
        its placeholders are attributes and none has a value.
        """
        self._fill(template, values, self.depth)

    def start_line(self, template, *values):
        """:meth:`line`, then a new level."""
        self._fill(template, values, self.depth)
        self.depth += 1

    def end_line(self, template, *values):
        """Back one level, then :meth:`line`."""
        self._fill(template, values, self.depth - 1)
        self.depth -= 1

    def getvalue(self):
        return _o_value(&self.o)
