"""SEXPR -> XML rules that libvirt 1.2.10's fixtures do not cover.

Each expected value is derived by hand from SEXPR2XML.md: the version
differences (domid, VNC port, dev suffixes, clocks, graphics), inactive
output and the less common keys, plus every error libvirt raised.
"""
from __future__ import annotations

import textwrap

import pytest

from fastsexpr import ConversionError, sexpr_to_xml
from fastsexpr.libvirt_xml import write_xml
from fastsexpr.xend import read_sexpr

UUID = "4f2e4b1a0c3d4e5f8a9b0c1d2e3f4a5b"
DASHED = "4f2e4b1a-0c3d-4e5f-8a9b-0c1d2e3f4a5b"
LOADER = "/usr/lib/xen/boot/hvmloader"


def pv(extra="", image="(image (linux (kernel /boot/vmlinuz)))", domid="(domid 5)"):
    return (f"(domain {domid}(name guest)(uuid {UUID})(memory 256)(maxmem 256)"
            f"(vcpus 1){image}{extra})")


def hvm(keys="", extra="", domid="(domid 5)"):
    return pv(extra, image=f"(image (hvm (kernel {LOADER}){keys}))", domid=domid)


def conv(sexpr, version=4, **kw):
    return write_xml(read_sexpr(sexpr, version, **kw))


def block(text):
    return textwrap.dedent(text).lstrip("\n")


def devices(xml):
    """The lines inside <devices>, dedented by their four spaces."""
    body = xml.split("  <devices>\n", 1)[1].split("  </devices>\n", 1)[0]
    return "".join(line[4:] + "\n" for line in body.splitlines())


def line_of(xml, tag):
    found = [line.strip() for line in xml.splitlines() if line.strip().startswith(f"<{tag}")]
    assert len(found) == 1, found
    return found[0]


def error(sexpr, version=4, **kw):
    with pytest.raises(ConversionError) as info:
        conv(sexpr, version, **kw)
    return info.value


# ------------------------------------------------------------- whole documents

def test_minimal_paravirt_document():
    xml = sexpr_to_xml(pv("(vcpu_avail 1)", domid="(domid 5)").replace("(vcpus 1)", "(vcpus 2)")
                       .replace("(memory 256)", "(memory 128)"), xend_config_version=2)
    assert xml == block(f"""
        <domain type='xen' id='5'>
          <name>guest</name>
          <uuid>{DASHED}</uuid>
          <memory unit='KiB'>262144</memory>
          <currentMemory unit='KiB'>131072</currentMemory>
          <vcpu placement='static' current='1'>2</vcpu>
          <os>
            <type>linux</type>
            <kernel>/boot/vmlinuz</kernel>
          </os>
          <clock offset='utc' adjustment='reset'/>
          <on_poweroff>destroy</on_poweroff>
          <on_reboot>restart</on_reboot>
          <on_crash>destroy</on_crash>
          <devices>
            <console type='pty'>
              <target type='xen' port='0'/>
            </console>
          </devices>
        </domain>
        """)


def test_inactive_domain_at_v4_has_no_runtime_details():
    sexpr = pv("(device (vbd (dev xvda)(uname phy:/dev/vg/a)(mode w)))"
               "(device (vif (mac 00:16:3e:00:00:01)(bridge br0)))"
               "(device (vif (mac 00:16:3e:00:00:02)(bridge br0)(vifname vnet7)))"
               "(device (vif (mac 00:16:3e:00:00:03)(bridge br0)(vifname guest-eth2)))"
               "(device (vfb (type vnc)(vncunused 1)(vncdisplay 1)))", domid="")
    assert conv(sexpr, 4) == block(f"""
        <domain type='xen'>
          <name>guest</name>
          <uuid>{DASHED}</uuid>
          <memory unit='KiB'>262144</memory>
          <currentMemory unit='KiB'>262144</currentMemory>
          <vcpu placement='static'>1</vcpu>
          <os>
            <type>linux</type>
            <kernel>/boot/vmlinuz</kernel>
          </os>
          <clock offset='utc' adjustment='reset'/>
          <on_poweroff>destroy</on_poweroff>
          <on_reboot>restart</on_reboot>
          <on_crash>destroy</on_crash>
          <devices>
            <disk type='block' device='disk'>
              <driver name='phy'/>
              <source dev='/dev/vg/a'/>
              <target dev='xvda' bus='xen'/>
            </disk>
            <interface type='bridge'>
              <mac address='00:16:3e:00:00:01'/>
              <source bridge='br0'/>
            </interface>
            <interface type='bridge'>
              <mac address='00:16:3e:00:00:02'/>
              <source bridge='br0'/>
            </interface>
            <interface type='bridge'>
              <mac address='00:16:3e:00:00:03'/>
              <source bridge='br0'/>
              <target dev='guest-eth2'/>
            </interface>
            <console type='pty'>
              <target type='xen' port='0'/>
            </console>
            <input type='mouse' bus='xen'/>
            <input type='keyboard' bus='xen'/>
            <graphics type='vnc' port='-1' autoport='yes'/>
          </devices>
        </domain>
        """)


