"""The model between the formats: the Domain, libvirt's vocabularies and
libvirt's scalar grammars."""
from .domain import OS, Chr, Clock, Disk, Domain, Graphics, Input, Interface, PciHostdev, Timer

__all__ = ["Domain", "OS", "Clock", "Timer", "Disk", "Interface", "Chr", "Input",
           "Graphics", "PciHostdev"]
