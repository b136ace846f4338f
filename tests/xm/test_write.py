"""domain XML -> xm config (XM.md sections 5 and 8), as libvirt 1.2.10's
``domxml-to-native xen-xm`` converted it.

Every expected value is worked out by hand from the spec's rules and the
oracle probes it quotes, never taken from our own output.
"""
from __future__ import annotations

import pytest

from fastsexpr import ConversionError, DomainXMLError, xml_to_xm

UUID = "c7a5fdb0-cdaf-9455-926a-d65c16db1809"
LOADER = "/usr/lib/xen/boot/hvmloader"


def pv_xml(devices: str = "", extra: str = "", os: str = "<kernel>/k</kernel>",
           name: str = "a") -> str:
    return (f"<domain type='xen'><name>{name}</name><uuid>{UUID}</uuid>"
            f"<memory>1024</memory>{extra}<os><type>linux</type>{os}</os>"
            f"<devices>{devices}</devices></domain>")


def hvm_xml(devices: str = "", extra: str = "", os: str = "") -> str:
    return (f"<domain type='xen'><name>a</name><uuid>{UUID}</uuid>"
            f"<memory>1024</memory>{extra}<os><type>hvm</type><loader>{LOADER}</loader>"
            f"{os}</os><devices>{devices}</devices></domain>")


# What every PV config of pv_xml() starts and ends with (XM.md 5.1).
PV_HEAD = (f'name = "a"\nuuid = "{UUID}"\nmaxmem = 1\nmemory = 1\nvcpus = 1\n'
           'kernel = "/k"\n')
PV_TAIL = 'localtime = 0\non_poweroff = "destroy"\non_reboot = "restart"\non_crash = "destroy"\n'
HVM_HEAD = (f'name = "a"\nuuid = "{UUID}"\nmaxmem = 1\nmemory = 1\nvcpus = 1\n'
            f'builder = "hvm"\nkernel = "{LOADER}"\nboot = "c"\npae = 0\nacpi = 0\napic = 0\n')
HVM_TAIL = PV_TAIL + 'parallel = "none"\nserial = "none"\n'


def xm(xml: str, version: int = 2) -> str:
    return xml_to_xm(xml, xend_config_version=version)


def refused(xml: str, version: int = 2) -> ConversionError:
    with pytest.raises(ConversionError) as info:
        xm(xml, version)
    return info.value


def lines(text: str) -> dict:
    return dict(line.split(" = ", 1) for line in text.splitlines())


# ------------------------------------------------------------- the skeleton

def test_minimal_pv_guest():
    assert xm(pv_xml()) == PV_HEAD + PV_TAIL


def test_minimal_hvm_guest():
    assert xm(hvm_xml()) == HVM_HEAD + HVM_TAIL


def test_pv_os_keys_and_dropped_root():
    os = ("<kernel>/k</kernel><initrd>/i</initrd><cmdline>ro</cmdline>"
          "<root>/dev/sda1</root>")
    extra = "<bootloader>/usr/bin/pygrub</bootloader><bootloader_args>-q</bootloader_args>"
    assert xm(pv_xml(os=os, extra=extra)) == (
        f'name = "a"\nuuid = "{UUID}"\nmaxmem = 1\nmemory = 1\nvcpus = 1\n'
        'bootloader = "/usr/bin/pygrub"\nbootargs = "-q"\nkernel = "/k"\nramdisk = "/i"\n'
        'extra = "ro"\n' + PV_TAIL)


def test_hvm_boot_order_and_dropped_kernel():
    os = ("<kernel>/k</kernel><boot dev='network'/><boot dev='fd'/><boot dev='cdrom'/>"
          "<boot dev='hd'/>")
    assert lines(xm(hvm_xml(os=os)))["boot"] == '"nadc"'
    assert "/k" not in xm(hvm_xml(os=os))


def test_memory_rounds_up_to_mib():
    out = lines(xm(pv_xml(extra="<currentMemory>1023</currentMemory>").replace(
        "<memory>1024</memory>", "<memory>1025</memory>")))
    assert (out["maxmem"], out["memory"]) == ("2", "1")


@pytest.mark.parametrize("current,mask", [(2, "3"), (63, "9223372036854775807"), (64, "0"),
                                          (65, "1")])
def test_vcpu_avail(current, mask):
    out = lines(xm(pv_xml(extra=f"<vcpu current='{current}'>70</vcpu>")))
    assert (out["vcpus"], out["vcpu_avail"]) == ("70", mask)


def test_cpus():
    assert lines(xm(pv_xml(extra="<vcpu cpuset='5,0-3'>2</vcpu>")))["cpus"] == '"0-3,5"'


def test_features_and_hpet():
    extra = ("<features><apic/><pae/></features><clock offset='utc'>"
             "<timer name='hpet' present='no'/><timer name='hpet'/></clock>")
    out = xm(hvm_xml(extra=extra))
    assert "pae = 1\nacpi = 0\napic = 1\nhpet = 0\nlocaltime = 0\n" in out


def test_second_hpet_timer_overwrites_in_place():
    extra = ("<clock offset='utc'><timer name='hpet' present='no'/>"
             "<timer name='hpet' present='yes'/></clock>")
    assert "apic = 0\nhpet = 1\nlocaltime = 0\n" in xm(hvm_xml(extra=extra))


def test_lifecycle_and_emulator_of_a_pv_guest():
    extra = "<on_crash>coredump-restart</on_crash>"
    out = xm(pv_xml(extra=extra, devices="<emulator>/usr/bin/qemu-dm</emulator>"))
    assert out.endswith('on_crash = "coredump-restart"\ndevice_model = "/usr/bin/qemu-dm"\n')