def test_inactive_fixed_vnc_port_is_kept():
    # vncdisplay 1 -> port 5901; vncunused 0 and a known port: no autoport.
    xml = conv(pv("(device (vfb (type vnc)(vncunused 0)(vncdisplay 1)))", domid=""), 3)
    assert line_of(xml, "graphics") == "<graphics type='vnc' port='5901' autoport='no'/>"


# ------------------------------------------------------------------ versions

@pytest.mark.parametrize("version", [1, 2])
def test_domid_required_before_v3(version):
    err = error(pv(domid=""), version)
    assert err.path == "domain/domid"
    assert "missing id" in err.reason


@pytest.mark.parametrize("version", [3, 4])
def test_domid_optional_from_v3(version):
    assert conv(pv(domid=""), version).startswith("<domain type='xen'>\n")


def test_old_vnc_port_is_5900_plus_domid_at_v1_only():
    sexpr = hvm("(vnc 1)", domid="(domid 7)")
    assert line_of(conv(sexpr, 1), "graphics") == "<graphics type='vnc' port='5907' autoport='no'/>"
    # From V2 the port comes from xenstore only; unknown means autoport.
    assert line_of(conv(sexpr, 2), "graphics") == "<graphics type='vnc' port='-1' autoport='yes'/>"
    # A port from xenstore is used as is.
    assert (line_of(conv(sexpr, 2, vncport=5911), "graphics")
            == "<graphics type='vnc' port='5911' autoport='no'/>")


def test_old_vnc_port_for_domain0_at_v1():
    xml = conv(hvm("(vnc 1)", domid="(domid 0)"), 1)
    assert line_of(xml, "graphics") == "<graphics type='vnc' port='5900' autoport='no'/>"


def test_old_vnc_ignores_vncdisplay():
    xml = conv(hvm("(vnc 1)(vncdisplay 3)"), 2)
    assert line_of(xml, "graphics") == "<graphics type='vnc' port='-1' autoport='yes'/>"


def test_dev_suffixes_kept_verbatim_at_v1():
    sexpr = hvm(extra="(device (vbd (dev hdb:disk)(uname file:/a.img)(mode w)))"
                      "(device (vbd (dev hdc:cdrom)(uname file:/b.iso)(mode r)))")
    assert devices(conv(sexpr, 1)) == block("""
        <disk type='file' device='disk'>
          <driver name='file'/>
          <source file='/a.img'/>
          <backingStore/>
          <target dev='hdb:disk' bus='ide'/>
        </disk>
        <disk type='file' device='disk'>
          <driver name='file'/>
          <source file='/b.iso'/>
          <backingStore/>
          <target dev='hdc:cdrom' bus='ide'/>
          <readonly/>
        </disk>
        """)


@pytest.mark.parametrize("version", [2, 3, 4])
def test_dev_suffixes_name_the_device_from_v2(version):
    sexpr = hvm(extra="(device (vbd (dev hdb:disk)(uname file:/a.img)(mode w)))"
                      "(device (vbd (dev hdc:cdrom)(uname file:/b.iso)(mode r)))"
                      "(device (vbd (dev hdd:tape)(uname file:/c.img)(mode w)))")
    d = read_sexpr(sexpr, version)
    assert [(x.target, x.device) for x in d.disks] == [
        ("hdb", "disk"), ("hdc", "cdrom"), ("hdd", "disk")]


