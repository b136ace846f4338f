"""Writing SEXPR and XML text: ``dumps``, ``esc``, ``xml_escape`` and the emitters.

Expected texts are written out by hand from the rules in the engine's
docstrings and SEXPR.md section 5.
"""
from __future__ import annotations

import pytest


# -------------------------------------------------------------------- dumps

@pytest.mark.parametrize("tree,text", [
    (["a", "b"], "(a b)"),
    ([], "()"),
    ([[]], "(())"),
    (["cpus", [[]]], "(cpus (()))"),
    (["x", ["y"], "z"], "(x (y) z)"),
    ("atom", "atom"),
    ("", "''"),
    (["a", ""], "(a '')"),
    (["a b", "x(y", "x)y", "#c", "a#"], "('a b' 'x(y' 'x)y' '#c' 'a#')"),
    (["it's", "back\\slash", 'say "hi"'], "('it\\'s' 'back\\\\slash' 'say \"hi\"')"),
    (["tab\t", "nl\n", "cr\r"], "('tab\\t' 'nl\\n' 'cr\\r')"),
    (["\x00", "\x01x", "\x0b", "\x0c", "\x1f", "\x7f"],
     "('\\x00' '\\x01x' '\\x0b' '\\x0c' '\\x1f' '\\x7f')"),
    (["é", "中文", "😀", "/usr/lib/xen/boot/hvmloader", "a-b_c.d:e/f=g,h"],
     "(é 中文 😀 /usr/lib/xen/boot/hvmloader a-b_c.d:e/f=g,h)"),
    (["é b"], "('é b')"),
])
def test_dumps_compact(impl, tree, text):
    assert impl.dumps(tree) == text
    assert impl.loads(text) == tree


def test_dumps_indent_layout(impl):
    tree = ["domain", ["name", "x"], ["memory", "512"],
            ["image", ["linux", ["kernel", "/k"], ["args", "a b"]]]]
    assert impl.dumps(tree, indent=2) == (
        "(domain\n"
        "  (name x)\n"
        "  (memory 512)\n"
        "  (image\n"
        "    (linux\n"
        "      (kernel /k)\n"
        "      (args 'a b'))))")
    assert impl.loads(impl.dumps(tree, indent=2)) == tree


@pytest.mark.parametrize("tree,indent,text", [
    (["a", "b"], 4, "(a b)"),                        # atoms only: one line
    (["a", ["b"], "c"], 1, "(a\n (b)\n c)"),         # atoms after a list break too
    (["a", ["b"], "c"], 0, "(a\n(b)\nc)"),
    ([["x"]], 2, "(\n  (x))"),
    ([], 2, "()"),
    ("a b", 2, "'a b'"),
    (["a", "b", ["c", ["d", "e"]], "f"], 3,
     "(a b\n   (c\n      (d e))\n   f)"),
])
def test_dumps_indent_rules(impl, tree, indent, text):
    assert impl.dumps(tree, indent=indent) == text


@pytest.mark.parametrize("indent", [-1, True, 1.5, "2"])
def test_dumps_bad_indent(impl, indent):
    with pytest.raises(ValueError, match="indent must be a non-negative int or None"):
        impl.dumps(["a"], indent=indent)


@pytest.mark.parametrize("tree,name", [
    (None, "NoneType"), (5, "int"), (("a",), "tuple"),
    (["a", 5], "int"), (["a", ["b", ("c",)]], "tuple"), ([b"x"], "bytes"),
])
def test_dumps_rejects_other_types(impl, tree, name):
    with pytest.raises(TypeError, match=f"SEXPR lists must be list, not {name}"):
        impl.dumps(tree)


# -------------------------------------------------------------- esc, xml_escape

@pytest.mark.parametrize("text,out", [
    ("/root/'\\some.img", "/root/\\'\\\\some.img"),   # SEXPR.md's xml2sexpr-escape
    ("plain text (x) \"q\"\n", "plain text (x) \"q\"\n"),
    ("", ""),
    ("''", "\\'\\'"),
    ("é'中\\😀", "é\\'中\\\\😀"),
])
def test_esc(impl, text, out):
    assert impl.esc(text) == out


@pytest.mark.parametrize("text,out", [
    ("a<b", "a&lt;b"),
    ("x & \"y\" 'z' >", "x &amp; &quot;y&quot; &apos;z&apos; &gt;"),
    ("plain\x01text", "plain\x01text"),           # no special: copied unchanged
    ("a\x01<b\x1f", "a&lt;b"),                     # a special: controls dropped
    ("\t<\n\r\x00\x0b", "\t&lt;\n\r"),
    ("é<中😀>", "é&lt;中😀&gt;"),
    ("", ""),
    ("\x7f&", "\x7f&amp;"),                        # DEL is not dropped
])
def test_xml_escape(impl, text, out):
    assert impl.xml_escape(text) == out


# --------------------------------------------------------------- SexprWriter

