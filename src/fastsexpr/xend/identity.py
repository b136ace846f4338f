"""Which domain it is: the record's head, domid, name, uuid, description.

SEXPR2XML.md 1.1 and XML2SEXPR.md section 3.
"""
from __future__ import annotations

from ..errors import ConversionError
from ..model.domain import Domain
from ..model.scalars import format_uuid, parse_uuid
from ..syntax import to_int
from ..versions import domid_required


def not_a_record(root, version: int) -> ConversionError:
    """The error for a tree that is not a (domain ...) record."""
    # Under any other root libvirt's paths found neither domid nor name;
    # keep its words and say what was there instead.
    head = root[0] if root and isinstance(root[0], str) else None
    found = f"({head} ...)" if head else "no (domain ...) list"
    hint = (": that is a domain creation request (what xml_to_sexpr writes), "
            "not a domain record") if head == "vm" else ""
    core = "missing id" if domid_required(version) else "missing name"
    return ConversionError(f"domain information incomplete, {core}: expected a xend domain "
                           f"record (domain ...), found {found}{hint}", "domain")


def read_identity(top: dict, version: int) -> Domain:
    """The Domain named by the record's keys ``top`` (its member_values)."""
    domid = top.get("domid")
    if domid is None:
        if domid_required(version):
            raise ConversionError("domain information incomplete, missing id", "domain/domid")
        dom_id = -1
    else:
        dom_id = to_int(domid)
    # "or None" is nonempty_value's rule: the empty atom counts as absent.
    name = top.get("name") or None
    if name is None:
        raise ConversionError("domain information incomplete, missing name", "domain/name")
    uuid_text = top.get("uuid")
    if uuid_text is None:
        # libvirt reported a missing uuid with its missing-name message.
        raise ConversionError("domain information incomplete, missing name (no uuid)",
                              "domain/uuid")
    uuid = parse_uuid(uuid_text)
    if uuid is None:
        raise ConversionError(f"malformed uuid '{uuid_text}'", "domain/uuid")
    # name, uuid, type, id, description: positional arguments cost half as
    # much as keywords in a dataclass __init__.
    return Domain(name, uuid, "xen", dom_id, top.get("description") or None)


def write_name(w, d: Domain) -> None:
    w.pair("name", d.name)


def write_uuid(w, d: Domain) -> None:
    """The uuid, dashed, and the description that follows it."""
    w.pair_unescaped("uuid", format_uuid(d.uuid))
    if d.description is not None:
        w.pair("description", d.description)
