"""The public documentation of the engine's functions, written once for both
engines: syntax/__init__ gives it to whichever engine is live."""
from __future__ import annotations

PUBLIC_DOCS = {
    "loads": """Read one SEXPR expression from text or UTF-8 bytes.

    ``dialect="xend"`` (default) reads xend's own syntax: ``'`` and ``"``
    quotes with backslash escapes, ``#`` comments; anything after the first
    expression is an error.  ``dialect="libvirt"`` reads exactly as libvirt
    1.2.10 did: ``'`` quotes kept raw, a missing ``)`` at the end closes the
    open lists, text after the first expression is ignored.  ``source`` (a
    file name) only appears in error messages.

    Returns the tree: an atom is a ``str``, a list a ``list``.

    Raises :class:`~fastsexpr.SexprSyntaxError` (with ``pos``, ``lineno``,
    ``colno`` and a caret) for text that cannot be read, ``TypeError`` for
    input that is neither text nor bytes, ``ValueError`` for an unknown
    dialect.

    >>> loads("(domain (name web1) (memory 512))")
    ['domain', ['name', 'web1'], ['memory', '512']]
    >>> loads("(domain (name 'a b'", dialect="libvirt")
    ['domain', ['name', 'a b']]
    """,
    "loads_all": """Read every top-level expression of text or UTF-8 bytes
    (an ``xm list --long`` dump) into a list of trees.

    The dialects are those of :func:`loads`; with ``dialect="libvirt"`` a
    ``)`` with no list open is skipped, as libvirt's reader skipped it.

    Raises :class:`~fastsexpr.SexprSyntaxError` as :func:`loads` does.

    >>> loads_all("(domain (name a)) (domain (name b))")
    [['domain', ['name', 'a']], ['domain', ['name', 'b']]]
    """,
    "record_spans": """Where each top-level expression of text or UTF-8 bytes
    lies as libvirt's reader reads it (``loads_all(data, dialect="libvirt")``).

    Returns a list of ``(start, end, unclosed)``: character offsets into the
    decoded text, and the number of lists still open at the end of the text,
    which libvirt's reader closed there (that expression then ends at the end
    of the text: a record lacking its final ``)`` takes in what follows).
    Between two expressions lie only white space and ``)`` that close no
    list.  Unlike libvirt's reader, a NUL character does not end the text:
    it is read as any other character, so that the expressions after it are
    found (the caller decides what a NUL inside one means).  ``start`` and
    ``end`` read a part of the text as if it were the whole.  With
    ``trees=True`` each tuple also holds the expression's tree, last, so a
    caller that needs both reads the text once.

    Raises :class:`~fastsexpr.SexprSyntaxError` where :func:`loads` does
    (positions in the whole text), ``TypeError`` for input that is neither
    text nor bytes, ``ValueError`` for ``start`` or ``end`` out of range.

    >>> record_spans("(domain (name a))\\n(domain (name b)")
    [(0, 17, 0), (18, 34, 1)]
    >>> record_spans("(domain (name a))", trees=True)
    [(0, 17, 0, ['domain', ['name', 'a']])]
    """,
    "iterload": """Yield every top-level expression of a text or binary
    file object (an ``xm list --long`` dump), reading it a part at a time.

    What :func:`loads_all` gives for the file's whole content (binary files
    are read as UTF-8), in the same ``dialect``, but memory is bounded by the
    longest expression and one read, not the file: each expression is
    yielded once it is read.  A syntax error names the file and gives its
    position in the whole file (``pos``, ``lineno``, ``colno``), as
    :func:`loads_all` does; the expressions before it have been yielded
    by then.

    Raises :class:`~fastsexpr.SexprSyntaxError` for text that cannot be
    read or bytes that are not UTF-8, ``ValueError`` for an unknown
    dialect (at once), ``TypeError`` when ``read`` gives neither text nor
    bytes.

    >>> import io
    >>> [value(t, "domain/name") for t in iterload(io.StringIO("(domain (name a))(domain (name b))"))]
    ['a', 'b']
    """,
    "first_comment": """Where the first ``#`` comment of xend-dialect text
    starts (a character index into the decoded text), or None when it has
    none.

    The tokens are walked as the xend reader reads them, without building
    anything: a ``#`` inside a quoted atom, written as an escape
    (``\\x23``) or inside a bare atom is no comment.  For text that
    :func:`loads_all` reads, this is exactly where its first skipped comment
    starts.  ``source`` (a file name) only appears in error messages.

    Raises :class:`~fastsexpr.SexprSyntaxError` for an unterminated quoted
    atom and for bytes that are not UTF-8, ``TypeError`` for input that is
    neither text nor bytes.

    >>> first_comment("(domain (name 'a#b')) # kept by hand")
    22
    >>> first_comment("(domain (tag c#)) ") is None
    True
    """,
    "dumps": """Write a tree as SEXPR text that :func:`loads` reads back to
    the same tree.

    Compact by default.  With ``indent=N``, from the first list member of a
    list on, every member starts a new line indented N spaces per depth; the
    atoms before it stay on the opening line.  Atoms that need it are
    quoted and escaped.

    Returns the text.  Raises ``TypeError`` for anything but ``str`` and
    ``list`` in the tree, ``ValueError`` for a bad ``indent``.

    >>> dumps(["domain", ["name", "web 1"], ["memory", "512"]])
    "(domain (name 'web 1') (memory 512))"
    >>> print(dumps(["domain", ["name", "a"], ["image", ["linux", ["kernel", "/k"]]]], indent=2))
    (domain
      (name a)
      (image
        (linux
          (kernel /k))))
    """,
    "find_key": """The ``(key ...)`` list at ``path``, or None.

    ``path`` is ``/``-separated: its first token must be the head of
    ``node``, and each next token picks the *first* member list whose head
    atom equals it (a second ``(image ...)`` is never seen), as libvirt's
    lookups did.  Never raises for a tree.

    >>> tree = loads("(domain (image (hvm (kernel /k))) (image (linux)))")
    >>> find_key(tree, "domain/image/hvm")
    ['hvm', ['kernel', '/k']]
    >>> find_key(tree, "domain/image/linux") is None
    True
    """,
    "has": """Whether :func:`find_key` finds a list at ``path``, even one
    with no value such as ``(hpet)``.  Never raises for a tree.

    >>> has(loads("(domain (hpet))"), "domain/hpet")
    True
    """,
    "lookup": """The tail of the key list at ``path`` (its members after the
    head) if it has any, else None.  Never raises for a tree.

    >>> lookup(loads("(domain (cpus 0 1))"), "domain/cpus")
    ['0', '1']
    >>> lookup(loads("(domain (hpet))"), "domain/hpet") is None
    True
    """,
    "value": """The first tail member at ``path`` if it is an atom, else
    None (absent key, ``(key)``, or a list where the value would be).
    Never raises for a tree.

    >>> value(loads("(domain (memory 512))"), "domain/memory")
    '512'
    >>> value(loads("(domain (memory ''))"), "domain/memory")
    ''
    """,
    "nonempty_value": """Like :func:`value`, but the empty atom counts as
    absent (``value_copy`` in libvirt and in the spec).  Never raises for a
    tree.

    >>> nonempty_value(loads("(domain (name ''))"), "domain/name") is None
    True
    >>> nonempty_value(loads("(domain (name web1))"), "domain/name")
    'web1'
    """,
    "strtol": """C's ``strtol`` (or, with ``unsigned``, ``strtoull``) with
    base 0 over the whole string: C white space first, a sign, ``0x`` for
    hex and a leading ``0`` for octal.

    Returns the integer, or None when the string is not entirely a number
    (no digits, trailing characters, more than 64 bits); never raises for a
    ``str`` or None.  With ``unsigned`` a leading ``-`` wraps modulo 2**64.

    >>> strtol("0x1b"), strtol("010"), strtol("12abc")
    (27, 8, None)
    >>> strtol("-1", True)
    18446744073709551615
    """,
    "to_int": """The spec's ``int`` reading of a value: :func:`strtol` that
    also fits 32 signed bits; any failure (or None) gives 0, as libvirt's
    did.  Never raises for a ``str`` or None.

    >>> to_int("6"), to_int("08"), to_int("4294967296"), to_int(None)
    (6, 0, 0, 0)
    """,
    "to_u64": """The spec's ``u64`` reading of a value: unsigned 64-bit
    :func:`strtol`, ``-1`` wrapping to 2**64 - 1; any failure (or None)
    gives 0.  Never raises for a ``str`` or None.

    >>> to_u64("4294967296"), to_u64("-1"), to_u64("1.0")
    (4294967296, 18446744073709551615, 0)
    """,
}
PUBLIC_DOCS["value_copy"] = PUBLIC_DOCS["nonempty_value"]
