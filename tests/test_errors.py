"""The error tree as a caller meets it: attributes, messages, pickling."""
from __future__ import annotations

import pickle

import pytest

import fastsexpr
from fastsexpr import ConversionError, DomainXMLError


def test_malformed_xml_error_has_line_and_column():
    with pytest.raises(DomainXMLError) as info:
        fastsexpr.read_xml("<domain type='xen'>\n  <name>x</name>\n  <uuid>\n</domain>")
    err = info.value
    # The <uuid> opened on line 3 is closed by </domain> on line 4; libxml2
    # points into or just after that end tag.
    assert err.lineno == 4 and 1 <= err.colno <= len("</domain>") + 1
    assert "line 4" in str(err)


def test_rule_error_has_no_position():
    with pytest.raises(DomainXMLError) as info:
        fastsexpr.read_xml("<domain type='xen'><uuid>0</uuid></domain>")
    assert info.value.lineno is None and info.value.colno is None


@pytest.mark.parametrize("cls", [ConversionError, DomainXMLError])
def test_conversion_errors_survive_pickling(cls):
    err = cls("bad thing", "/domain/devices/disk[2]", lineno=7, colno=3)
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is cls
    assert (back.reason, back.path, back.lineno, back.colno, str(back)) == \
        ("bad thing", "/domain/devices/disk[2]", 7, 3, str(err))


WRITERS = {
    "xml": lambda d: fastsexpr.write_xml(d),
    "sexpr": lambda d: fastsexpr.write_sexpr(d, 4),
    "xm": lambda d: fastsexpr.write_xm(d, 4),
}


@pytest.mark.parametrize("fmt", sorted(WRITERS))
@pytest.mark.parametrize("field", ["name", "uuid"])
def test_a_domain_without_name_or_uuid_is_refused_by_every_writer(fmt, field):
    # A Domain built by hand: libvirt's definitions always had both, and an
    # output without one would be a definition no host accepts.
    dom = fastsexpr.Domain("web1", "c7a5fdbdedaf9455926ad65c16db1809")
    setattr(dom, field, None)
    with pytest.raises(ConversionError) as err:
        WRITERS[fmt](dom)
    assert err.value.path == field and f"no {field}" in err.value.reason
