"""libvirt domain XML -> the Domain model.

This is libvirt 1.2.10's *inactive* parse of a Xen domain (the Xen test
capabilities: i686 guests of OS type ``hvm`` or ``xen``), followed by the
default-filling steps libvirt runs after parsing.  It keeps exactly what the
xend formats can carry and rejects what libvirt rejects, naming the element.

The XML is parsed by lxml with entity resolution, DTD loading and network
access off, and a document that declares entities is refused outright: a
domain definition never needs them, and refusing is the only answer to
entity expansion bombs that costs nothing.
"""
from __future__ import annotations

import re
from dataclasses import replace
import secrets
import threading
from typing import Callable, Dict, List, Optional, Tuple, Union

from lxml import etree

from ..errors import DomainXMLError
from ..model.domain import (
    OS, Chr, Clock, Disk, Domain, Graphics, Input, Interface, PciHostdev, Timer,
)
from ..model.vocab import (
    CHR_TYPES, CLOCK_OFFSETS, CRASH_ACTIONS, DISK_BUSES, DISK_DEVICES,
    DISK_FORMATS, DISK_TYPES, FEATURES, GRAPHICS_TYPES, INPUT_BUSES,
    INPUT_TYPES, LIFECYCLE_ACTIONS, NET_TYPES, SOUND_MODELS, TCP_PROTOCOLS,
    TIMER_NAMES,
)

__all__ = ["read_xml"]

# libvirt's hypervisor names: a known one other than xen is "unexpected",
# an unknown word is "invalid".
_VIRT_TYPES = ("none", "qemu", "kqemu", "kvm", "xen", "lxc", "uml", "openvz",
               "test", "vmware", "hyperv", "vbox", "phyp", "parallels", "bhyve")
# Architecture names libvirt knows; only i686 has guests in the Xen test
# capabilities, so every other known name fails for want of guest options.
_ARCHES = ("i686", "x86_64", "armv7l", "aarch64", "alpha", "cris", "lm32",
           "m68k", "microblaze", "microblazeel", "mips", "mipsel", "mips64",
           "mips64el", "openrisc", "parisc", "parisc64", "ppc", "ppcle",
           "ppc64", "ppc64le", "ppcemb", "s390", "s390x", "sh4", "sh4eb",
           "sparc", "sparc64", "unicore32", "xtensa", "xtensaeb")
_OS_TYPES = ("hvm", "xen")
_BOOT_DEVS = ("fd", "cdrom", "hd", "network")
_MAX_BOOT = 4
_MAX_VCPUS = 65535
_CPUMASK_LEN = 1024
_CPUSET_SPACE = re.compile(r"[ \t\n\v\f\r]*")
# One cpuset item: N, ^N or N-M, and the comma after it.
_CPUSET_ITEM = re.compile(r"(\^)?([0-9]+)[ \t\n\v\f\r]*"
                          r"(?:-[ \t\n\v\f\r]*([+-]?[0-9]+)[ \t\n\v\f\r]*)?"
                          r"(,[ \t\n\v\f\r]*)?")
_CHR_PATH_TYPES = frozenset(("dev", "file", "pipe", "unix"))
# Device kind -> the <target type> words libvirt knows for it; a parallel
# port has none.
_CHR_TARGET_TYPES = {
    "serial": ("isa-serial", "usb-serial"),
    "parallel": (),
    "console": ("none", "serial", "xen", "uml", "virtio", "lxc", "openvz", "sclp", "sclplm"),
}
_GRAPHICS_LISTEN_TYPES = ("address", "network")
_MODEL_OK = re.compile(r"[A-Za-z0-9_-]+\Z")
_UUID_RE = re.compile(r"[ \t\n\v\f\r]*((?:[- ]*[0-9A-Fa-f]{2}){16})[ \t\n\v\f\r]*\Z")
# libvirt stops reading a MAC at any character up to a blank after the
# sixth group and ignores the rest.
_MAC_RE = re.compile(r"([0-9A-Fa-f]{1,2}):([0-9A-Fa-f]{1,2}):([0-9A-Fa-f]{1,2}):"
                     r"([0-9A-Fa-f]{1,2}):([0-9A-Fa-f]{1,2}):([0-9A-Fa-f]{1,2})(?:[\x00-\x20].*)?\Z", re.S)
# C strtoull/strtol in base 10 as libvirt calls them: leading white space and
# a sign, then digits, nothing after.
_MAC_CANONICAL = re.compile(r"[0-9a-f]{2}(?::[0-9a-f]{2}){5}\Z")
_UINT_RE = re.compile(r"[ \t\n\v\f\r]*\+?([0-9]+)\Z")
_INT_RE = re.compile(r"[ \t\n\v\f\r]*([+-]?[0-9]+)\Z")
_ENCODING_DECL = re.compile(r"\A(\s*<\?xml\b[^>]*?)\s+encoding\s*=\s*(['\"])[^'\"]*\2")
_ULLONG_MAX = (1 << 64) - 1
# XPath 1.0 number(): XML white space, an optional minus, decimal digits.
_XPATH_NUMBER = re.compile(r"[ \t\n\r]*(-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))[ \t\n\r]*\Z")