def test_description_is_never_written():
    assert xm(pv_xml(extra="<description>web</description>")) == PV_HEAD + PV_TAIL


# ------------------------------------------------------------- clock (5.2)

@pytest.mark.parametrize("clock,version,keys", [
    ("<clock offset='localtime'/>", 2, "localtime = 1\n"),
    ("<clock offset='localtime' adjustment='reset'/>", 3, "localtime = 1\n"),
    ("<clock offset='utc'/>", 4, "rtc_timeoffset = 0\nlocaltime = 0\n"),
    ("<clock offset='variable' adjustment='-30' basis='localtime'/>", 4,
     "rtc_timeoffset = -30\nlocaltime = 1\n"),
    ("<clock offset='variable' adjustment='4294967297'/>", 4,
     "rtc_timeoffset = 1\nlocaltime = 0\n"),
    ("<clock offset='localtime' adjustment='7'/>", 4, "rtc_timeoffset = 7\nlocaltime = 1\n"),
])
def test_hvm_clock(clock, version, keys):
    # The clock keys follow the features (hap and viridian from version 3).
    last_feature = "viridian = 0\n" if version >= 3 else "apic = 0\n"
    assert last_feature + keys + "on_poweroff" in xm(hvm_xml(extra=clock), version)


@pytest.mark.parametrize("clock,version,reason", [
    ("<clock offset='utc' adjustment='reset'/>", 4, "unsupported clock adjustment='reset'"),
    ("<clock offset='variable' adjustment='5'/>", 3, "unsupported clock offset='variable'"),
    ("<clock offset='timezone' timezone='Europe/Paris'/>", 4,
     "unsupported clock offset='timezone'"),
])
def test_hvm_clock_errors(clock, version, reason):
    error = refused(hvm_xml(extra=clock), version)
    assert isinstance(error, DomainXMLError) and error.reason == reason


def test_pv_clock_at_v4():
    out = xm(pv_xml(extra="<clock offset='localtime' adjustment='reset'/>"), 4)
    assert "rtc_timeoffset" not in out and "localtime = 1\n" in out
    assert refused(pv_xml(extra="<clock offset='variable'/>"), 4).reason == (
        "unsupported clock offset='variable'")


# ------------------------------------------------------------- disks (5.3)

def disk(kind="file", device="disk", source="file='/a.img'", target="hda", driver="",
         extra=""):
    src = f"<source {source}/>" if source else ""
    return (f"<disk type='{kind}' device='{device}'>{driver}{src}"
            f"<target dev='{target}'/>{extra}</disk>")


@pytest.mark.parametrize("xml_disk,entry", [
    (disk(), "file:/a.img,hda,w"),
    (disk(driver="<driver name='tap'/>"), "file:/a.img,hda,w"),
    (disk(driver="<driver name='tap' type='qcow2'/>"), "tap:qcow2:/a.img,hda,w"),
    (disk(driver="<driver name='tap' type='raw'/>"), "tap:aio:/a.img,hda,w"),
    (disk(driver="<driver name='tap2' type='raw'/>"), "tap2:/a.img,hda,w"),
    (disk(driver="<driver name='qemu' type='qcow2'/>"), "qemu:/a.img,hda,w"),
    (disk("block", source="dev='sda'"), "phy:sda,hda,w"),
    (disk(source="file='/a,b.img'", extra="<shareable/>"), "file:/a,b.img,hda,!"),
    (disk(device="cdrom", source=None, target="hdc"), ",hdc:cdrom,r"),
])
def test_disk_entries(xml_disk, entry):
    assert lines(xm(hvm_xml(xml_disk)))["disk"] == f'[ "{entry}" ]'


def test_floppies_are_dropped():
    floppy = "<disk type='file' device='floppy'><source file='/f.img'/><target dev='fda'/></disk>"
    assert "disk" not in lines(xm(hvm_xml(floppy)))


@pytest.mark.parametrize("xml_disk,reason", [
    ("<disk type='dir' device='disk'><source dir='/d'/><target dev='hda'/></disk>",
     "unsupported disk type dir"),
    ("<disk type='network' device='disk'><source protocol='nbd' name='n'/>"
     "<target dev='hda'/></disk>", "unsupported disk type network"),
    (disk(extra="<transient/>"), "transient disks not supported yet"),
])
def test_disk_errors(xml_disk, reason):
    error = refused(hvm_xml(xml_disk))
    assert isinstance(error, DomainXMLError) and error.reason == reason


def test_format_without_driver_name_is_refused():
    # libvirt 1.2.10 crashed on this one.
    error = refused(hvm_xml(disk(driver="<driver type='qcow2'/>")))
    assert isinstance(error, DomainXMLError) and "driver name" in error.reason


def test_unescaped_paths_and_quoting():
    source = "file='/a&apos;&quot;b.img'"
    assert lines(xm(hvm_xml(disk(source=source))))["disk"] == '[ """file:/a\'"b.img,hda,w""" ]'


# ------------------------------------------------------------- size limit (5.8)

def test_configs_of_4096_bytes_fail():
    # PV_HEAD + PV_TAIL with a one-letter name is this many bytes; a longer
    # name adds its extra letters.
    base = len((PV_HEAD + PV_TAIL).encode())
    fits = "n" * (4095 - base + 1)
    assert len(xm(pv_xml(name=fits)).encode()) == 4095
    with pytest.raises(ConversionError):
        xm(pv_xml(name=fits + "n"))