def test_cdrom_without_source_needs_hvm_and_a_cdrom_suffix():
    ok = hvm(extra="(device (vbd (dev hdc:cdrom)(mode r)))")
    assert devices(conv(ok, 2)) == block("""
        <disk type='file' device='cdrom'>
          <backingStore/>
          <target dev='hdc' bus='ide'/>
          <readonly/>
        </disk>
        """)
    err = error(pv("(device (vbd (dev xvdc:cdrom)(mode r)))"))
    assert err.path == "domain/device/vbd/uname" and "has no src" in err.reason
    # The suffix is measured from the first ':', so an ioemu: prefix defeats it.
    assert "has no src" in error(hvm(extra="(device (vbd (dev ioemu:hdc:cdrom)))")).reason


def test_v1_image_cdrom_is_a_disk_only_at_v1():
    sexpr = hvm("(cdrom /iso/boot.iso)")
    assert "<source file='/iso/boot.iso'/>" in conv(sexpr, 1)
    assert "boot.iso" not in conv(sexpr, 2)
    # An empty (cdrom '') adds nothing.
    assert "<disk" not in conv(hvm("(cdrom '')"), 1)


def test_v4_hvm_clock_is_variable():
    sexpr = hvm("(localtime 1)(rtc_timeoffset 3600)")
    assert line_of(conv(sexpr, 4), "clock") == (
        "<clock offset='variable' adjustment='3600' basis='localtime'/>")
    assert line_of(conv(sexpr, 3), "clock") == "<clock offset='localtime' adjustment='reset'/>"
    assert line_of(conv(hvm(), 4), "clock") == (
        "<clock offset='variable' adjustment='0' basis='utc'/>")


def test_v4_hvm_clock_with_hpet_timer():
    xml = conv(hvm("(hpet 1)"), 4)
    assert ("  <clock offset='variable' adjustment='0' basis='utc'>\n"
            "    <timer name='hpet' present='yes'/>\n"
            "  </clock>\n") in xml
    # (hpet 0) turns the timer off; a value other than 0/1 prints no present.
    assert "<timer name='hpet' present='no'/>" in conv(hvm("(hpet 0)"), 3)
    assert "<timer name='hpet'/>" in conv(hvm("(hpet 2)"), 3)


@pytest.mark.parametrize("version", [1, 2, 3, 4])
def test_hpet_without_a_value_adds_no_timer(version):
    # libvirt asked for the key's value list (sexpr_lookup), not only the
    # key, so a bare (hpet) is no timer at all and the clock stays one line.
    xml = conv(hvm("(hpet)"), version)
    assert "<timer" not in xml
    assert line_of(xml, "clock").endswith("/>")


def test_paravirt_clock_is_reset_at_every_version():
    assert line_of(conv(pv("(localtime 1)"), 4), "clock") == (
        "<clock offset='localtime' adjustment='reset'/>")


def test_image_localtime_overrides_top_level():
    assert line_of(conv(hvm("(localtime 0)", extra="(localtime 1)"), 2), "clock") == (
        "<clock offset='utc' adjustment='reset'/>")
    assert line_of(conv(hvm("(localtime 0x1)"), 2), "clock") == (
        "<clock offset='localtime' adjustment='reset'/>")
    pv_image = "(image (linux (kernel /k)(localtime 1)))"
    assert line_of(conv(pv(image=pv_image), 4), "clock") == (
        "<clock offset='localtime' adjustment='reset'/>")


@pytest.mark.parametrize("kind", ["hvm", "linux"])
def test_bad_image_localtime_is_an_error(kind):
    sexpr = pv(image=f"(image ({kind} (kernel {LOADER})(localtime yes)))")
    err = error(sexpr, 2)
    assert err.path == f"domain/image/{kind}/localtime"
    assert err.reason == "unknown localtime offset yes"


# ------------------------------------------------------------------ graphics

def test_vfb_wins_over_image_vnc():
    sexpr = hvm("(vnc 1)(keymap de)", extra="(device (vfb (type sdl)(display :1)))")
    assert line_of(conv(sexpr, 3), "graphics") == "<graphics type='sdl' display=':1'/>"


def test_image_sdl():
    xml = conv(pv(image="(image (linux (kernel /k)(sdl 1)(display :0.0)"
                        "(xauthority /root/.Xauthority)))"), 2)
    assert devices(xml).endswith(block("""
        <input type='mouse' bus='xen'/>
        <input type='keyboard' bus='xen'/>
        <graphics type='sdl' display=':0.0' xauth='/root/.Xauthority'/>
        """))


