"""Dumps of several domain records (``xm list --long``): every record is
converted or reported, never silently lost, and every leniency of libvirt's
reader is said (a warning) or refused (``strict=True``).

The records are written as ``xm list --long`` prints them: each starts a
line with ``(domain``, its keys indented below it.
"""
from __future__ import annotations

import pickle
import re
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fastsexpr
from fastsexpr import (
    ConversionError, FastSexprError, FastSexprWarning, SexprSyntaxError, iter_domains,
    sexpr_to_xml,
)

from conftest import xm_list_record as record
from corpus import CORPUS, documents, load_fixture, needs_corpus, rows



LINES = record("x").count("\n")     # each record starts LINES lines after the one before


def cut(text: str, closers: int = 1) -> str:
    """``text`` without its last ``closers`` closing parentheses (a paste cut short)."""
    body = text.rstrip("\n")
    assert body.endswith(")" * closers)
    return body[:-closers] + "\n"


def names(domains) -> list:
    return [d.name for d in domains]


def collect(text, **kw):
    """(domains, errors, warnings) of iter_domains with collecting callbacks."""
    errors, warned = [], []
    domains = list(iter_domains(text, on_error=errors.append, on_warning=warned.append, **kw))
    return domains, errors, warned


# ------------------------------------------------------------- plain dumps

def test_every_record_of_a_dump_becomes_a_domain():
    text = "".join(record(n, k) for k, n in enumerate(["web", "db", "cache"], 1))
    domains, errors, warned = collect(text)
    assert names(domains) == ["web", "db", "cache"] and not errors and not warned
    # each is what converting its record alone gives
    for k, name in enumerate(["web", "db", "cache"], 1):
        assert fastsexpr.write_xml(domains[k - 1]) == sexpr_to_xml(record(name, k))


def test_bytes_and_a_byte_order_mark():
    text = record("web", 1) + record("db", 2)
    assert names(iter_domains(text.encode())) == ["web", "db"]
    assert names(iter_domains(b"\xef\xbb\xbf" + text.encode())) == ["web", "db"]


def test_xend_config_version_is_passed_on():
    # xend 3.0.2 and older (version 1) needed a domid; a record without one
    # is refused there and read at version 4.
    text = record("web", 1).replace("  (domid 1)\n", "")
    assert names(iter_domains(text)) == ["web"]
    with pytest.raises(ConversionError, match="missing id"):
        list(iter_domains(text, xend_config_version=1))


# ------------------------------------------- a record lacking its final ')'

def test_record_lacking_its_last_paren_no_longer_swallows_the_records_after_it():
    # libvirt's reader closes the first record at the end of the text: the
    # three records after it became part of it and were lost.
    text = cut(record("a", 1)) + record("b", 2) + record("c", 3) + record("d", 4)
    domains, errors, warned = collect(text)
    assert names(domains) == ["a", "b", "c", "d"] and not errors
    assert len(warned) == 1
    msg = str(warned[0])
    assert msg.startswith("record at line 1 lacks 1 closing ')': closed at the end of the "
                          "record, as libvirt did")
    assert f"lines {1 + LINES}, {1 + 2 * LINES} and {1 + 3 * LINES}" in msg
    assert "4 records" in msg
    assert warned[0].lineno == 1 and warned[0].record == 1
    # the swallowed records convert as they would alone
    assert fastsexpr.write_xml(domains[2]) == sexpr_to_xml(record("c", 3))


def test_swallowing_record_is_repaired_like_libvirt_did():
    # The record cut short converts as libvirt closed it.
    text = cut(record("a", 1)) + record("b", 2)
    with pytest.warns(FastSexprWarning):
        first = next(iter_domains(text))
    assert fastsexpr.write_xml(first) == sexpr_to_xml(record("a", 1))


def test_warnings_go_to_the_warnings_module_by_default():
    text = cut(record("a", 1)) + record("b", 2)
    with pytest.warns(FastSexprWarning, match=r"^record at line 1 lacks 1 closing '\)'") as rec:
        assert names(iter_domains(text)) == ["a", "b"]
    assert len(rec) == 1
    # the warning points at the caller's line, not into the library
    assert rec[0].filename == __file__


def test_last_record_lacking_parens():
    text = record("a", 1) + cut(record("b", 2), 3)
    domains, errors, warned = collect(text)
    assert names(domains) == ["a", "b"] and not errors
    assert [str(w) for w in warned] == [
        f"record at line {1 + LINES} lacks 3 closing ')': closed at the end of the record, "
        "as libvirt did"]


