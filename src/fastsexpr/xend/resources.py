"""Memory, vCPUs and the CPU mask.

SEXPR2XML.md 1.3 and XML2SEXPR.md section 3.  xend counts memory in MiB,
the model in KiB, and the online vCPUs as a bitmask, the model as a count:
the keys are named once here for both directions, the conversions are
each other's inverse below.
"""
from __future__ import annotations

from ..model.domain import Domain
from ..model.scalars import format_cpuset
from ..syntax import to_int, to_u64

MAX_MEMORY_KEY = "maxmem"          # max_memory_kib, in MiB
CURRENT_MEMORY_KEY = "memory"      # current_memory_kib, in MiB
MAX_VCPUS_KEY = "vcpus"            # max_vcpus
VCPU_AVAIL_KEY = "vcpu_avail"      # vcpus, as the mask of the online ones
CPUS_KEY = "cpus"                  # cpumask, as a cpuset

_U64 = (1 << 64) - 1


def read_resources(dom: Domain, top: dict) -> None:
    # C's unsigned long long: the shift to KiB wraps at 64 bits.
    max_kib = (to_u64(top.get(MAX_MEMORY_KEY)) << 10) & _U64
    cur_kib = (to_u64(top.get(CURRENT_MEMORY_KEY)) << 10) & _U64
    dom.max_memory_kib = max_kib
    dom.current_memory_kib = cur_kib if cur_kib <= max_kib else max_kib
    # libvirt 1.2.10 kept vCPU counts in 16 bits.
    max_vcpus = to_int(top.get(MAX_VCPUS_KEY)) & 0xFFFF
    # An absent mask reads as 0; to_u64("0") says so without to_u64(None)'s
    # detour through the pure engine.
    vcpus = to_u64(top.get(VCPU_AVAIL_KEY) or "0").bit_count()
    dom.max_vcpus = max_vcpus
    dom.vcpus = max_vcpus if vcpus == 0 or vcpus > max_vcpus else vcpus


def write_resources(w, d: Domain) -> None:
    """(memory C)(maxmem M)(vcpus N)[(vcpu_avail A)][(cpus SET)]"""
    # KiB to MiB as libvirt's VIR_DIV_UP: a partial MiB counts as a whole one.
    w.pair_int(CURRENT_MEMORY_KEY, -(-d.current_memory_kib // 1024))
    w.pair_int(MAX_MEMORY_KEY, -(-d.max_memory_kib // 1024))
    write_vcpus(w, d)
    if d.cpumask:
        w.pair(CPUS_KEY, format_cpuset(d.cpumask))


def write_vcpus(w, d: Domain) -> None:
    w.pair_int(MAX_VCPUS_KEY, d.max_vcpus)
    if d.vcpus < d.max_vcpus:
        # The mask is a C unsigned long; x86-64 takes the shift count modulo
        # 64, which libvirt leaves unguarded.
        w.pair_int(VCPU_AVAIL_KEY, ((1 << (d.vcpus % 64)) - 1) & _U64)