def test_image_vnc_takes_precedence_over_sdl_and_needs_a_leading_1():
    assert "type='vnc'" in conv(hvm("(vnc 1)(sdl 1)"), 2)
    assert "type='sdl'" in conv(hvm("(vnc 0)(sdl 1)"), 2)
    assert "type='vnc'" in conv(hvm("(vnc 12)"), 2)
    assert "<graphics" not in conv(hvm("(vnc yes)(sdl 0)"), 2)


def test_vfb_type_from_vnc_or_sdl_keys():
    # Any value of vnc, even 0, means vnc.
    assert "type='vnc'" in conv(pv("(device (vfb (vnc 0)))"), 3)
    assert "<graphics type='sdl'/>" in conv(pv("(device (vfb (sdl 1)))"), 3)


@pytest.mark.parametrize("vfb,word", [("(vfb (vncunused 1))", "unknown"),
                                      ("(vfb (type fancy))", "fancy")])
def test_vfb_unknown_type(vfb, word):
    err = error(pv(f"(device {vfb})"), 3)
    assert err.path == "domain/device/vfb/type"
    assert err.reason == f"unknown graphics type '{word}'"


def test_vfb_rdp_is_refused():
    assert error(pv("(device (vfb (type rdp)))"), 3).path == "domain/device/vfb/type"


def test_vnc_listen_keymap_and_no_password():
    xml = conv(pv("(device (vfb (type vnc)(vnclisten 127.0.0.1)(vncpasswd s3cret)"
                  "(keymap en-us)(vncdisplay 5950)))"), 3)
    assert devices(xml).endswith(block("""
        <graphics type='vnc' port='5950' autoport='no' listen='127.0.0.1' keymap='en-us'>
          <listen type='address' address='127.0.0.1'/>
        </graphics>
        """))
    assert "s3cret" not in xml


def test_only_first_vfb_counts():
    xml = conv(pv("(device (vfb (type sdl)))(device (vfb (type vnc)))"), 3)
    assert xml.count("<graphics") == 1 and "type='sdl'" in xml


# -------------------------------------------------------------------- HVM OS

def test_hvm_kernel_is_the_loader_without_explicit_loader():
    xml = conv(hvm("(boot d)"), 2)
    assert "<loader type='rom'>/usr/lib/xen/boot/hvmloader</loader>" in xml
    assert "<kernel>" not in xml and "<boot dev='cdrom'/>" in xml


def test_hvm_empty_kernel_without_loader_is_an_error():
    sexpr = pv(image="(image (hvm (kernel '')(boot c)))")
    err = error(sexpr, 2)
    assert err.path == "domain/image/hvm/loader" and "missing HVM loader" in err.reason


def test_hvm_explicit_loader_and_real_kernel():
    sexpr = pv(image=f"(image (hvm (loader {LOADER})(kernel /boot/vmlinuz)(ramdisk /boot/initrd)"
                     "(args 'console=ttyS0')(root /dev/sda1)(boot c)))")
    os_part = conv(sexpr, 2).split("  <os>\n")[1].split("  </os>\n")[0]
    assert textwrap.dedent(os_part) == block(f"""
            <type>hvm</type>
            <loader type='rom'>{LOADER}</loader>
            <kernel>/boot/vmlinuz</kernel>
            <initrd>/boot/initrd</initrd>
            <cmdline>console=ttyS0</cmdline>
            <root>/dev/sda1</root>
        """)


def test_hvm_kernel_equal_to_loader_is_dropped():
    sexpr = pv(image=f"(image (hvm (loader {LOADER})(kernel {LOADER})(boot n)))")
    os_part = conv(sexpr, 2).split("  <os>\n")[1].split("  </os>\n")[0]
    assert "<kernel>" not in os_part and "<boot dev='network'/>" in os_part


def test_boot_letters():
    d = read_sexpr(hvm("(boot axnc)"), 2)
    assert d.os.boot == ["fd", "network", "hd"]
    # At most four entries.
    assert read_sexpr(hvm("(boot cdnac)"), 2).os.boot == ["hd", "cdrom", "network", "fd"]


def test_features_in_libvirt_order():
    xml = conv(hvm("(viridian 1)(hap 1)(apic 0)(pae 0x1)(acpi 1)"), 2)
    assert ("  <features>\n    <acpi/>\n    <pae/>\n    <hap/>\n    <viridian/>\n"
            "  </features>\n") in xml
    # Features are HVM only.
    assert "<features>" not in conv(pv(image="(image (linux (kernel /k)(acpi 1)))"), 2)


