"""What the xm reading tests share: the smallest configs libvirt's xm
parser accepts, and the conversion and refusal they are checked through."""
from __future__ import annotations

import pytest

from fastsexpr import ConversionError, xm_to_xml

UUID = "c7a5fdb0-cdaf-9455-926a-d65c16db1809"
PV = f'name = "a"\nuuid = "{UUID}"\n'
HVM = PV + 'builder = "hvm"\nkernel = "/usr/lib/xen/boot/hvmloader"\n'


def xml(cfg: str, version: int = 2) -> str:
    return xm_to_xml(cfg, xend_config_version=version)


def refused(cfg: str, version: int = 2) -> ConversionError:
    with pytest.raises(ConversionError) as info:
        xml(cfg, version)
    return info.value
