"""The guest's kind and how it boots: the (image ...) keys for the kernel
or the HVM loader, the bootloader, the boot order, HVM features and the
device model.

SEXPR2XML.md 1.2, 1.5, 1.7 and XML2SEXPR.md sections 4 and 5.2.
"""
from __future__ import annotations

from ..errors import ConversionError, DomainXMLError
from ..model.domain import OS, Domain
from ..syntax import find_key, member_values, to_int
from ..versions import pv_device_model_written

# Each OS field with its image key, in the order libvirt wrote them.  The
# reader and the writer spell the rows out (a getattr/setattr loop costs
# more than the work, on every document); tests/xend/test_topics.py holds it to this table.
KERNEL_KEYS = (("kernel", "kernel"), ("initrd", "ramdisk"), ("root", "root"),
               ("cmdline", "args"))

# libvirt's boot device <-> a letter of the HVM image's (boot LETTERS).
BOOT_LETTERS = {"fd": "a", "hd": "c", "cdrom": "d", "network": "n"}
BOOT_DEVICES = {letter: dev for dev, letter in BOOT_LETTERS.items()}
# libvirt keeps at most four boot devices (VIR_DOMAIN_BOOT_LAST).
_BOOT_MAX = 4

_IMAGE_HVM = "(image (hvm "
_IMAGE_LINUX = "(image (linux "

# Features xend carries as (name 1) in an HVM image, in output order.
HVM_FEATURES = ("acpi", "apic", "pae", "hap", "viridian")


def read_os(dom: Domain, root, top: dict):
    """Everything the image says about booting; returns the image's
    (hvm ...) or (linux ...) list (None without one) and its keys."""
    image = find_key(root, "domain/image")
    hvm_node = find_key(image, "image/hvm") if image is not None else None
    os_ = dom.os
    # An (hvm) without members is no HVM image: libvirt asked for its value.
    hvm = hvm_node is not None and len(hvm_node) > 1
    if hvm:
        image_node = hvm_node
        os_.type = "hvm"
    else:
        image_node = find_key(image, "image/linux") if image is not None else None
        os_.type = "linux"
        if "bootloader" in top:
            # (bootloader) and (bootloader '') name the empty bootloader.
            dom.bootloader = top["bootloader"] or ""
            dom.bootloader_args = top.get("bootloader_args") or None
    # The image's keys, as value() reads them ({} without an image).
    img = member_values(image_node)
    # Likewise an (image) without members is no image.
    if dom.id != 0 and image is not None and len(image) > 1:
        if hvm:
            _read_hvm_boot(os_, img)
        else:
            _read_kernel(os_, img)
            if os_.kernel is None and dom.bootloader is None:
                raise ConversionError("domain information incomplete, missing kernel & "
                                      "bootloader", "domain/image/linux/kernel")
    if hvm:
        features = dom.features
        for name in HVM_FEATURES:
            if name in img and to_int(img[name] or "0"):
                features.append(name)
    dom.emulator = img.get("device_model") or None
    return image_node, img


def _read_kernel(os_: OS, img: dict) -> None:
    # KERNEL_KEYS spelled out, as in the writer.  The empty atom counts as
    # absent (nonempty_value's rule).
    get = img.get
    os_.kernel = get("kernel") or None
    os_.initrd = get("ramdisk") or None
    os_.root = get("root") or None
    os_.cmdline = get("args") or None


def _read_hvm_boot(os_: OS, img: dict) -> None:
    loader = img.get("loader") or None
    if loader is None:
        # Old xend named hvmloader as the kernel, and had no direct boot.
        loader = img.get("kernel") or None
        if loader is None:
            raise ConversionError("domain information incomplete, missing HVM loader "
                                  "(neither loader nor kernel is set)",
                                  "domain/image/hvm/loader")
    else:
        _read_kernel(os_, img)
        # Old xend repeated hvmloader as the kernel.
        if os_.kernel == loader:
            os_.kernel = None
    os_.loader = loader
    if os_.kernel is None:
        letters = img.get("boot")
        if letters:
            devs = os_.boot
            for letter in letters:
                dev = BOOT_DEVICES.get(letter)
                if dev is not None:
                    devs.append(dev)
                    if len(devs) == _BOOT_MAX:
                        break


def write_bootloader(w, d: Domain) -> None:
    if d.bootloader is None:
        return
    if d.bootloader:
        w.pair("bootloader", d.bootloader)
    else:
        w.raw("(bootloader)")
    if d.bootloader_args is not None:
        w.pair("bootloader_args", d.bootloader_args)


def write_bootloader_image(w, d: Domain) -> bool:
    """The image of a guest with a bootloader; True if one was opened."""
    # The bootloader finds the kernel itself: only its command line is
    # passed on, and always in a linux image.
    if d.os.cmdline is None:
        return False
    w.raw(_IMAGE_LINUX)
    w.pair("args", d.os.cmdline)
    return True


def open_image(w, hvm: bool) -> None:
    w.raw(_IMAGE_HVM if hvm else _IMAGE_LINUX)


def write_kernel(w, osd: OS, hvm: bool) -> None:
    """Open the image with the kernel keys and an HVM guest's loader."""
    if hvm and osd.loader is None:
        raise DomainXMLError("no HVM domain loader", "/domain/os/loader")
    w.raw(_IMAGE_HVM if hvm else _IMAGE_LINUX)
    # hvmloader is the HVM firmware; it takes the kernel slot unless a
    # direct-boot kernel already holds it.  (pairs skips what is None.)
    w.pairs("kernel", osd.kernel, "ramdisk", osd.initrd, "root", osd.root,
            "args", osd.cmdline,
            "loader" if osd.kernel is not None else "kernel", osd.loader if hvm else None)


def write_boot(w, osd: OS) -> None:
    # No boot device means the first hard disk.
    boot = osd.boot
    if len(boot) == 1:
        # The usual one device, without building a list to join.
        w.raw(f"(boot {BOOT_LETTERS[boot[0]]})")
    else:
        w.raw(f"(boot {''.join([BOOT_LETTERS[dev] for dev in boot]) or 'c'})")


def write_features(w, d: Domain) -> None:
    features = d.features
    for feature in HVM_FEATURES:
        if feature in features:
            w.pair_int(feature, 1)


def write_emulator(w, d: Domain, hvm: bool, version: int) -> None:
    if d.emulator is not None and (hvm or pv_device_model_written(version)):
        w.pair("device_model", d.emulator)