def test_description_and_paravirt_root():
    xml = conv(pv("(description 'web server')",
                  image="(image (linux (kernel /k)(root '/dev/xvda1 ro')))"), 2)
    assert "  <uuid>" + DASHED + "</uuid>\n  <description>web server</description>\n" in xml
    assert "    <kernel>/k</kernel>\n    <root>/dev/xvda1 ro</root>\n" in xml


# ---------------------------------------------------------- PV boot and ids

def test_empty_paravirt_bootloader():
    xml = conv(pv("(bootloader )(bootloader_args '-q')", image=""), 2)
    # An empty bootloader still exists, so its arguments are read too.
    assert ("  <vcpu placement='static'>1</vcpu>\n  <bootloader></bootloader>\n"
            "  <bootloader_args>-q</bootloader_args>\n  <os>\n") in xml
    # Arguments without a bootloader are ignored.
    assert "bootloader" not in conv(pv("(bootloader_args '-q')"), 2)


def test_paravirt_without_kernel_or_bootloader():
    err = error(pv(image="(image (linux (args quiet)))"), 2)
    assert "missing kernel & bootloader" in err.reason
    # Without an image, nothing is checked.
    assert "<kernel>" not in conv(pv(image=""), 2)


@pytest.mark.parametrize("version", [1, 2, 3, 4])
def test_empty_image_is_no_image(version):
    # The OS is read only when (image ...) has members (libvirt's
    # sexpr_lookup): an empty (image) is not checked for a kernel.
    xml = conv(pv(image="(image)"), version)
    assert "  <os>\n    <type>linux</type>\n  </os>\n" in xml
    assert "<kernel>" not in xml


def test_hvm_ignores_bootloader():
    assert "<bootloader>" not in conv(hvm(extra="(bootloader /usr/bin/pygrub)"), 2)


def test_domain0_skips_os_and_console():
    xml = conv(pv(image="(image (linux (args quiet)))", domid="(domid 0)"), 2)
    assert xml.startswith("<domain type='xen' id='0'>\n")
    assert "<console" not in xml and "<kernel>" not in xml


def test_non_numeric_domid_reads_as_0():
    assert read_sexpr(pv(domid="(domid abc)"), 2).id == 0


def test_memory_and_vcpus():
    d = read_sexpr(pv().replace("(memory 256)", "(memory 1024)"), 2)
    assert (d.max_memory_kib, d.current_memory_kib) == (262144, 262144)
    d = read_sexpr(pv().replace("(maxmem 256)", ""), 2)
    assert (d.max_memory_kib, d.current_memory_kib) == (0, 0)
    d = read_sexpr(pv("(vcpu_avail 0xf0)").replace("(vcpus 1)", "(vcpus 8)"), 2)
    assert (d.max_vcpus, d.vcpus) == (8, 4)
    # More CPUs available than allowed: the maximum wins.
    d = read_sexpr(pv("(vcpu_avail 7)").replace("(vcpus 1)", "(vcpus 2)"), 2)
    assert (d.max_vcpus, d.vcpus) == (2, 2)


def test_lifecycle_words():
    d = read_sexpr(pv("(on_crash coredump-restart)(on_reboot rename-restart)"), 2)
    assert (d.on_poweroff, d.on_reboot, d.on_crash) == ("destroy", "rename-restart",
                                                        "coredump-restart")
    err = error(pv("(on_reboot coredump-restart)"))
    assert err.path == "domain/on_reboot"
    assert err.reason == "unknown lifecycle type coredump-restart"


def test_identity_errors():
    assert error(pv().replace("(name guest)", "(name '')")).path == "domain/name"
    assert error(pv().replace(f"(uuid {UUID})", "")).path == "domain/uuid"
    # libvirt reported a missing uuid with its missing-name message.
    for version in (1, 2, 3, 4):
        err = error(pv().replace(f"(uuid {UUID})", ""), version)
        assert "domain information incomplete, missing name" in err.reason
        assert err.path == "domain/uuid"
    assert error(pv().replace(UUID, UUID[:-1])).path == "domain/uuid"


def test_liberal_uuid():
    spaced = "  4f2e-4b1a 0c3d--4e5f8a9b0c1d2e3f4A5B  "
    assert read_sexpr(pv().replace(UUID, f"'{spaced}'"), 2).uuid == UUID


def test_invalid_version():
    for bad in (0, 5, "4", True):
        with pytest.raises(ValueError, match="xend_config_version"):
            read_sexpr(pv(), bad)


