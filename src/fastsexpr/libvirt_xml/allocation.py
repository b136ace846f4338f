"""What the guest is allotted: <memory>, <currentMemory> (sizes in KiB) and
<vcpu> (the vCPU counts and the cpuset they may run on)."""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional

from ..errors import DomainXMLError
from ..model.domain import Domain
from ..model.scalars import ULLONG_MAX, format_cpuset, parse_cpuset, parse_ullong, unit_bytes
from ..syntax import XmlTemplate
from .elements import string

__all__ = ["read_allocation", "write_allocation"]

_MAX_VCPUS = 65535
_PLACEMENTS = ("static", "auto")
_VCPU_PATH = "/domain/vcpu"
# The largest KiB count whose bytes fit ULLONG_MAX.
_MAX_KIB = ULLONG_MAX // 1024


def read_allocation(dom: Domain, top) -> None:
    """Memory and vCPUs from the root's first children ``top``."""
    max_kib = _read_size(top.get("memory"), "memory", True)
    cur_el = top.get("currentMemory")
    cur_kib = None if cur_el is None else _read_size(cur_el, "currentMemory", False)
    if not cur_kib:
        cur_kib = max_kib
    elif cur_kib > max_kib:
        # libvirt tolerates an excess that vanishes once both are rounded
        # up to its 4 MiB granularity.
        if -(-cur_kib // 4096) > -(-max_kib // 4096):
            raise DomainXMLError(
                f"current memory '{cur_kib}k' exceeds maximum '{max_kib}k'",
                "/domain/currentMemory")
        cur_kib = max_kib
    dom.max_memory_kib = max_kib
    dom.current_memory_kib = cur_kib
    vcpu = top.get("vcpu")
    if vcpu is not None:
        _read_vcpu(dom, vcpu)


def _read_size(el, what: str, required: bool) -> Optional[int]:
    """A scaled size in KiB (rounded up), or None when absent."""
    text = string(el)
    if text is None:
        if required:
            raise DomainXMLError(f"missing element ./{what}[1]", f"/domain/{what}")
        return None
    value = parse_ullong(text)
    if value is None:
        raise DomainXMLError(f"Invalid value '{text}' for element './{what}[1]'",
                             f"/domain/{what}")
    unit = el.get("unit")
    if (not unit or unit == "KiB") and value <= _MAX_KIB:
        # The usual KiB count: nothing to scale, round or refuse.
        return value
    scale = unit_bytes(unit)
    if scale is None:
        raise DomainXMLError(f"unknown suffix '{unit}'", f"/domain/{what}")
    nbytes = value * scale
    if nbytes > ULLONG_MAX:
        raise DomainXMLError(f"value '{text}' for element './{what}[1]' is too large",
                             f"/domain/{what}")
    return -(-nbytes // 1024)


def _read_vcpu(dom: Domain, el) -> None:
    text = string(el)
    if text is not None:
        dom.max_vcpus = _read_count(text, "maximum")
    if not el.attrib:
        # The usual bare <vcpu>N</vcpu>: no attribute to look up.
        dom.vcpus = dom.max_vcpus
        return
    current = el.get("current")
    if current:
        count = _read_count(current, "current")
        if dom.max_vcpus < count:
            raise DomainXMLError(
                f"maxvcpus must not be less than current vcpus ({dom.max_vcpus} < {count})",
                _VCPU_PATH)
        dom.vcpus = count
    else:
        dom.vcpus = dom.max_vcpus
    # Both attributes are read as XPath strings: empty means absent.
    placement = el.get("placement")
    if placement and placement not in _PLACEMENTS:
        raise DomainXMLError(f"Unsupported CPU placement mode '{placement}'", _VCPU_PATH)
    cpuset = el.get("cpuset")
    if cpuset and placement != "auto":
        cpus = parse_cpuset(cpuset)
        if cpus is None:
            raise DomainXMLError(f"Failed to parse bitmap '{cpuset}'", _VCPU_PATH)
        dom.cpumask = cpus


def _read_count(text: str, which: str) -> int:
    count = parse_ullong(text)
    if count is None:
        raise DomainXMLError(f"{which} vcpus must be an integer", _VCPU_PATH)
    if count == 0 or count > _MAX_VCPUS:
        raise DomainXMLError(f"invalid {which} number of vCPUs '{count}'", _VCPU_PATH)
    return count


def write_allocation(w, d: Domain) -> None:
    # cpuset and current only where they say something.
    w.line(_ALLOCATION, d.max_memory_kib, d.current_memory_kib,
           None if d.cpumask is None else format_cpuset(d.cpumask),
           None if d.vcpus == d.max_vcpus else d.vcpus, d.max_vcpus)


_ALLOCATION = XmlTemplate("<memory unit='KiB'>{}</memory>\n"
                          "<currentMemory unit='KiB'>{}</currentMemory>\n"
                          "<vcpu placement='static' cpuset='{}' current='{}'>{}</vcpu>")
