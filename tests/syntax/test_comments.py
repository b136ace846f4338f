"""``first_comment``: where the xend reader's first ``#`` comment starts, told
by the tokenizer (a ``#`` inside a quoted atom, written as an escape, or
inside a bare atom is no comment).  fmt asks it before dropping anything.

Every test runs on the compiled engine and on its pure-Python twin.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastsexpr import SexprSyntaxError


@pytest.mark.parametrize("text, where", [
    ("(domain (name a))", None),
    ("", None),
    ("# managed by hand\n(domain)", 0),
    ("(domain (name a)) # note", 18),
    ('(domain (name "\\x23")) # note', 23),      # the escape is no comment; the note is
    ("(domain (name '#'))", None),
    ('(a "q\\"#")', None),                      # an escaped quote does not end the atom
    ("(a#b c#)", None),                         # a bare atom goes on past '#'
    ("(a 'x'#c\n)", 6),                         # after a quoted atom, a comment may start
    ("(a\t#c\n b)", 3),
    ("(a)\x0b#c", 4),                           # VT and FF are white space to xend
    ("(é) # x", 4),                             # positions count characters
    ("(€ 😀) # x", 6),
])
def test_first_comment(impl, text, where):
    assert impl.first_comment(text) == where
    assert impl.first_comment(text.encode("utf-8")) == where


def test_first_comment_unterminated_string(impl):
    with pytest.raises(SexprSyntaxError) as info:
        impl.first_comment("(a 'b # c)", source="g.sxp")
    assert info.value.msg == "unterminated string" and info.value.pos == 3
    assert info.value.source == "g.sxp"


def test_first_comment_needs_text(impl):
    with pytest.raises(TypeError):
        impl.first_comment(12)


_bare = st.text("abz09._-#é€", min_size=1, max_size=6).filter(lambda s: s[0] != "#")
_quoted = st.builds(lambda q, body: q + body.replace("\\", "\\\\").replace(q, "\\" + q) + q,
                    st.sampled_from("'\""), st.text("ab #()'\"\\\n😀", max_size=6))
_escaped_hash = st.just('"\\x23"')
_token = st.one_of(_bare, _quoted, _escaped_hash, st.sampled_from(["(", ")"]))
_space = st.sampled_from([" ", "\n", "\t", "  "])


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=st.lists(st.tuples(_token, _space), max_size=12),
       comment=st.one_of(st.none(), st.text("ab #'\"(", max_size=8)),
       after=st.lists(st.tuples(_token, _space), max_size=4))
def test_first_comment_finds_the_comment_put_there(impl, before, comment, after):
    text = "".join(tok + sp for tok, sp in before)
    where = None
    if comment is not None:
        where = len(text)
        text += "#" + comment + "\n"
    text += "".join(tok + sp for tok, sp in after)
    assert impl.first_comment(text) == where