def test_sexpr_writer(impl):
    w = impl.SexprWriter()
    w.raw("(domain ")
    w.pair("name", "it's")
    w.pair_unescaped("uuid", "a\\b")
    w.pair_unquoted("memory", 512)
    w.pair_int("vcpus", "2")
    w.pair_int("maxmem", 4294967296)
    w.pair_int("shadow", -3)
    w.pair_int("localtime", True)
    w.esc("a'b\\")
    w.raw(")")
    assert w.getvalue() == (
        "(domain (name 'it\\'s')(uuid 'a\\b')(memory 512)(vcpus 2)"
        "(maxmem 4294967296)(shadow -3)(localtime 1)a\\'b\\\\)")


def test_sexpr_writer_big_numbers_and_keys(impl):
    w = impl.SexprWriter()
    w.pair_int("n", 2 ** 70)
    w.pair_int("m", -(2 ** 63))
    w.pair_unquoted(5, "x")
    assert w.getvalue() == f"(n {2 ** 70})(m {-(2 ** 63)})(5 x)"


def test_sexpr_writer_wide_characters(impl):
    w = impl.SexprWriter()
    w.pair("a", "é")
    w.pair("b", "中'")
    w.raw(" ")
    w.pair("c", "😀\\")
    w.pair_unescaped("d", "x")
    assert w.getvalue() == "(a 'é')(b '中\\'') (c '😀\\\\')(d 'x')"
    assert w.getvalue() == w.getvalue()           # reading does not reset


def test_sexpr_writer_errors(impl):
    w = impl.SexprWriter()
    w.raw("(a)")
    with pytest.raises(TypeError):
        w.raw(5)
    with pytest.raises(ValueError):
        w.pair_int("n", "x")
    with pytest.raises((TypeError, AttributeError)):
        w.pair("k", None)
    assert w.getvalue() == "(a)"
    assert impl.SexprWriter().getvalue() == ""


def test_sexpr_writer_write_escapes_every_second_part(impl):
    w = impl.SexprWriter()
    w.write("(dev '", "it's", "')(uname '", "file:/a\\b", "')")
    w.write()
    w.write("(mode 'w')")
    w.write("(", "é中😀'", " x)", "")
    assert w.getvalue() == ("(dev 'it\\'s')(uname 'file:/a\\\\b')(mode 'w')"
                            "(é中😀\\' x)")


def test_sexpr_writer_pairs_skip_absent_values(impl):
    w = impl.SexprWriter()
    w.pairs("kernel", "/k'1", "ramdisk", None, "root", "", "args", "a\\b")
    w.pairs()
    assert w.getvalue() == "(kernel '/k\\'1')(root '')(args 'a\\\\b')"


def test_sexpr_writer_batches_are_all_or_nothing(impl):
    w = impl.SexprWriter()
    w.raw("(a)")
    with pytest.raises(TypeError):
        w.write("(b '", "x", "')", "y", 5)
    with pytest.raises((TypeError, AttributeError)):
        w.write("(b '", 5, "')")
    with pytest.raises(TypeError):
        w.pairs("k", "v", "odd")
    with pytest.raises((TypeError, AttributeError)):
        w.pairs("k", "v", "n", 5)
    assert w.getvalue() == "(a)"


# ----------------------------------------------------------------- XmlWriter

def test_xml_writer_layout(impl):
    w = impl.XmlWriter()
    w.start("domain", [("type", "xen"), ("id", "3")])
    w.text("name", "a<b")
    w.empty("disk", [("file", "/x'y"), ("raw", "<&>", True), ("esc", "<", False)])
    w.text("description", "x", (("lang", "en"),))
    w.start("devices")
    w.text("empty", "")
    w.end("devices")
    w.end("domain")
    assert w.getvalue() == (
        "<domain type='xen' id='3'>\n"
        "  <name>a&lt;b</name>\n"
        "  <disk file='/x&apos;y' raw='<&>' esc='&lt;'/>\n"
        "  <description lang='en'>x</description>\n"
        "  <devices>\n"
        "    <empty></empty>\n"
        "  </devices>\n"
        "</domain>\n")


def test_xml_writer_quirk_and_wide_text(impl):
    w = impl.XmlWriter()
    w.text("a", "x\x01y")
    w.text("b", "x\x01<y")
    w.empty("c", [("v", "é中😀&")])
    assert w.getvalue() == "<a>x\x01y</a>\n<b>x&lt;y</b>\n<c v='é中😀&amp;'/>\n"


def test_xml_writer_failed_call_writes_nothing(impl):
    w = impl.XmlWriter()
    w.start("domain")
    with pytest.raises(IndexError):
        w.start("bad", [("a", "1"), ("b",)])
    with pytest.raises(TypeError):
        w.text("bad", 5)
    w.empty("ok")
    w.end("domain")
    assert w.getvalue() == "<domain>\n  <ok/>\n</domain>\n"


# ----------------------------------------------------- XmlWriter templates