def test_strict_refuses_the_record_and_converts_the_others():
    text = cut(record("a", 1)) + record("b", 2) + record("c", 3)
    domains, errors, warned = collect(text, strict=True)
    assert names(domains) == ["b", "c"] and not warned
    (err,) = errors
    assert isinstance(err, SexprSyntaxError)
    assert "lacks 1 closing ')'" in err.msg
    # it points where the ')' is missing: the end of the record's last line
    assert (err.lineno, err.colno) == (LINES, len("      (mode w)))") + 1)
    assert err.record == 1


def test_strict_raises_by_default_naming_the_record():
    text = record("a", 1) + cut(record("b", 2))
    gen = iter_domains(text, strict=True)
    assert next(gen).name == "a"
    with pytest.raises(SexprSyntaxError) as info:
        next(gen)
    assert info.value.record == 2 and info.value.lineno == 2 * LINES
    assert f"record 2, line {2 * LINES}" in str(info.value)


# --------------------------------------------------------- a NUL inside

def test_nul_in_the_second_record_is_reported_and_the_third_is_read():
    bad = record("b", 2).replace("(memory 256)", "(memory 2\x0056)")
    text = record("a", 1) + bad + record("c", 3)
    domains, errors, warned = collect(text)
    assert names(domains) == ["a", "c"] and not warned
    (err,) = errors
    assert isinstance(err, SexprSyntaxError) and err.record == 2
    assert (err.lineno, err.colno) == (LINES + 5, len("  (memory 2") + 1)
    assert "NUL" in err.msg and "libvirt stops reading at a NUL" in err.msg


def test_nul_raises_by_default():
    text = record("a", 1) + record("b", 2).replace("(vcpus 1)", "(vcpus 1\x00)")
    gen = iter_domains(text)
    assert next(gen).name == "a"
    with pytest.raises(SexprSyntaxError, match="NUL") as info:
        next(gen)
    assert "record 2" in str(info.value)


# ------------------------------------------------ other records reported

def test_a_record_libvirt_refuses_names_its_number_and_line():
    bad = record("b", 2).replace("  (name b)\n", "")
    text = record("a", 1) + bad + record("c", 3)
    domains, errors, _ = collect(text)
    assert names(domains) == ["a", "c"]
    (err,) = errors
    assert isinstance(err, ConversionError) and err.path == "domain/name"
    assert (err.record, err.lineno) == (2, 1 + LINES)
    assert str(err).startswith(f"record 2 at line {1 + LINES}: domain/name: ")
    # the record number survives pickling (the command's workers)
    back = pickle.loads(pickle.dumps(err))
    assert (back.record, back.lineno, str(back)) == (2, 1 + LINES, str(err))
    with pytest.raises(ConversionError, match=f"^record 2 at line {1 + LINES}"):
        list(iter_domains(text))


def test_text_outside_any_expression_is_an_error():
    text = record("a", 1) + "garbage here\n" + record("b", 2)
    domains, errors, _ = collect(text)
    assert names(domains) == ["a", "b"]
    assert len(errors) == 2        # two atoms: 'garbage' and 'here'
    assert all("text outside any expression" in e.msg for e in errors)
    assert (errors[0].lineno, errors[0].colno) == (LINES + 1, 1)
    with pytest.raises(SexprSyntaxError, match="text outside any expression"):
        list(iter_domains(text))


@pytest.mark.parametrize("text", ["", "  \n\n", ")\n"])
def test_an_input_with_no_record_is_an_error(text):
    with pytest.raises(ConversionError, match="no domain record"):
        list(iter_domains(text))
    errors = []
    assert list(iter_domains(text, on_error=errors.append, on_warning=lambda w: None)) == []
    assert len(errors) == 1


def test_a_closer_too_many_warns_and_strict_refuses_it():
    text = record("a", 1).rstrip("\n") + ")\n" + record("b", 2)
    domains, errors, warned = collect(text)
    assert names(domains) == ["a", "b"] and not errors
    (w,) = warned
    assert (w.lineno, w.colno) == (LINES, len("      (mode w)))))"))
    assert "')' that closes no list" in str(w)
    domains, errors, warned = collect(text, strict=True)
    assert names(domains) == ["b"] and not warned
    assert "')' that closes no list" in errors[0].msg and errors[0].record == 1


def test_vertical_tab_in_a_record_is_reported_and_the_rest_read():
    # libvirt would loop forever there; the reader refuses it.
    text = record("a", 1) + record("b", 2).replace("(vcpus 1)", "(vcpus \x0b1)") + record("c", 3)
    domains, errors, _ = collect(text)
    assert names(domains) == ["a", "c"]
    (err,) = errors
    assert isinstance(err, SexprSyntaxError) and err.record == 2
    assert err.lineno == LINES + 7 and "vertical tab" in err.msg


