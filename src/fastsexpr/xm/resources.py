"""Memory, vCPUs and the CPU mask (XM.md 4.1 steps 6 and 8, 5.1).

The keys are xend's (:mod:`fastsexpr.xend.resources`), as are the units:
MiB for memory, a bitmask of the online vCPUs.  libvirt's xm parser read
them with its own accessors, though: no clamp of the current memory to the
maximum, at most 32 vCPUs, CPU numbers up to 4095.
"""
from __future__ import annotations

from ..errors import ConversionError
from ..model.domain import Domain
from ..model.scalars import format_cpuset, parse_cpuset
from ..xend.resources import (
    CPUS_KEY, CURRENT_MEMORY_KEY, MAX_MEMORY_KEY, MAX_VCPUS_KEY, VCPU_AVAIL_KEY,
)
from .values import XmIn, get_string, get_ulong, silent_failure

_U64 = (1 << 64) - 1
# libvirt's defaults: 128 MiB, one vCPU, every vCPU online.
_DEFAULT_MEMORY_MIB = 128
_DEFAULT_VCPUS = 1
# The most vCPUs libvirt 1.2.10's xm parser took (MAX_VIRT_CPUS).
_MAX_VCPUS = 32
# The xm parser's CPU bitmap held CPUs 0 to 4095; all of them set is no mask.
_CPUSET_BITS = 4096


def read_resources(dom: Domain, x: XmIn) -> None:
    memory = get_ulong(x, CURRENT_MEMORY_KEY, _DEFAULT_MEMORY_MIB)
    maxmem = get_ulong(x, MAX_MEMORY_KEY, memory)
    # KiB in a C unsigned long long, and no clamp: current may exceed max.
    dom.current_memory_kib = (memory << 10) & _U64
    dom.max_memory_kib = (maxmem << 10) & _U64

    max_vcpus = get_ulong(x, MAX_VCPUS_KEY, _DEFAULT_VCPUS)
    if max_vcpus > _MAX_VCPUS:
        raise silent_failure(x, MAX_VCPUS_KEY,
                             f"{max_vcpus} vCPUs are more than the {_MAX_VCPUS} libvirt took")
    online = get_ulong(x, VCPU_AVAIL_KEY, _U64).bit_count()
    dom.max_vcpus = max_vcpus
    dom.vcpus = min(online, max_vcpus)

    text = get_string(x, CPUS_KEY, None)
    if text is not None:
        cpus = parse_cpuset(text, _CPUSET_BITS)
        if cpus is None:
            raise ConversionError(f"Failed to parse bitmap '{text}'", CPUS_KEY)
        dom.cpumask = None if len(cpus) == _CPUSET_BITS else cpus


def write_resources(d: Domain, out: dict) -> None:
    # libvirt's VIR_DIV_UP: a partial MiB counts as a whole one.
    out[MAX_MEMORY_KEY] = -(-d.max_memory_kib // 1024)
    out[CURRENT_MEMORY_KEY] = -(-d.current_memory_kib // 1024)
    out[MAX_VCPUS_KEY] = d.max_vcpus
    if d.vcpus < d.max_vcpus:
        # A C unsigned long mask; x86-64 takes the shift count modulo 64.
        out[VCPU_AVAIL_KEY] = (1 << (d.vcpus % 64)) - 1
    if d.cpumask:
        out[CPUS_KEY] = format_cpuset(d.cpumask)