def test_text_is_escaped_like_libvirt():
    xml = conv(pv().replace("(name guest)", "(name 'a&b\x01')"), 2)
    assert "<name>a&amp;b</name>" in xml
    # Without any XML special, control characters stay.
    assert "<name>a\x01b</name>" in conv(pv().replace("(name guest)", "(name 'a\x01b')"), 2)


def test_tty_from_xenstore_for_paravirt_console():
    assert devices(conv(pv(), 2, tty="/dev/pts/3")) == block("""
        <console type='pty' tty='/dev/pts/3'>
          <source path='/dev/pts/3'/>
          <target type='xen' port='0'/>
        </console>
        """)


# --------------------------------------------------------------------- disks

def test_floppies_show_the_word_file():
    xml = conv(hvm("(fda /var/floppy.img)(fdb '')"), 2)
    assert devices(xml) == block("""
        <disk type='file' device='floppy'>
          <source file='file'/>
          <backingStore/>
          <target dev='fda' bus='fdc'/>
        </disk>
        """)


@pytest.mark.parametrize("vbd,reason", [
    ("(vbd (uname file:/a))", "domain information incomplete, vbd has no dev"),
    ("(vbd (dev xvda)(uname /a))", "cannot parse vbd filename '/a', missing driver name"),
    ("(tap (dev xvda)(uname tap:/a))", "cannot parse vbd filename '/a', missing driver type"),
    ("(tap (dev xvda)(uname tap:none:/a))", "Unknown driver type none:/a"),
    ("(tap (dev xvda)(uname tap:qcow3:/a))", "Unknown driver type qcow3:/a"),
])
def test_disk_errors(vbd, reason):
    assert error(pv(f"(device {vbd})"), 2).reason == reason


def test_unknown_disk_driver_fails_when_written():
    d = read_sexpr(pv("(device (vbd (dev xvda)(uname nbd:host:1)))"), 2)
    assert d.disks[0].type is None
    with pytest.raises(ConversionError) as info:
        write_xml(d)
    assert info.value.path == "/domain/devices/disk[1]"


def test_tap_drivers_and_formats():
    d = read_sexpr(pv("(device (tap (dev xvda)(uname tap:aio:/a.img)))"
                      "(device (tap2 (dev xvdb)(uname tap:qcow2:/b.img)))"
                      "(device (vbd (dev xvdc)(uname tap:vhd:/c.vhd)))"), 2)
    assert [(x.driver_name, x.driver_type, x.type, x.source) for x in d.disks] == [
        ("tap", "raw", "file", "/a.img"), ("tap2", "qcow2", "file", "/b.img"),
        ("tap", "vhd", "file", "/c.vhd")]
    assert "<driver name='tap2' type='qcow2'/>" in write_xml(d)


def test_disk_buses_and_modes():
    d = read_sexpr(hvm(extra="(device (vbd (dev sda)(uname phy:/dev/sda)(mode w!)))"
                              "(device (vbd (dev vda)(uname phy:/dev/vda)(mode r)))"), 2)
    assert [(x.bus, x.readonly, x.shareable) for x in d.disks] == [
        ("scsi", False, True), ("ide", True, False)]


def test_bootable_disk_moves_first():
    d = read_sexpr(pv("(device (vbd (dev xvda)(uname phy:/a)))"
                      "(device (vbd (dev xvdb)(uname phy:/b)))"
                      "(device (vbd (dev xvdc)(uname phy:/c)(bootable 1)))"), 2)
    # The new disk takes index 0 and the old first disk goes to the end.
    assert [x.target for x in d.disks] == ["xvdc", "xvdb", "xvda"]


# ------------------------------------------------------------------------ NICs

def test_nic_details():
    d = read_sexpr(pv("(device (vif (mac 0:16:3E:a:b:C)(script vif-bridge)(vifname web0)))"
                      "(device (vif (script vif-route)(ip 10.0.0.2)(type netfront)))"), 2)
    a, b = d.interfaces
    assert (a.type, a.bridge, a.mac, a.ifname) == ("bridge", None, "00:16:3e:0a:0b:0c", "web0")
    assert (b.type, b.mac, b.ifname, b.model, b.ip) == (
        "ethernet", "00:00:00:00:00:00", "vif5.1", "netfront", "10.0.0.2")
    assert devices(write_xml(d)).startswith(block("""
        <interface type='bridge'>
          <mac address='00:16:3e:0a:0b:0c'/>
          <script path='vif-bridge'/>
          <target dev='web0'/>
        </interface>
        <interface type='ethernet'>
          <mac address='00:00:00:00:00:00'/>
          <ip address='10.0.0.2'/>
          <script path='vif-route'/>
          <target dev='vif5.1'/>
          <model type='netfront'/>
        </interface>
        """))


