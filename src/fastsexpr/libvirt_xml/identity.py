"""The <domain> element itself (its hypervisor type, and its id when
running), the domain's name, UUID and description."""
from __future__ import annotations

from ..errors import DomainXMLError
from ..model.domain import Domain
from ..model.scalars import format_uuid, parse_uuid, random_uuid
from ..syntax import XmlTemplate
from .elements import child_string

__all__ = ["check_root", "read_identity", "write_identity"]

# libvirt's hypervisor names: a known one other than xen is "unexpected",
# an unknown word is "invalid".
_VIRT_TYPES = ("none", "qemu", "kqemu", "kvm", "xen", "lxc", "uml", "openvz",
               "test", "vmware", "hyperv", "vbox", "phyp", "parallels", "bhyve")


def check_root(root) -> None:
    """A <domain> element of type xen, or DomainXMLError."""
    tag = root.tag
    if tag != "domain":
        name = tag if tag.__class__ is str else "?"
        raise DomainXMLError(f"unexpected root element <{name}>, expecting <domain>", f"/{name}")
    vtype = root.get("type")
    if not vtype:
        raise DomainXMLError("missing domain type attribute", "/domain")
    if vtype != "xen":
        if vtype in _VIRT_TYPES:
            raise DomainXMLError(f"unexpected domain type {vtype}, expecting xen", "/domain")
        raise DomainXMLError(f"invalid domain type {vtype}", "/domain")


def read_identity(top) -> Domain:
    """A Domain with the name, UUID and description of the root's first
    children ``top``; a missing UUID is a random one, as libvirt makes."""
    name = child_string(top, "name")
    if name is None:
        raise DomainXMLError("missing domain name", "/domain/name")
    uuid_text = child_string(top, "uuid")
    if uuid_text is None:
        uuid = random_uuid()
    else:
        uuid = parse_uuid(uuid_text)
        if uuid is None:
            raise DomainXMLError("malformed uuid element", "/domain/uuid")
    # Most domains have no description: no call to look for it.
    description = child_string(top, "description") if "description" in top else None
    # name, uuid, type, id, description: positional arguments cost half as
    # much as keywords in a dataclass __init__.
    return Domain(name, uuid, "xen", -1, description)


def write_identity(w, d: Domain, active: bool) -> None:
    """Open <domain> (the caller closes it) and write the name, UUID and
    description."""
    # id only for a running domain; the description when there is one.
    w.start_line(_DOMAIN, d.type, d.id if active else None)
    w.line(_NAMES, d.name, format_uuid(d.uuid), d.description)


_DOMAIN = XmlTemplate("<domain type='{}' id='{}'>")
_NAMES = XmlTemplate("<name>{}</name>\n<uuid>{}</uuid>\n<description>{}</description>")