def test_a_nested_domain_list_is_not_a_record():
    # xm list --long indents the lists inside a record, PCI addresses'
    # (domain 0x0000) among them: only a line starting with '(domain' and a
    # list is a new record.
    text = record("a", 1).replace(
        "  (device\n", "  (device\n    (pci\n      (dev\n(domain 0x0000)(bus 0x01)"
        "(slot 0x1f)(func 0x7))))\n  (device\n", 1)
    domains, errors, warned = collect(text)
    assert names(domains) == ["a"] and not errors and not warned


def test_a_long_dump_whose_first_record_swallowed_the_rest():
    # 2,000 records, the first lacking its final paren.
    text = cut(record("r0", 1)) + "".join(record(f"r{k}", 1) for k in range(1, 2000))
    domains, errors, warned = collect(text)
    assert len(domains) == 2000 and not errors and len(warned) == 1
    assert "2000 records" in str(warned[0])


# ----------------------------------------------------------- sexpr_to_xml

def test_sexpr_to_xml_refuses_a_dump_of_several_records():
    text = record("a", 1) + record("b", 2)
    with pytest.raises(ConversionError) as info:
        sexpr_to_xml(text)
    msg = str(info.value)
    assert "2 domain records" in msg and "iter_domains" in msg and "fastsexpr convert" in msg


def test_sexpr_to_xml_refuses_a_dump_whose_first_record_swallowed_the_second():
    # Before: the first record silently took the second in, one XML came out.
    with pytest.raises(ConversionError, match="2 domain records"):
        sexpr_to_xml(cut(record("a", 1)) + record("b", 2))


def test_truncated_record_converts_as_libvirt_did_and_warns():
    whole = record("a", 1)
    warned = []
    assert sexpr_to_xml(cut(whole, 2), on_warning=warned.append) == sexpr_to_xml(whole)
    assert [str(w) for w in warned] == [
        "record at line 1 lacks 2 closing ')': closed at the end of the record, as libvirt did"]
    with pytest.warns(FastSexprWarning, match="lacks 2 closing"):
        sexpr_to_xml(cut(whole, 2))


def test_truncated_record_strict_is_an_error_at_its_end():
    with pytest.raises(SexprSyntaxError, match="lacks 2 closing") as info:
        sexpr_to_xml(cut(record("a", 1), 2), strict=True)
    assert (info.value.lineno, info.value.colno) == (LINES, len("      (mode w))") + 1)


def test_sexpr_to_xml_text_after_the_record_warns_or_is_refused():
    whole = record("a", 1)
    warned = []
    assert sexpr_to_xml(whole + "junk\n", on_warning=warned.append) == sexpr_to_xml(whole)
    assert len(warned) == 1 and warned[0].lineno == LINES + 1
    assert "ignored, as libvirt did" in str(warned[0])
    with pytest.raises(SexprSyntaxError, match="after the record"):
        sexpr_to_xml(whole + "junk\n", strict=True)


def test_sexpr_to_xml_without_leniency_is_silent():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sexpr_to_xml(record("a", 1), strict=True)
        sexpr_to_xml(record("a", 1))


# ------------------------------------------------- libvirt's own fixtures

UNBALANCED = {     # fixture: what libvirt's reader forgave
    "sexpr2xml-pv-vfb-new": "')' that closes no list",
    "sexpr2xml-pv-vfb-new-vncdisplay": "')' that closes no list",
    "sexpr2xml-net-routed": "lacks 1 closing ')'",
    "sexpr2xml-bridge-ipaddr": "lacks 1 closing ')'",
}


@needs_corpus
@pytest.mark.parametrize("row", [r for r in rows("sexpr2xml")
                                 if r["input"].split("/")[-1][:-6] in UNBALANCED],
                         ids=lambda r: r["input"].split("/")[-1][:-6])
def test_libvirts_unbalanced_fixtures_convert_byte_for_byte_and_warn(row):
    text = load_fixture(CORPUS / row["input"])
    expected = load_fixture(CORPUS / row["expected"])
    version = int(row["xend_config_version"])
    warned = []
    assert sexpr_to_xml(text, xend_config_version=version, on_warning=warned.append) == expected
    assert len(warned) == 1 and UNBALANCED[row["input"].split("/")[-1][:-6]] in str(warned[0])
    with pytest.raises(SexprSyntaxError):
        sexpr_to_xml(text, xend_config_version=version, strict=True)
    (dom,) = iter_domains(text, xend_config_version=version, on_warning=lambda w: None)
    assert fastsexpr.write_xml(dom) == expected


# The one fixture holding a setting the domain XML cannot carry (test_record_settings_dropped.py).
LOSES_A_SETTING = {"sexpr2xml-fv-autoport": "domain/on_xend_stop"}