# A drive name: a prefix (none starts another), letters numbering the
# drive, then an optional partition number.
_DRIVE_NAME = re.compile(r"(?:fd|hd|vd|sd|xvd|ubd)([a-z]*)[0-9]*\Z")
# target prefix -> bus libvirt assumes when <target bus> is absent (ide
# for any other name).  No prefix starts another, so looking up a name's
# first two letters, then its first three, finds its prefix.
_BUS_BY_PREFIX = {"hd": "ide", "sd": "scsi", "vd": "virtio", "xvd": "xen", "ubd": "uml"}
# disk type -> the <source> attribute holding its source.
_DISK_SOURCE_ATTRS = {"file": "file", "block": "dev", "dir": "dir"}
_HARDDISK_PREFIXES = ("hd", "sd", "vd", "xvd", "ubd")

# Memory unit (lowercased) -> bytes: "k" and "kib" are powers of 1024,
# "kb" of 1000.
_UNIT_POWERS = {"k": 1, "m": 2, "g": 3, "t": 4, "p": 5, "e": 6}
_UNIT_SCALES = {"b": 1, "byte": 1, "bytes": 1}
for _letter, _power in _UNIT_POWERS.items():
    _UNIT_SCALES[_letter] = _UNIT_SCALES[_letter + "ib"] = 1024 ** _power
    _UNIT_SCALES[_letter + "b"] = 1000 ** _power
del _letter, _power
_HEX_DIGITS = "0123456789abcdefABCDEF"


# ---------------------------------------------------------------- XML parsing

_local = threading.local()


def _parser() -> etree.XMLParser:
    # lxml parser objects keep per-parse state, so each thread has its own.
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False,
            dtd_validation=False, huge_tree=False, remove_blank_text=False)
        _local.parser = parser
    return parser


def _parse_document(xml: Union[str, bytes]) -> etree._Element:
    if isinstance(xml, str):
        # A DOCTYPE (the only place entities can be declared) needs a "!",
        # and a one-character scan is a memchr, far cheaper than the
        # "<!ENTITY" search and the DTD look-up below.  Domain XML almost
        # never has one.
        may_have_dtd = "!" in xml
        # Cheap early refusal before lxml sees anything.
        if may_have_dtd and "<!ENTITY" in xml:
            raise DomainXMLError("entity declarations are not accepted", "/")
        # A str is already decoded: its encoding declaration no longer
        # applies (and lxml refuses str input that carries one).
        if xml.lstrip().startswith("<?xml"):
            xml = _ENCODING_DECL.sub(r"\1", xml, count=1)
    elif isinstance(xml, (bytes, bytearray, memoryview)):
        xml = bytes(xml)
        if b"<!ENTITY" in xml:
            raise DomainXMLError("entity declarations are not accepted", "/")
        # Bytes may be in an encoding where "!" is not the byte 0x21.
        may_have_dtd = True
    else:
        raise TypeError(f"domain XML must be str or bytes, not {type(xml).__name__}")
    try:
        root = etree.fromstring(xml, _parser())
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (exc.lineno, exc.offset)
        raise DomainXMLError(
            f"malformed XML at line {line}, column {col}: {exc.msg}",
            lineno=line, colno=col) from None
    # Encodings the byte scan above cannot see (UTF-16, UTF-32) still end up
    # here; the entities were declared but never expanded.
    if may_have_dtd:
        dtd = root.getroottree().docinfo.internalDTD
        if dtd is not None and next(iter(dtd.iterentities()), None) is not None:
            raise DomainXMLError("entity declarations are not accepted", "/")
    return root


# ---------------------------------------------------------------- small readers

def _string(el) -> Optional[str]:
    """XPath string() of an element, libvirt-style: empty means absent."""
    if el is None:
        return None
    if len(el):
        text = "".join(el.itertext())
    else:
        text = el.text
    return text or None


def _first_children(el) -> Dict[str, etree._Element]:
    """The first child element of each name (libvirt reads ``./x[1]``).

    Built from the last child to the first, so the first of a name is the
    one that stays.  Comments and processing instructions end up under
    their non-string tags, where no lookup by name finds them.
    """
    return {child.tag: child for child in el[::-1]}


def _child_string(first: Dict[str, etree._Element], name: str) -> Optional[str]:
    """``_string`` of the first child called ``name``."""
    el = first.get(name)
    if el is None:
        return None
    text = "".join(el.itertext()) if len(el) else el.text
    return text or None


def _parse_ull(text: str) -> Optional[int]:
    if text.isdigit() and text.isascii():
        # The usual plain digits, which the pattern below would accept too.
        value = int(text)
    else:
        m = _UINT_RE.match(text)
        if m is None:
            return None
        value = int(m.group(1))
    return value if value <= _ULLONG_MAX else None


