"""The host a definition is converted for: which guests it accepts.

libvirt took the guest architectures from the live host's capabilities.  A
real xend host was almost always a 64-bit x86 machine, which runs 32- and
64-bit guests, paravirt and HVM; libvirt's own test suite modelled a 32-bit
PAE host that runs i686 guests only.  The architecture is never written into
any output: it decides only which definitions are accepted.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Tuple

from ..errors import ConversionError

__all__ = ["HOST_ARCHES", "DEFAULT_HOST_ARCH", "guest_arches"]

# Host architecture -> the guest architectures it runs, each as paravirt
# ("xen") and HVM guests.
HOST_ARCHES = {
    "x86_64": ("i686", "x86_64"),
    "i686": ("i686",),          # libvirt 1.2.10's test host, for its fixtures
}
DEFAULT_HOST_ARCH = "x86_64"


def guest_arches(host_arch: object) -> Tuple[str, ...]:
    """The guest architectures ``host_arch`` accepts, or a ConversionError
    naming ``host_arch``."""
    arches = HOST_ARCHES.get(host_arch) if isinstance(host_arch, str) else None
    if arches is None:
        raise ConversionError(
            f"unsupported host architecture {host_arch!r}: expected "
            + " or ".join(map(repr, HOST_ARCHES)), "host_arch")
    return arches