@pytest.mark.parametrize("mac", ["00:16:3e:00:00", "00:16:3e:00:00:001", "00-16-3e-00-00-01",
                                 "00:16:3e:00:00:01x", "0x1:16:3e:00:00:01"])
def test_malformed_mac(mac):
    err = error(pv(f"(device (vif (mac '{mac}')))"), 2)
    assert err.reason == f"malformed mac address '{mac}'"
    assert err.path == "domain/device/vif/mac"


def test_mac_stops_at_white_space_after_six_groups():
    d = read_sexpr(pv("(device (vif (mac '00:16:3e:00:00:01 trailing')))"), 2)
    assert d.interfaces[0].mac == "00:16:3e:00:00:01"


# ------------------------------------------------------------------------- PCI

def test_only_first_pci_block_counts():
    xml = conv(pv("(device (pci (backend 0)(dev (domain 0)(bus 0x1)(slot 010)(func 7))))"
                  "(device (pci (dev (domain 1)(bus 2)(slot 3)(func 4))))"), 2)
    assert xml.count("<hostdev") == 1
    assert "<address domain='0x0000' bus='0x01' slot='0x08' function='0x7'/>" in xml


@pytest.mark.parametrize("dev,reason,path", [
    ("(dev (domain 0)(bus 0)(slot 1))", "missing PCI func", "domain/device/pci/dev/func"),
    ("(dev (domain 0)(bus 0)(slot 0x1g)(func 0))", "cannot parse PCI slot '0x1g'",
     "domain/device/pci/dev/slot"),
    ("(dev (domain 0)(bus '')(slot 1)(func 0))", "cannot parse PCI bus ''",
     "domain/device/pci/dev/bus"),
])
def test_pci_errors(dev, reason, path):
    err = error(pv(f"(device (pci {dev}))"), 2)
    assert (err.reason, err.path) == (reason, path)


# ----------------------------------------------------------- serial and chr

def test_serial_lists_with_skips():
    xml = conv(hvm("(serial (pty) (none /dev/ttyS1))"), 2)
    assert devices(xml) == block("""
        <serial type='pty'>
          <target port='0'/>
        </serial>
        <serial type='dev'>
          <source path='/dev/ttyS1'/>
          <target port='2'/>
        </serial>
        <console type='pty'>
          <target type='serial' port='0'/>
        </console>
        """)


def test_serial_list_may_not_nest():
    err = error(hvm("(serial ((pty)))"), 2)
    assert err.path == "domain/image/hvm/serial"


def test_serial_list_of_only_none_adds_nothing():
    assert "<serial" not in conv(hvm("(serial (none))"), 2)


@pytest.mark.parametrize("text,lines", [
    ("vc", ["<serial type='vc'>"]),
    ("telnets:host:23", ["<serial type='tcp'>",
                         "<source mode='connect' host='host' service='23'/>",
                         "<protocol type='telnet'/>"]),
    ("tcp::9999,server", ["<serial type='tcp'>",
                          "<source mode='bind' host='(null)' service='9999'/>",
                          "<protocol type='raw'/>"]),
    ("udp:remote:1@:2", ["<serial type='udp'>", "<source mode='bind' service='2'/>",
                         "<source mode='connect' host='remote' service='1'/>"]),
    ("udp::5", ["<serial type='udp'>", "<source mode='connect' service='5'/>"]),
    ("unix:/s.sock", ["<serial type='unix'>", "<source mode='connect' path='/s.sock'/>"]),
    ("file", ["<serial type='file'>", "<source path='file'/>"]),
])
def test_chr_strings(text, lines):
    serial = devices(conv(hvm(f"(serial '{text}')"), 2)).split("</serial>")[0]
    assert [line.strip() for line in serial.splitlines()] == lines + ["<target port='0'/>"]