def _parse_memory(el, what: str, required: bool) -> Optional[int]:
    """A scaled size in KiB (rounded up), or None when absent."""
    text = _string(el)
    if text is None:
        if required:
            raise DomainXMLError(f"missing element ./{what}[1]", f"/domain/{what}")
        return None
    value = _parse_ull(text)
    if value is None:
        raise DomainXMLError(f"Invalid value '{text}' for element './{what}[1]'",
                             f"/domain/{what}")
    unit = el.get("unit")
    if not unit:
        scale = 1024
    else:
        scale = _UNIT_SCALES.get(unit.lower())
        if scale is None:
            raise DomainXMLError(f"unknown suffix '{unit}'", f"/domain/{what}")
    nbytes = value * scale
    if nbytes > _ULLONG_MAX:
        raise DomainXMLError(f"value '{text}' for element './{what}[1]' is too large",
                             f"/domain/{what}")
    return -(-nbytes // 1024)


def _parse_uuid(text: str) -> str:
    if len(text) == 32 and not text.strip(_HEX_DIGITS):
        # The usual 32 bare hex digits, which the pattern below would
        # accept too.
        return text.lower()
    m = _UUID_RE.match(text)
    if m is None:
        raise DomainXMLError("malformed uuid element", "/domain/uuid")
    return m.group(1).replace("-", "").replace(" ", "").lower()


def _random_uuid() -> str:
    raw = bytearray(secrets.token_bytes(16))
    raw[6] = (raw[6] & 0x0F) | 0x40          # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80          # RFC 4122 variant
    return raw.hex()


def _random_mac() -> str:
    return "00:16:3e:" + ":".join(f"{b:02x}" for b in secrets.token_bytes(3))


def _parse_cpuset(text: str, path: str) -> Tuple[int, ...]:
    # libvirt scans items left to right: a comma may end the list, white
    # space (C isspace) may surround numbers but not follow a "^", and the
    # end of a range is read by strtol (so it may carry a sign).
    cpus = set()
    n = len(text)
    pos = _CPUSET_SPACE.match(text).end()
    ok = pos < n
    while ok and pos < n:
        m = _CPUSET_ITEM.match(text, pos)
        if m is None:
            ok = False
            break
        neg, lo, hi, comma = m.groups()
        start = int(lo)
        if hi is None:
            if start >= _CPUMASK_LEN:
                ok = False
            elif neg:
                cpus.discard(start)
            else:
                cpus.add(start)
        else:
            end = int(hi)
            if neg or end < start or end >= _CPUMASK_LEN:
                ok = False
            else:
                cpus.update(range(start, end + 1))
        pos = m.end()
        if comma is None and pos < n:
            ok = False
    if not ok or not cpus:
        raise DomainXMLError(f"Failed to parse bitmap '{text}'", path)
    return tuple(sorted(cpus))


def _drive_index(name: str) -> int:
    """libvirt's virDiskNameToIndex: "hda" is 0, "hdz" 25, "hdaa" 26."""
    m = _DRIVE_NAME.match(name)
    if m is None:
        return -1
    letters = m.group(1)
    value = -1
    for letter in letters:
        value = (value + 1) * 26 + ord(letter) - 97
    return value if letters else 0


# ---------------------------------------------------------------- the domain

def read_xml(xml: Union[str, bytes]) -> Domain:
    """Parse libvirt domain XML as libvirt 1.2.10 does for an inactive Xen domain.

    Raises :class:`~fastsexpr.DomainXMLError` for malformed XML and for every
    input libvirt rejects; the error's ``path`` names the element.
    """
    root = _parse_document(xml)
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

    top = _first_children(root)
    get = top.get

    name = _child_string(top, "name")
    if name is None:
        raise DomainXMLError("missing domain name", "/domain/name")

    uuid_text = _child_string(top, "uuid")
    uuid = _random_uuid() if uuid_text is None else _parse_uuid(uuid_text)

    dom = Domain(name=name, uuid=uuid)
    dom.description = _child_string(top, "description")

    max_kib = _parse_memory(get("memory"), "memory", True)
    cur_kib = _parse_memory(get("currentMemory"), "currentMemory", False)
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

    _read_vcpu(dom, get("vcpu"))

    dom.bootloader = _child_string(top, "bootloader")
    dom.bootloader_args = _child_string(top, "bootloader_args")

    os_el = get("os")
    _read_os(dom, os_el, get("devices"))

    features = get("features")
    if features is not None:
        flags = dom.features
        for child in features:
            ftag = child.tag
            if ftag.__class__ is not str:
                continue
            if ftag not in FEATURES:
                raise DomainXMLError(f"unexpected feature '{ftag}'", f"/domain/features/{ftag}")
            if ftag not in flags:
                flags.append(ftag)

    dom.on_poweroff = _lifecycle(top, "on_poweroff", "destroy", LIFECYCLE_ACTIONS)
    dom.on_reboot = _lifecycle(top, "on_reboot", "restart", LIFECYCLE_ACTIONS)
    dom.on_crash = _lifecycle(top, "on_crash", "destroy", CRASH_ACTIONS)

    clock = get("clock")
    if clock is not None:
        dom.clock = _read_clock(clock)

    devices = get("devices")
    per_device_boot = False
    if devices is not None:
        per_device_boot = _read_devices(dom, devices)

    if dom.os.type == "hvm":
        if not dom.os.boot and not per_device_boot:
            dom.os.boot = ["hd"]
        _hvm_console_as_serial(dom)
    return dom


def _read_vcpu(dom: Domain, el) -> None:
    path = "/domain/vcpu"
    if el is None:
        return
    text = _string(el)
    if text is not None:
        count = _parse_ull(text)
        if count is None:
            raise DomainXMLError("maximum vcpus must be an integer", path)
        if count == 0 or count > _MAX_VCPUS:
            raise DomainXMLError(f"invalid maximum number of vCPUs '{count}'", path)
        dom.max_vcpus = count
    current = el.get("current")
    if current:
        count = _parse_ull(current)
        if count is None:
            raise DomainXMLError("current vcpus must be an integer", path)
        if count == 0 or count > _MAX_VCPUS:
            raise DomainXMLError(f"invalid current number of vCPUs '{count}'", path)
        if dom.max_vcpus < count:
            raise DomainXMLError(
                f"maxvcpus must not be less than current vcpus ({dom.max_vcpus} < {count})", path)
        dom.vcpus = count
    else:
        dom.vcpus = dom.max_vcpus
    # Both attributes are read as XPath strings: empty means absent.
    placement = el.get("placement")
    if placement and placement not in ("static", "auto"):
        raise DomainXMLError(f"Unsupported CPU placement mode '{placement}'", path)
    cpuset = el.get("cpuset")
    if cpuset and placement != "auto":
        dom.cpumask = _parse_cpuset(cpuset, path)


def _read_os(dom: Domain, os_el, devices) -> None:
    first = _first_children(os_el) if os_el is not None else {}
    type_el = first.get("type")
    os_type = _string(type_el)
    if os_type is None:
        if dom.bootloader is None:
            raise DomainXMLError("no OS type", "/domain/os/type")
        os_type = "xen"
    if os_type == "linux":
        os_type = "xen"
    if os_type not in _OS_TYPES:
        raise DomainXMLError(f"unknown OS type {os_type}", "/domain/os/type")
    arch = type_el.get("arch") if type_el is not None else None
    if arch:
        if arch not in _ARCHES:
            raise DomainXMLError(f"Unknown architecture {arch}", "/domain/os/type")
        if arch != "i686":
            raise DomainXMLError(f"No guest options available for arch '{arch}'",
                                 "/domain/os/type")
    osd = dom.os = OS(type=os_type, arch="i686")
    osd.loader = _child_string(first, "loader")
    osd.kernel = _child_string(first, "kernel")
    osd.initrd = _child_string(first, "initrd")
    osd.cmdline = _child_string(first, "cmdline")
    osd.root = _child_string(first, "root")
    if os_type == "hvm" and "boot" in first:
        # libvirt looks for devices with a <boot> of their own here, with
        # the OS, so this conflict is reported before any device is read
        # and before the boot devices themselves are checked.
        if devices is not None and _has_device_boot(devices):
            raise DomainXMLError("per-device boot elements cannot be used together "
                                 "with os/boot elements", "/domain/os/boot")
        boot = osd.boot
        for el in os_el.iterchildren("boot"):
            if len(boot) == _MAX_BOOT:
                break
            dev = el.get("dev")
            if dev is None:
                raise DomainXMLError("missing boot device", "/domain/os/boot")
            if dev not in _BOOT_DEVS:
                raise DomainXMLError(f"unknown boot device '{dev}'", "/domain/os/boot")
            boot.append(dev)


# The devices whose own <boot> child libvirt counts.
_DEVICE_BOOT_XPATH = "boolean(disk/boot|interface/boot|hostdev/boot|redirdev/boot)"


def _has_device_boot(devices) -> bool:
    # A compiled XPath is three times quicker than walking the devices in
    # Python; each thread has its own, as lxml serialises the use of one.
    find = getattr(_local, "device_boot", None)
    if find is None:
        find = _local.device_boot = etree.XPath(_DEVICE_BOOT_XPATH)
    return find(devices)


def _lifecycle(top, what: str, default: str, allowed) -> str:
    text = _child_string(top, what)
    if text is None:
        return default
    if text not in allowed:
        raise DomainXMLError(f"unknown lifecycle action '{text}'", f"/domain/{what}")
    return text


# Timer attributes libvirt checks, in its order, with their words.
_TIMER_WORDS = (
    ("tickpolicy", ("delay", "catchup", "merge", "discard")),
    ("track", ("boot", "guest", "wall")),
    ("mode", ("auto", "native", "emulate", "paravirt", "smpsafe")),
)


def _xpath_number_int(text: Optional[str]) -> int:
    """An XPath number() that must be a whole long long; 0 otherwise."""
    if text is None:
        return 0
    m = _XPATH_NUMBER.match(text)
    if m is None:
        return 0
    value = float(m.group(1))
    if not -(1 << 63) <= value < (1 << 63) or value != int(value):
        return 0
    return int(value)


def _read_clock(el) -> Clock:
    path = "/domain/clock"
    clock = Clock()
    # libvirt reads these attributes as XPath strings: empty means absent.
    offset = el.get("offset") or None
    if offset is not None:
        if offset not in CLOCK_OFFSETS:
            raise DomainXMLError(f"unknown clock offset '{offset}'", path)
        clock.offset = offset
        if offset in ("utc", "localtime"):
            adjustment = el.get("adjustment") or None
            if adjustment == "reset":
                clock.reset = True
            elif adjustment is not None:
                m = _INT_RE.match(adjustment)
                if m is None or not -(1 << 63) <= int(m.group(1)) < (1 << 63):
                    raise DomainXMLError(f"unknown clock adjustment '{adjustment}'", path)
                # A numeric adjustment turns the clock into a variable one.
                clock.offset = "variable"
                clock.basis = offset
                clock.adjustment = int(m.group(1))
        elif offset == "variable":
            # Read as an XPath number: what is not a whole number is 0.
            clock.adjustment = _xpath_number_int(el.get("adjustment"))
            basis = el.get("basis") or None
            if basis is not None:
                if basis not in ("utc", "localtime"):
                    raise DomainXMLError(f"unknown clock basis '{basis}'", path)
                clock.basis = basis
        else:
            tz = el.get("timezone") or None
            if tz is None:
                raise DomainXMLError(
                    "missing 'timezone' attribute for clock with offset='timezone'", path)
            clock.timezone = tz
    n = 0
    for timer in el.iterchildren("timer"):
        n += 1
        tpath = f"{path}/timer[{n}]"
        tname = timer.get("name")
        if tname is None:
            raise DomainXMLError("missing timer name", tpath)
        if tname not in TIMER_NAMES:
            raise DomainXMLError(f"unknown timer name '{tname}'", tpath)
        present = timer.get("present")
        if present is None:
            p = -1
        elif present == "yes":
            p = 1
        elif present == "no":
            p = 0
        else:
            raise DomainXMLError(f"unknown timer present value '{present}'", tpath)
        # Most timers carry a name and at most a present flag.
        if len(timer.attrib) > 1 + (present is not None):
            for attr, words in _TIMER_WORDS:
                value = timer.get(attr)
                if value is not None and value not in words:
                    raise DomainXMLError(f"unknown timer {attr} '{value}'", tpath)
        clock.timers.append(Timer(tname, p))
    return clock


# ---------------------------------------------------------------- devices

def _device_path(el) -> str:
    """Where a device is, e.g. ``/domain/devices/disk[2]``.

    Only error messages need it, so it is worked out when one is raised
    rather than for every device read.
    """
    tag = el.tag
    n = 1 + sum(1 for sibling in el.itersiblings(preceding=True) if sibling.tag == tag)
    return f"/domain/devices/{tag}[{n}]"


def _read_devices(dom: Domain, devices) -> bool:
    """Fill the device lists; True when some device carries its own <boot>."""
    hvm = dom.os.type == "hvm"
    per_device_boot = False
    seen_emulator = False
    readers = _DEVICE_READERS
    for el in devices:
        # Comments and processing instructions have non-string tags, which
        # no reader is registered under.
        tag = el.tag
        handler = readers.get(tag)
        if handler is not None:
            if handler(dom, el, hvm):
                per_device_boot = True
        elif tag == "emulator" and not seen_emulator:
            seen_emulator = True
            dom.emulator = _string(el)
    return per_device_boot


def _read_disk(dom: Domain, el, hvm: bool) -> bool:
    dtype = el.get("type")
    if dtype is None:
        dtype = "file"
    elif dtype not in DISK_TYPES:
        raise DomainXMLError(f"unknown disk type '{dtype}'", _device_path(el))
    device = el.get("device")
    if device is None:
        device = "disk"
    elif device not in DISK_DEVICES:
        raise DomainXMLError(f"unknown disk device '{device}'", _device_path(el))
    disk = Disk(type=dtype, device=device)
    source_el = target_el = driver_el = None
    boot = False
    for child in el:
        ctag = child.tag
        if ctag == "source":
            if source_el is None:
                source_el = child
        elif ctag == "target":
            if target_el is None:
                target_el = child
        elif ctag == "driver":
            if driver_el is None:
                driver_el = child
        elif ctag == "readonly":
            disk.readonly = True
        elif ctag == "shareable":
            disk.shareable = True
        elif ctag == "transient":
            disk.transient = True
        elif ctag == "boot":
            boot = True

    has_pool = False
    if source_el is not None:
        source_attr = _DISK_SOURCE_ATTRS.get(dtype)
        if source_attr is not None:
            disk.source = source_el.get(source_attr)
        elif dtype == "network":
            if source_el.get("protocol") is None:
                raise DomainXMLError("missing network source protocol type", _device_path(el))
            disk.source = source_el.get("name")
            has_pool = source_el.find("host") is not None
        else:
            has_pool = source_el.get("pool") is not None and source_el.get("volume") is not None

    target = target_el.get("dev") if target_el is not None else None
    if target is not None and target.startswith("ioemu:"):
        target = target[6:]
    # libvirt looks for the source before it insists on a target.
    if disk.source is None and not has_pool and device in ("disk", "lun"):
        raise DomainXMLError("no source for disk" if target is None else
                             f"no source for disk {target}", _device_path(el))
    if target is None:
        raise DomainXMLError("missing target device", _device_path(el))
    disk.target = target

    if device == "cdrom":
        disk.readonly = True

    bus = target_el.get("bus")
    if bus is not None:
        if bus not in DISK_BUSES:
            raise DomainXMLError(f"unknown disk bus type '{bus}'", _device_path(el))
    elif device == "floppy":
        bus = "fdc"
    else:
        bus = _BUS_BY_PREFIX.get(target[:2]) or _BUS_BY_PREFIX.get(target[:3], "ide")
    if device == "floppy":
        if bus != "fdc":
            raise DomainXMLError(f"Invalid bus type '{bus}' for floppy disk", _device_path(el))
        if not target.startswith("fd"):
            raise DomainXMLError(f"Invalid floppy device name: {target}", _device_path(el))
    else:
        if bus == "fdc":
            raise DomainXMLError(f"Invalid bus type '{bus}' for disk", _device_path(el))
        if device in ("disk", "lun") and not target.startswith(_HARDDISK_PREFIXES):
            raise DomainXMLError(f"Invalid harddisk device name: {target}", _device_path(el))
    disk.bus = bus

    if driver_el is not None:
        disk.driver_name = driver_el.get("name")
        fmt = driver_el.get("type")
        # Most drivers carry a name and a format only: the tuning words are
        # looked at when there is something else.
        if len(driver_el.attrib) > (disk.driver_name is not None) + (fmt is not None):
            _check_driver_words(driver_el, bus, el)
        if fmt is not None:
            if fmt == "aio":
                fmt = "raw"
            if fmt not in DISK_FORMATS:
                raise DomainXMLError(f"unknown driver format value '{fmt}'", _device_path(el))
            disk.driver_type = fmt

    # Same-bus disks are kept sorted by drive index; disks on other buses
    # keep their document order.  The output order follows this list.
    disks = dom.disks
    pos = None
    new_index = None
    for i in range(len(disks) - 1, -1, -1):
        other = disks[i]
        if other.bus == bus:
            if new_index is None:
                new_index = _drive_index(target)
            if _drive_index(other.target) > new_index:
                pos = i
            elif pos is None:
                pos = i + 1
    if pos is None:
        disks.append(disk)
    else:
        disks.insert(pos, disk)
    return boot


# <driver> attribute -> (the words libvirt accepts, what it is called in
# the error, whether only a virtio disk may carry it), in the order libvirt
# checks them.  "default" is refused where libvirt wants a real choice.
_DISK_DRIVER_WORDS = (
    ("cache", ("default", "none", "writethrough", "writeback", "directsync", "unsafe"),
     "cache mode", False),
    ("error_policy", ("stop", "report", "ignore", "enospace"), "error policy", False),
    ("rerror_policy", ("stop", "report", "ignore"), "read error policy", False),
    ("io", ("native", "threads"), "io mode", False),
    ("ioeventfd", ("on", "off"), "ioeventfd mode", True),
    ("event_idx", ("on", "off"), "event_idx mode", True),
    ("copy_on_read", ("on", "off"), "copy_on_read mode", False),
    ("discard", ("unmap", "ignore"), "discard mode", False),
)


def _check_driver_words(driver_el, bus: str, el) -> None:
    for attr, words, what, virtio_only in _DISK_DRIVER_WORDS:
        value = driver_el.get(attr)
        if value is None:
            continue
        if virtio_only and bus != "virtio":
            raise DomainXMLError(f"disk {what} supported only for virtio bus", _device_path(el))
        if value not in words:
            raise DomainXMLError(f"unknown disk {what} '{value}'", _device_path(el))


def _read_interface(dom: Domain, el, hvm: bool) -> bool:
    ntype = el.get("type")
    if ntype is None:
        ntype = "user"
    elif ntype not in NET_TYPES:
        raise DomainXMLError(f"unknown interface type '{ntype}'", _device_path(el))
    nic = Interface(type=ntype)
    mac = source_el = None
    boot = False
    for child in el:
        ctag = child.tag
        if ctag == "mac":
            if mac is None:
                mac = child.get("address")
        elif ctag == "source":
            if source_el is None:
                source_el = child
        elif ctag == "ip":
            if nic.ip is None and ntype in ("ethernet", "bridge"):
                nic.ip = child.get("address")
        elif ctag == "script":
            if nic.script is None:
                nic.script = child.get("path")
        elif ctag == "target":
            if nic.ifname is None:
                ifname = child.get("dev")
                # Names libvirt generated for a running guest mean nothing
                # to an inactive definition.
                if ifname is not None and not ifname.startswith("vnet"):
                    nic.ifname = ifname
        elif ctag == "model":
            nic.model = child.get("type")
        elif ctag == "boot":
            boot = True

    if mac is None:
        nic.mac = _random_mac()
    elif _MAC_CANONICAL.match(mac) is not None:
        if int(mac[:2], 16) & 1:
            raise DomainXMLError(f"expected unicast mac address, found multicast '{mac}'", _device_path(el))
        nic.mac = mac
    else:
        m = _MAC_RE.match(mac)
        if m is None:
            raise DomainXMLError(f"unable to parse mac address '{mac}'", _device_path(el))
        octets = [int(g, 16) for g in m.groups()]
        if octets[0] & 1:
            raise DomainXMLError(f"expected unicast mac address, found multicast '{mac}'", _device_path(el))
        nic.mac = ":".join(f"{o:02x}" for o in octets)

    if ntype == "bridge":
        bridge = source_el.get("bridge") if source_el is not None else None
        if bridge is None:
            raise DomainXMLError("No <source> 'bridge' attribute specified with "
                                 "<interface type='bridge'/>", _device_path(el))
        nic.bridge = bridge
    elif ntype == "network":
        network = source_el.get("network") if source_el is not None else None
        if network is None:
            raise DomainXMLError("No <source> 'network' attribute specified with "
                                 "<interface type='network'/>", _device_path(el))
        nic.network = network
    # Only the model that wins is checked; an empty one has no bad
    # character.  libvirt looks at it after the MAC and the source.
    model = nic.model
    if model and _MODEL_OK.match(model) is None:
        raise DomainXMLError("Model name contains invalid characters", _device_path(el))
    dom.interfaces.append(nic)
    return boot


def _strtoul0(text: Optional[str], what: str, el) -> int:
    """C strtoul with base 0 (0x hex, leading-0 octal, decimal)."""
    if text is None:
        return 0
    s = text.lstrip(" \t\n\v\f\r")
    if s.startswith("+"):
        s = s[1:]
    try:
        if s[:2] in ("0x", "0X"):
            return int(s[2:], 16) if s[2:].isalnum() else int("x")
        if len(s) > 1 and s.startswith("0"):
            return int(s[1:], 8)
        if not (s.isdigit() and s.isascii()):
            raise ValueError
        return int(s, 10)
    except ValueError:
        raise DomainXMLError(f"Cannot parse <address> '{what}' attribute", _device_path(el)) from None


_PCI_LIMITS = (("domain", 0xFFFF), ("bus", 0xFF), ("slot", 0x1F), ("function", 0x7))


# hostdev mode -> the source types libvirt knows for it.
_HOSTDEV_TYPES = {"subsystem": ("usb", "pci", "scsi"),
                  "capabilities": ("storage", "misc", "net")}


def _read_hostdev(dom: Domain, el, hvm: bool) -> bool:
    mode = el.get("mode")
    if mode is None:
        mode = "subsystem"
    types = _HOSTDEV_TYPES.get(mode)
    if types is None:
        raise DomainXMLError(f"unknown hostdev mode '{mode}'", _device_path(el))
    htype = el.get("type")
    if htype is None:
        raise DomainXMLError("missing source address type", _device_path(el))
    if htype not in types:
        raise DomainXMLError(f"unknown host device source address type '{htype}'", _device_path(el))
    source = address = None
    boot = False
    for child in el:
        ctag = child.tag
        if ctag == "boot":
            boot = True
        elif ctag == "source" and source is None:
            source = child
            address = next(child.iterchildren("address"), None)
    if source is None:
        raise DomainXMLError("Missing <source> element in hostdev device", _device_path(el))
    if htype != "pci":
        return boot
    if address is None:
        raise DomainXMLError("missing PCI source address", _device_path(el))
    values = []
    for what, limit in _PCI_LIMITS:
        value = _strtoul0(address.get(what), what, el)
        if value > limit:
            raise DomainXMLError(
                f"Invalid PCI address {what}='0x{value:x}', must be <= 0x{limit:X}", _device_path(el))
        values.append(value)
    dom.hostdevs.append(PciHostdev(*values, managed=el.get("managed") == "yes"))
    return boot


def _read_chr(el, kind: str) -> Chr:
    ctype = el.get("type")
    if ctype is None:
        ctype = "pty"
    elif ctype not in CHR_TYPES:
        raise DomainXMLError(f"unknown type presented to host for character device: {ctype}", _device_path(el))
    chr_ = Chr(type=ctype)
    mode = None
    path_attr = None
    protocol = None
    target_el = None
    # libvirt reads every <target> before any <source>, so a bad target
    # wins over a bad source mode found earlier in the document.
    bad_side = None
    target_types = _CHR_TARGET_TYPES[kind]
    for child in el:
        ctag = child.tag
        if ctag == "source":
            own_mode = child.get("mode")
            if mode is None:
                mode = own_mode
            if path_attr is None:
                path_attr = child.get("path")
            if ctype == "tcp" or ctype == "udp":
                # tcp: the first <source> with a mode decides for all of
                # them; udp: each <source> says for itself.
                side = mode if ctype == "tcp" else own_mode
                if side is None or side == "connect":
                    if chr_.connect_host is None:
                        chr_.connect_host = child.get("host")
                    if chr_.connect_service is None:
                        chr_.connect_service = child.get("service")
                elif side == "bind":
                    if chr_.bind_host is None:
                        chr_.bind_host = child.get("host")
                    if chr_.bind_service is None:
                        chr_.bind_service = child.get("service")
                elif bad_side is None:
                    bad_side = side
        elif ctag == "protocol":
            if protocol is None:
                protocol = child.get("type")
        elif ctag == "target":
            ttype = child.get("type")
            if ttype is not None and ttype not in target_types:
                raise DomainXMLError(
                    f"unknown target type '{ttype}' specified for character device", _device_path(el))
            if target_el is None:
                target_el = child

    chr_.port = -1
    if target_el is not None:
        ttype = target_el.get("type")
        # The first word of each list is what an absent type means.
        chr_.target_type = None if ttype is None or ttype == target_types[0] else ttype
        port = target_el.get("port")
        if port is not None and kind != "console":
            m = _INT_RE.match(port)
            if m is None or int(m.group(1)) < 0:
                raise DomainXMLError(f"Invalid port number: {port}", _device_path(el))
            chr_.port = int(m.group(1))

    if bad_side is not None:
        raise DomainXMLError(f"Unknown source mode '{bad_side}'", _device_path(el))
    if ctype in _CHR_PATH_TYPES:
        if path_attr is None:
            raise DomainXMLError("Missing source path attribute for char device", _device_path(el))
        chr_.path = path_attr
        if ctype == "unix":
            chr_.listen = mode is not None and mode != "connect"
    elif ctype == "tcp":
        if mode is None or mode == "connect":
            host, service = chr_.connect_host, chr_.connect_service
        else:
            host, service = chr_.bind_host, chr_.bind_service
            chr_.listen = True
        if host is None:
            raise DomainXMLError("Missing source host attribute for char device", _device_path(el))
        if service is None:
            raise DomainXMLError("Missing source service attribute for char device", _device_path(el))
        chr_.host, chr_.service = host, service
        chr_.connect_host = chr_.connect_service = None
        chr_.bind_host = chr_.bind_service = None
        if protocol is not None:
            if protocol not in TCP_PROTOCOLS:
                raise DomainXMLError(f"Unknown protocol '{protocol}'", _device_path(el))
            chr_.protocol = protocol
    elif ctype == "udp":
        if chr_.connect_service is None:
            raise DomainXMLError("Missing source service attribute for char device", _device_path(el))
    return chr_


def _append_port(ports: List[Chr], el, kind: str) -> bool:
    """A serial or parallel port; without a target port, one past the highest so far."""
    chr_ = _read_chr(el, kind)
    if chr_.port == -1:
        chr_.port = max((c.port for c in ports), default=-1) + 1
    ports.append(chr_)
    return False


def _read_serial(dom: Domain, el, hvm: bool) -> bool:
    return _append_port(dom.serials, el, "serial")


def _read_parallel(dom: Domain, el, hvm: bool) -> bool:
    return _append_port(dom.parallels, el, "parallel")


def _read_console(dom: Domain, el, hvm: bool) -> bool:
    chr_ = _read_chr(el, "console")
    chr_.port = len(dom.consoles)
    dom.consoles.append(chr_)
    return False


def _hvm_console_as_serial(dom: Domain) -> None:
    # An HVM guest's first console is its first serial port; when there is no
    # serial port, that console becomes serial port 0.
    if not dom.consoles or dom.serials:
        return
    console = dom.consoles[0]
    if console.target_type not in (None, "serial"):
        return
    dom.serials.append(replace(console, port=0, target_type="serial"))


def _read_input(dom: Domain, el, hvm: bool) -> bool:
    itype = el.get("type")
    if itype is None:
        raise DomainXMLError("missing input device type", _device_path(el))
    if itype not in INPUT_TYPES:
        raise DomainXMLError(f"unknown input device type '{itype}'", _device_path(el))
    bus = el.get("bus")
    if bus is not None:
        if bus not in INPUT_BUSES:
            raise DomainXMLError(f"unknown input bus type '{bus}'", _device_path(el))
        if hvm:
            if bus == "ps2" and itype == "tablet":
                raise DomainXMLError(f"ps2 bus does not support {itype} input device", _device_path(el))
            if bus == "xen":
                raise DomainXMLError(f"unsupported input bus {bus}", _device_path(el))
        elif itype == "tablet":
            raise DomainXMLError(f"xen bus does not support {itype} input device", _device_path(el))
        # Otherwise, on paravirt guests libvirt reports a non-xen bus yet
        # keeps parsing and succeeds; the device has no SEXPR form either way.
    elif hvm:
        bus = "usb" if itype == "tablet" else "ps2"
    else:
        bus = "xen"
    # The guest's built-in mouse and keyboard are implicit.
    if itype != "tablet" and bus == ("ps2" if hvm else "xen"):
        return False
    dom.inputs.append(Input(itype, bus))
    return False


def _read_graphics(dom: Domain, el, hvm: bool) -> bool:
    gtype = el.get("type")
    if gtype is None:
        raise DomainXMLError("missing graphics device type", _device_path(el))
    if gtype not in GRAPHICS_TYPES:
        raise DomainXMLError(f"unknown graphics device type '{gtype}'", _device_path(el))
    gfx = Graphics(type=gtype)
    if gtype == "vnc":
        port = el.get("port")
        if port is None:
            gfx.autoport = True
        else:
            m = None if port.isdigit() else _INT_RE.match(port)
            value = int(port) if m is None and port.isascii() and port.isdigit() else (
                int(m.group(1)) if m is not None else None)
            if value is None or not -(1 << 31) <= value < (1 << 31):
                raise DomainXMLError(f"cannot parse vnc port {port}", _device_path(el))
            gfx.port = value
            if gfx.port == -1:
                gfx.port = 0
                gfx.autoport = True
        if el.get("autoport") == "yes":
            gfx.port = 0
            gfx.autoport = True
        gfx.keymap = el.get("keymap")
        gfx.passwd = el.get("passwd")
    elif gtype == "sdl":
        gfx.display = el.get("display")
        gfx.xauth = el.get("xauth")
    if gtype in ("vnc", "rdp", "spice"):
        gfx.listen = _read_listen(el)
    dom.graphics.append(gfx)
    return False


def _read_listen(el) -> Optional[str]:
    """The address of listen #0 when it is an address listen."""
    listens = []
    n = 0
    for child in el:
        if child.tag != "listen":
            continue
        n += 1
        ltype = child.get("type")
        if ltype is None:
            raise DomainXMLError("graphics listen type must be specified", f"{_device_path(el)}/listen[{n}]")
        if ltype not in _GRAPHICS_LISTEN_TYPES:
            raise DomainXMLError(f"unknown graphics listen type '{ltype}'", f"{_device_path(el)}/listen[{n}]")
        # A network listen's address is live state, dropped when inactive;
        # an empty address is no address.
        listens.append((ltype, (child.get("address") or None) if ltype == "address" else None))
    attr = el.get("listen")
    if attr:
        if not listens:
            return attr
        found = next((a for t, a in listens if t == "address"), None)
        if found != attr:
            raise DomainXMLError(
                f"graphics listen attribute {attr} must match address attribute of "
                f"first listen element (found {found if found is not None else 'none'})", _device_path(el))
    if listens and listens[0][0] == "address":
        return listens[0][1]
    return None


def _read_sound(dom: Domain, el, hvm: bool) -> bool:
    model = el.get("model")
    if model is None:
        raise DomainXMLError("missing sound model", _device_path(el))
    if model not in SOUND_MODELS:
        raise DomainXMLError(f"unknown sound model '{model}'", _device_path(el))
    dom.sounds.append(model)
    return False


_DEVICE_READERS: Dict[str, Callable] = {
    "disk": _read_disk,
    "interface": _read_interface,
    "hostdev": _read_hostdev,
    "serial": _read_serial,
    "parallel": _read_parallel,
    "console": _read_console,
    "input": _read_input,
    "graphics": _read_graphics,
    "sound": _read_sound,
}