def test_xml_template_lines_fill_in_one_call(impl):
    w = impl.XmlWriter()
    w.start_line("<domain type='{}' id='{}'>", "xen", 3)
    w.line("<name>{}</name>\n<uuid>{raw}</uuid>", "a<b", "<&>")
    w.start_line(impl.XmlTemplate("<devices>"))
    w.line("<disk file='{}'/>", "/x'y")
    w.end_line("</devices>")
    w.end_line("</domain>")
    assert w.getvalue() == (
        "<domain type='xen' id='3'>\n"
        "  <name>a&lt;b</name>\n"
        "  <uuid><&></uuid>\n"
        "  <devices>\n"
        "    <disk file='/x&apos;y'/>\n"
        "  </devices>\n"
        "</domain>\n")


def test_xml_template_none_leaves_out_its_attribute_or_line(impl):
    # libvirt's formatter skipped a NULL string: an attribute goes, a text
    # line goes whole (with the values it would have taken), and so does an
    # element left with none of its attributes.
    t = impl.XmlTemplate("<driver name='{raw}' type='{}'/>\n<kernel>{}</kernel>\n"
                         "<initrd>{}</initrd>\n<type arch='{}'>{}</type>\n<a>{}</a><b x='{}'/>")
    w = impl.XmlWriter()
    w.start_line("<os>")
    w.line(t, None, "raw", None, "/i&", None, "hvm", "1", "2")
    w.line(t, "file", None, "/k", None, "x86_64", "xen", "1", None)
    w.line(t, None, None, None, None, None, None, None, None)
    assert w.getvalue() == (
        "<os>\n"
        "  <driver type='raw'/>\n"
        "  <initrd>/i&amp;</initrd>\n"
        "  <type>hvm</type>\n"
        "  <a>1</a><b x='2'/>\n"
        "  <driver name='file'/>\n"
        "  <kernel>/k</kernel>\n"
        "  <type arch='x86_64'>xen</type>\n"
        "  <a>1</a><b/>\n")


def test_xml_template_keeps_the_escape_quirk_and_wide_text(impl):
    w = impl.XmlWriter()
    w.line("<a>{}</a>\n<b>{}</b>\n<c v='{}'/>", "x\x01y", "x\x01<y", "é中😀&")
    assert w.getvalue() == "<a>x\x01y</a>\n<b>x&lt;y</b>\n<c v='é中😀&amp;'/>\n"


@pytest.mark.parametrize("template,values,error", [
    ("<a>{}</a>", (), TypeError),                 # too few values
    ("<a>{}</a>", ("x", "y"), TypeError),         # too many
    ("<a>{}</a>", (1.5,), TypeError),             # neither str, int nor None
    ("<a>{}</a>", (True,), TypeError),
    ("<a>{x}</a>", ("x",), ValueError),           # an unknown placeholder
    (b"<a/>", (), TypeError),                     # a template that is not text
])
def test_xml_template_failed_call_writes_nothing(impl, template, values, error):
    w = impl.XmlWriter()
    w.start_line("<domain>")
    with pytest.raises(error):
        w.line("<ok/>\n" + template if isinstance(template, str) else template, *values)
    w.end_line("</domain>")
    assert w.getvalue() == "<domain>\n</domain>\n"


def test_xml_template_errors_alike_in_both_engines():
    from fastsexpr.syntax import _pycore
    compiled = pytest.importorskip("fastsexpr.syntax._core")
    for template, values in (("<a>{}</a>", ()), ("<a>{}</a>", (1.5,))):
        messages = []
        for engine in (compiled, _pycore):
            with pytest.raises(TypeError) as info:
                engine.XmlWriter().line(template, *values)
            messages.append(str(info.value))
        assert messages[0] == messages[1]


def test_xml_template_shared_between_threads_fills_alike(impl):
    # A template is shared module state; its first fills may race.
    from concurrent.futures import ThreadPoolExecutor
    template = impl.XmlTemplate("<a n='{}' m='{raw}'>{}</a>")

    def fill(i):
        w = impl.XmlWriter()
        w.line(template, str(i), None, "<&>")
        return w.getvalue()

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(fill, range(200)))
    assert results == [f"<a n='{i}'>&lt;&amp;&gt;</a>\n" for i in range(200)]


def test_each_engine_writes_the_other_engines_templates():
    # A benchmark swaps the writer of libvirt_xml for the other engine's
    # while the templates stay those made at import.
    from fastsexpr.syntax import _pycore
    compiled = pytest.importorskip("fastsexpr.syntax._core")
    text = "<a n='{}'>{raw}</a>\n<b>{}</b>"
    for maker, writer in ((compiled, _pycore), (_pycore, compiled)):
        template = maker.XmlTemplate(text)
        for _ in range(2):          # the second time from what the first kept
            w = writer.XmlWriter()
            w.line(template, "<", "&", None)
            assert w.getvalue() == "<a n='&lt;'>&</a>\n"