@needs_corpus
def test_the_other_fixtures_convert_without_a_word():
    balanced = [r for r in rows("sexpr2xml") if r["input"].split("/")[-1][:-6] not in UNBALANCED
                and r["input"].split("/")[-1][:-6] not in LOSES_A_SETTING]
    assert len(balanced) == 51 - 4 - 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for r in balanced:
            sexpr_to_xml(load_fixture(CORPUS / r["input"]), strict=True,
                         xend_config_version=int(r["xend_config_version"]))


@needs_corpus
def test_a_dump_of_libvirts_fixture_records_converts_each_byte_for_byte():
    # The two records lacking a ')' would take in every record after them.
    by_version = {}
    for r in rows("sexpr2xml"):
        by_version.setdefault(int(r["xend_config_version"]), []).append(r)
    converted = 0
    for version, cases in by_version.items():
        dump = "".join(load_fixture(CORPUS / r["input"]) for r in cases)
        domains, errors, warned = collect(dump, xend_config_version=version)
        assert not errors
        assert [fastsexpr.write_xml(d) for d in domains] == \
            [load_fixture(CORPUS / r["expected"]) for r in cases]
        converted += len(domains)
        assert len(warned) == sum(r["input"].split("/")[-1][:-6] in UNBALANCED
                                  or r["input"].split("/")[-1][:-6] in LOSES_A_SETTING
                                  for r in cases)
    assert converted == 51


# ------------------------------------------------------- damaged dumps

SNIPPETS = ["(", ")", "'", "\x00", "\x0b", "\n(domain (", "\n(domain\n", "junk", "\\"]


@needs_corpus
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(documents("sexpr2xmldata", "sexpr")), min_size=1, max_size=4),
       st.lists(st.tuples(st.floats(0, 1), st.integers(0, 8), st.sampled_from(SNIPPETS)),
                max_size=4),
       st.booleans())
def test_every_record_of_a_damaged_dump_is_converted_or_reported(docs, edits, strict):
    text = "".join(docs)
    for where, width, snippet in edits:
        i = int(where * len(text))
        text = text[:i] + snippet + text[i + width:]
    domains, errors, warned = collect(text, strict=strict)
    assert all(isinstance(e, FastSexprError) for e in errors)
    # each line that starts a record gives a domain or an error of its own
    starts = len(re.findall(r"(?m)^\(domain(?=[ \t\r]*(?:[\n(]|$))", text))
    assert len(domains) + sum(e.record is not None for e in errors) >= starts
    assert all(isinstance(e.lineno, int) for e in errors if e.record is not None)
    assert all(isinstance(w.lineno, int) for w in warned) and not (strict and warned)


def test_a_vertical_tab_says_what_it_leaves_unread_on_its_line():
    # Records on one line: the reader cannot go past the VT, and says so.
    one = record("a", 1).replace("\n", " ")
    text = one.replace("(vcpus 1)", "(vcpus \x0b1)") + one + one + "\n" + record("d", 4)
    domains, errors, _ = collect(text)
    assert names(domains) == ["d"]
    (err,) = errors
    assert "the 2 '(domain' after it, up to the next line that starts a record, are not read" \
        in err.msg


def test_records_on_one_line_inside_a_record_lacking_its_paren_are_said():
    # Only a line start cuts a record; records on the line of one lacking its
    # ')' are part of it, as libvirt read them, and its warning says so.
    one = record("a", 1).replace("\n", " ").rstrip()
    text = one[:-1] + " " + record("b", 2).replace("\n", " ") + "\n"
    domains, errors, warned = collect(text)
    assert names(domains) == ["a"] and not errors
    (w,) = warned
    assert str(w).startswith(
        "record at line 1 lacks 1 closing ')' and holds 1 more record that starts inside it "
        f"(the first at line 1 column {len(one) + 1}), read as part of it: closed at the end")
    with pytest.raises(SexprSyntaxError, match="holds 1 more record"):
        list(iter_domains(text, strict=True))


def test_sexpr_to_xml_closers_after_the_one_record_warn_where_they_are():
    # Two ')' too many after the record, on the line after it: said once,
    # at the first one, pointing at the caller; strict refuses it there.
    text = record("a", 1) + "  ) )\n"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        xml = sexpr_to_xml(text)
    (w,) = caught
    assert w.filename == __file__
    assert str(w.message).startswith(f"line {LINES + 1} column 3: 2 ')' that close no list: "
                                     "skipped, as libvirt did")
    assert xml == sexpr_to_xml(record("a", 1))
    with pytest.raises(SexprSyntaxError) as info:
        sexpr_to_xml(text, strict=True)
    assert (info.value.lineno, info.value.colno) == (LINES + 1, 3)
    assert "2 ')' that close no list (libvirt skipped it; strict mode refuses it)" in info.value.msg