@pytest.mark.parametrize("text,reason", [
    ("foo:bar", "unknown chr device type 'foo'"),
    ("tcp:9999", "malformed char device string"),
    ("udp:host", "malformed char device string"),
    ("udp:h:1@h2", "malformed char device string"),
])
def test_chr_errors(text, reason):
    err = error(hvm(f"(serial '{text}')"), 2)
    assert err.reason.startswith(reason) and err.path == "domain/image/hvm/serial"


def test_parallel_and_tty():
    xml = conv(hvm("(serial pty)(parallel pty)"), 2, tty="/dev/pts/9")
    # The tty belongs to serial ports only, and an HVM console is serial #0.
    assert devices(xml) == block("""
        <serial type='pty'>
          <source path='/dev/pts/9'/>
          <target port='0'/>
        </serial>
        <parallel type='pty'>
          <target port='0'/>
        </parallel>
        <console type='pty' tty='/dev/pts/9'>
          <source path='/dev/pts/9'/>
          <target type='serial' port='0'/>
        </console>
        """)


# ------------------------------------------------------------- inputs, sound

def test_usb_inputs():
    xml = conv(hvm("(usbdevice keyboard)(usbdevice disk:/x)(usbdevice mouse)"), 2)
    assert devices(xml) == block("""
        <input type='keyboard' bus='usb'/>
        <input type='mouse' bus='usb'/>
        """)


def test_sound_models():
    assert devices(conv(hvm("(soundhw 'sb16,ac97')"), 2)) == block("""
        <sound model='sb16'/>
        <sound model='ac97'/>
        """)
    assert read_sexpr(hvm("(soundhw all)"), 2).sounds == ["sb16", "es1370"]
    assert read_sexpr(hvm("(soundhw '')"), 2).sounds == []


@pytest.mark.parametrize("text,reason", [
    ("sb16,abcdefghij,ac97", "Sound model abcdefghij,ac97 too big for destination"),
    ("sb16,sb17", "unknown sound model 'sb17'"),
    ("sb16,", "unknown sound model ''"),
])
def test_sound_errors(text, reason):
    err = error(hvm(f"(soundhw '{text}')"), 2)
    assert (err.reason, err.path) == (reason, "domain/image/hvm/soundhw")


@pytest.mark.parametrize("kind", ["vbd", "tap", "tap2"])
def test_device_kind_without_members_hides_a_later_one(kind):
    # A path follows the first (vbd ...) of a device even when it is empty,
    # and an empty one is no disk: the second vbd is never looked at.
    sexpr = pv(f"(device ({kind}) ({kind} (dev xvda)(uname phy:/dev/a)))")
    assert "<disk" not in conv(sexpr, 3)


def test_empty_vif_or_pci_or_vfb_hides_a_later_one():
    sexpr = pv("(device (vif) (vif (mac 00:16:3e:00:00:01)))"
               "(device (pci) (pci (dev (domain 0)(bus 0)(slot 1)(func 0))))"
               "(device (vfb) (vfb (type vnc)))")
    xml = conv(sexpr, 3)
    assert "<interface" not in xml and "<hostdev" not in xml and "<graphics" not in xml


def test_device_block_with_several_members():
    # Only the first list of each kind counts; a member headed by a list is
    # nothing libvirt looks for.
    d = read_sexpr(pv("(device ((x) y) (vbd (dev xvda)(uname phy:/a)) (vbd (dev xvdb)(uname phy:/b))"
                      "(vif (mac 00:16:3e:00:00:09)))"), 2)
    assert [x.target for x in d.disks] == ["xvda"]
    assert [n.mac for n in d.interfaces] == ["00:16:3e:00:00:09"]


@pytest.mark.parametrize("text,found", [
    ("(vm (name guest)(uuid 4f2e4b1a0c3d4e5f8a9b0c1d2e3f4a5b))", "found (vm ...): that is a domain creation request"),
    ("(dom (name guest))", "found (dom ...)"),
    ("()", "found no (domain ...) list"),
    ("", "found no (domain ...) list"),
])
def test_root_must_be_a_domain_record(text, found):
    err = error(text, version=3)
    assert err.path == "domain"
    assert "expected a xend domain record (domain ...)" in err.reason and found in err.reason


@pytest.mark.parametrize("version,core", [(1, "missing id"), (2, "missing id"),
                                          (3, "missing name"), (4, "missing name")])
def test_root_error_carries_libvirt_message(version, core):
    # libvirt found no (domain/domid) or (domain/name) under another root.
    err = error("(vm (name guest)(domid 3))", version=version)
    assert f"domain information incomplete, {core}" in err.reason
