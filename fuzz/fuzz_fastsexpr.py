"""Fuzz fastsexpr: both SEXPR engines, both converters, every xend version.

One input (bytes) goes through every target:

* ``loads`` and ``loads_all`` in the ``xend`` and ``libvirt`` dialects, on
  bytes and on str, by the compiled engine and by the pure-Python twin: both
  must give the same tree, or the same error (class, message, position).
* the round trip ``dumps`` -> ``loads`` of every tree read (compact and
  indented), and ``dumps`` itself compared between the engines.
* ``sexpr_to_xml`` and ``xml_to_sexpr`` at xend config versions 1 to 4, each
  run by a package whose engine is compiled and by a second copy of the
  package loaded with ``FASTSEXPR_PUREPYTHON=1``: same output or same error.
  A converted output is fed once more to the opposite converter.

Anything but a returned value or a :class:`fastsexpr.FastSexprError` is a
finding, and so are: the engines disagreeing, a round trip that changes the
tree, and an output longer than ``100 * len(input) + 10_000`` characters (work
not bounded by the input).  Hangs and memory blow-ups are caught by
libFuzzer's ``-timeout`` and ``-rss_limit_mb``.

Long run (atheris, where it installs: ``pip install atheris``)::

    python fuzz/fuzz_fastsexpr.py -max_total_time=600 [corpus-dir]

The seed corpus is built at run time from libvirt 1.2.10's fixtures
(``../shared/conformance/libvirt-1.2.10`` beside the checkout, or
``FASTSEXPR_CONFORMANCE_DIR``) and the bundled ``examples/``; it is never
copied into the repository.  New inputs go to ``corpus-dir`` (default:
``$TMPDIR/fastsexpr-fuzz/corpus``), crash files to
``$TMPDIR/fastsexpr-fuzz/artifacts/`` unless ``-artifact_prefix`` is given.
Unless given otherwise, ``-timeout=10 -rss_limit_mb=2048 -max_len=16384`` are
added.  A libFuzzer dictionary is made from the seeds' words unless ``-dict`` is
given.  Any libFuzzer flag may be passed.  Counts per target (converted /
refused / known bug skipped) are printed as the run goes and at its end.

``python fuzz/fuzz_fastsexpr.py FILE...`` runs saved inputs once and explains
each finding (a crash file from libFuzzer, say); this needs no atheris, and
exits 1 when something was found.

Without atheris (it has wheels for some Python versions only), the same
targets run under hypothesis: ``tests/fuzz/test_fuzz_smoke.py`` is a short
bounded smoke (a few seconds) in the normal test suite, on its own
``python -m pytest tests/fuzz -q``, and a long run is::

    FASTSEXPR_FUZZ_EXAMPLES=200000 python -m pytest tests/fuzz -x -q

Known open bugs (none at present) are found too.
``FASTSEXPR_FUZZ_SKIP_KNOWN=1`` skips their input classes so that a long run
goes on to new ones; the smoke run always skips them.  When one is fixed,
drop its case from "known bugs" below and its strict xfail in the smoke test.
"""
from __future__ import annotations

import importlib
import os
import re
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Callable, Iterator, List, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get(
    "FASTSEXPR_CONFORMANCE_DIR",
    ROOT.parent / "shared" / "conformance" / "libvirt-1.2.10"))
VERSIONS = (1, 2, 3, 4)
DIALECTS = ("xend", "libvirt")

# An output may be this much longer than its input, no more.
OUTPUT_FACTOR = 100
OUTPUT_SLACK = 10_000

SKIP_KNOWN = os.environ.get("FASTSEXPR_FUZZ_SKIP_KNOWN", "") not in ("", "0")

# Inputs per target and outcome: ok, refused (a FastSexprError), known.
STATS: Counter = Counter()


class Finding(AssertionError):
    """A bug: what went wrong, with the input that shows it."""


# ------------------------------------------------------------ the two packages

def _load_packages():
    """``(compiled, pure)``: fastsexpr as imported (compiled engine when it is
    built) and a second, separate copy of it forced onto the pure-Python twin.

    ``pure`` is None when the first copy is pure already (no extension, or
    ``FASTSEXPR_PUREPYTHON=1``): then there is nothing to compare with.
    """
    import fastsexpr
    if not fastsexpr.HAS_SPEEDUPS:
        return fastsexpr, None
    mine = lambda name: name == "fastsexpr" or name.startswith("fastsexpr.")
    saved = {k: v for k, v in sys.modules.items() if mine(k)}
    old_env = os.environ.get("FASTSEXPR_PUREPYTHON")
    for k in saved:
        del sys.modules[k]
    os.environ["FASTSEXPR_PUREPYTHON"] = "1"
    try:
        pure = importlib.import_module("fastsexpr")
        # The package imports its parts on first use: take them all now,
        # while the pure engine is asked for and this copy's modules are
        # the ones in sys.modules.
        for name in pure.__all__:
            getattr(pure, name)
    finally:
        if old_env is None:
            del os.environ["FASTSEXPR_PUREPYTHON"]
        else:
            os.environ["FASTSEXPR_PUREPYTHON"] = old_env
        for k in [k for k in sys.modules if mine(k)]:
            del sys.modules[k]
        sys.modules.update(saved)
    assert not pure.HAS_SPEEDUPS and pure is not fastsexpr
    return fastsexpr, pure


COMPILED = PURE = None


def packages():
    global COMPILED, PURE
    if COMPILED is None:
        COMPILED, PURE = _load_packages()
    return COMPILED, PURE


# ------------------------------------------------------------- known bugs

# None open.  Issue 9 item 9 (a serial port number looping the writer) and
# item 12 (numbers over 4,300 digits, XML declarations lxml refused in
# text) are fixed; their inputs are the smoke test's FIXED cases.  A new
# known bug gets its input class recognised here and a strict xfail there.

def _known_before_xml(pkg, data) -> Optional[str]:
    """The known bug an XML input would hit, decided before running it (the
    bug may be a hang, so it cannot be run to find out)."""
    return None


def _known_after(data: bytes, failure: str) -> Optional[str]:
    """The known bug a failure is, from the input and what went wrong."""
    return None


# -------------------------------------------------------------- outcomes

def _outcome(fn: Callable, *args, **kwargs) -> Tuple:
    """("ok", value) or ("error", class name, message, position, exception)."""
    try:
        return ("ok", fn(*args, **kwargs))
    except Exception as exc:  # classified by the caller
        return ("error", type(exc).__name__, getattr(exc, "msg", str(exc)),
                getattr(exc, "pos", None), exc)


def _same(a: Tuple, b: Tuple, normalize=None) -> bool:
    if a[0] != b[0]:
        return False
    if a[0] == "ok":
        if a[1] == b[1]:
            return True
        return normalize is not None and normalize(a[1]) == normalize(b[1])
    return a[1:4] == b[1:4]


def _show(o: Tuple) -> str:
    if o[0] == "ok":
        text = repr(o[1])
        return "ok " + (text if len(text) < 600 else text[:600] + "...")
    return f"{o[1]}({o[2]!r}) at {o[3]}"


def _check_error(pkg, what: str, o: Tuple) -> None:
    if o[0] == "error" and not isinstance(o[4], pkg.FastSexprError):
        raise Finding(f"{what}: {o[1]} is not a FastSexprError: {o[2]!r}") from o[4]


def _check_bound(what: str, data, o: Tuple) -> None:
    if o[0] == "ok":
        limit = OUTPUT_FACTOR * len(data) + OUTPUT_SLACK
        if len(o[1]) > limit:
            raise Finding(f"{what}: output of {len(o[1])} characters from an input of "
                          f"{len(data)} (limit {limit})")


# Random parts of a conversion (libvirt invents a UUID and MACs).
_RANDOM = re.compile(
    r"[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}"
    r"|00:16:3e(?::[0-9a-f]{2}){3}")


def _unrandom(text: str) -> str:
    return _RANDOM.sub("R", text)


# ------------------------------------------------------------------ targets

def check_syntax(data: bytes, text: Optional[str]) -> None:
    """loads / loads_all, both dialects, bytes and str, both engines, and the
    round trip of every tree read."""
    compiled, pure = packages()
    inputs = [data] if text is None else [data, text]
    for dialect in DIALECTS:
        for name in ("loads", "loads_all"):
            first = None
            for inp in inputs:
                what = f"{name}(dialect={dialect!r}, {type(inp).__name__})"
                oc = _outcome(getattr(compiled, name), inp, dialect=dialect)
                if first is None:
                    first = oc
                elif not _same(first, oc):
                    raise Finding(f"{name}(dialect={dialect!r}): bytes and str disagree: "
                                  f"{_show(first)}; {_show(oc)}")
                _check_error(compiled, what, oc)
                if pure is not None:
                    op = _outcome(getattr(pure, name), inp, dialect=dialect)
                    _check_error(pure, what + " [pure]", op)
                    if not _same(oc, op):
                        raise Finding(f"{what}: engines disagree: compiled {_show(oc)}; "
                                      f"pure {_show(op)}")
                STATS[f"{name}/{dialect}", oc[0]] += 1
                if oc[0] == "ok" and inp is data:
                    # loads_all's list of trees is a tree too.
                    check_round_trip(oc[1])


def check_round_trip(tree) -> None:
    compiled, pure = packages()
    for indent in (None, 2):
        what = f"dumps(indent={indent})"
        oc = _outcome(compiled.dumps, tree, indent=indent)
        if oc[0] != "ok":
            raise Finding(f"{what} of a tree loads made: {_show(oc)}") from oc[4]
        text = oc[1]
        if pure is not None:
            op = _outcome(pure.dumps, tree, indent=indent)
            if not _same(oc, op):
                raise Finding(f"{what}: engines disagree: compiled {_show(oc)}; pure {_show(op)}")
        for pkg in (compiled, pure):
            if pkg is None:
                continue
            o = _outcome(pkg.loads, text)
            if o[0] != "ok" or o[1] != tree:
                raise Finding(f"{what} -> loads changed the tree: {tree!r} -> {text!r} "
                              f"-> {_show(o)}")
    STATS["dumps->loads", "ok"] += 1


def check_convert(direction: str, data, chain: bool = True) -> None:
    """One converter at every version on both packages; a converted output is
    fed to the opposite converter once (``chain``)."""
    compiled, pure = packages()
    if SKIP_KNOWN and direction == "xml_to_sexpr":
        known = _known_before_xml(compiled, data)
        if known:
            STATS[direction, "known"] += 1
            return
    outputs = []
    for v in VERSIONS:
        what = f"{direction}(xend_config_version={v}, {type(data).__name__})"
        try:
            oc = _outcome(getattr(compiled, direction), data, xend_config_version=v)
            _check_error(compiled, what, oc)
            _check_bound(what, data, oc)
            if pure is not None:
                op = _outcome(getattr(pure, direction), data, xend_config_version=v)
                _check_error(pure, what + " [pure]", op)
                if not _same(oc, op, _unrandom):
                    raise Finding(f"{what}: engines disagree: compiled {_show(oc)}; "
                                  f"pure {_show(op)}")
        except Finding as exc:
            raw = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
            known = _known_after(raw, f"{exc} {exc.__cause__!r}")
            if SKIP_KNOWN and known:
                STATS[direction, "known"] += 1
                return
            raise
        STATS[direction, oc[0]] += 1
        if oc[0] == "ok":
            outputs.append(oc[1])
    if chain and outputs:
        other = "xml_to_sexpr" if direction == "sexpr_to_xml" else "sexpr_to_xml"
        check_convert(other, outputs[-1], chain=False)


def check_input(data: bytes) -> None:
    """Every target on one input; raises :class:`Finding` for a bug."""
    try:
        text: Optional[str] = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    check_syntax(data, text)
    conv = data if text is None else text
    if b"(" in data:
        check_convert("sexpr_to_xml", conv)
    if b"<" in data:
        check_convert("xml_to_sexpr", conv)
        if text is not None and b"<?xml" in data:
            check_convert("xml_to_sexpr", data)


# --------------------------------------------------------------- seed corpus

def _fixture(path: Path) -> bytes:
    # libvirt's test loader joins backslash-newline continuations.
    return path.read_bytes().replace(b"\\\n", b"")


def seeds() -> Iterator[Tuple[str, bytes]]:
    """(name, bytes) of every libvirt fixture and bundled example."""
    folders = [(CORPUS / d, d) for d in ("sexpr2xmldata", "xml2sexprdata", "xmconfigdata")]
    folders.append((ROOT / "examples", "examples"))
    for folder, label in folders:
        for p in sorted(folder.glob("*")):
            if p.is_file() and p.suffix in (".sexpr", ".sxp", ".xml", ".cfg"):
                yield f"{label}-{p.name}", _fixture(p)


def write_seeds(folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    n = 0
    for name, data in seeds():
        (folder / name).write_bytes(data)
        n += 1
    return n


_WORD = re.compile(rb"[A-Za-z_][A-Za-z0-9_.:-]{1,30}")
_SYNTAX = [b"(", b")", b"()", b"'", b'"', b"\\x", b"\\", b"#", b"\x0b", b"\x0c", b"\x00",
           b"<", b"/>", b"</", b"='", b"&amp;", b"&#", b"<![CDATA[", b"<!--", b"<?xml",
           b"encoding=", b"0x", b"-1", b"2147483647", b"4294967296",
           b"18446744073709551616", b"\xc3\xa9", b"\xff"]


def write_dictionary(path: Path) -> int:
    """A libFuzzer dictionary: the words of the seeds (element, attribute
    and SEXPR key names, values) and the syntax that matters."""
    words = set(_SYNTAX)
    for _, data in seeds():
        words.update(_WORD.findall(data))
    lines = []
    for w in sorted(words):
        lines.append('"' + "".join(chr(b) if 32 <= b < 127 and b not in b'"\\' else f"\\x{b:02x}"
                                   for b in w) + '"')
    path.write_text("\n".join(lines) + "\n")
    return len(lines)


# ------------------------------------------------------------------ atheris

def _print_stats() -> None:
    if not STATS:
        return
    targets = sorted({t for t, _ in STATS})
    print(f"\n== fastsexpr fuzz: {_RUNS[0]} inputs; per target: ok / refused / "
          "known bug skipped", file=sys.stderr)
    for t in targets:
        print(f"  {t:24} {STATS[t, 'ok']:>10} / {STATS[t, 'error']:>10} / {STATS[t, 'known']:>6}",
              file=sys.stderr)


_RUNS = [0, 1024]
_AT_EXIT = None


def _fuzz_one(data: bytes) -> None:
    _RUNS[0] += 1
    if _RUNS[0] >= _RUNS[1]:
        _RUNS[1] *= 2
        _print_stats()
    try:
        check_input(data)
    except BaseException:
        _print_stats()
        raise


def reproduce(paths: List[str]) -> int:
    """Run saved inputs once (atheris not needed); explain each finding."""
    found = 0
    for p in paths:
        _RUNS[0] += 1
        try:
            check_input(Path(p).read_bytes())
        except Finding as exc:
            found += 1
            print(f"{p}: FINDING: {exc}", file=sys.stderr)
            if exc.__cause__ is not None:
                import traceback
                traceback.print_exception(exc.__cause__, file=sys.stderr)
        else:
            print(f"{p}: no finding", file=sys.stderr)
    _print_stats()
    return 1 if found else 0


def main(argv: List[str]) -> None:
    flags = [a for a in argv[1:] if a.startswith("-")]
    paths = [a for a in argv[1:] if not a.startswith("-")]
    if paths and all(Path(p).is_file() for p in paths):
        sys.exit(reproduce(paths))

    import atheris

    with atheris.instrument_imports(include=["fastsexpr"]):
        _, pure = packages()
    if pure is None:
        print("fastsexpr fuzz: the compiled engine is not live; fuzzing the pure "
              "engine alone (no differential check)", file=sys.stderr)
    if not (CORPUS / "cases.tsv").is_file():
        print(f"fastsexpr fuzz: no libvirt fixtures at {CORPUS} (set "
              "FASTSEXPR_CONFORMANCE_DIR); seeding from examples/ only", file=sys.stderr)

    work = Path(tempfile.gettempdir()) / "fastsexpr-fuzz"
    given = {f.split("=", 1)[0] for f in flags}
    defaults = {"-timeout": "10", "-rss_limit_mb": "2048", "-max_len": "16384",
                "-artifact_prefix": str(work / "artifacts") + "/"}
    for flag, value in defaults.items():
        if flag not in given:
            flags.append(f"{flag}={value}")
    (work / "artifacts").mkdir(parents=True, exist_ok=True)
    if not paths:
        paths = [str(work / "corpus")]
    Path(paths[0]).mkdir(parents=True, exist_ok=True)
    # Seeds are read-only input, rebuilt each run (libFuzzer adds new inputs
    # to the first directory only).
    seed_dir = work / f"seeds-{os.getpid()}"
    for stale in work.glob("seeds-*"):
        shutil.rmtree(stale, ignore_errors=True)
    n = write_seeds(seed_dir)
    if "-dict" not in given:
        write_dictionary(work / "fastsexpr.dict")
        flags.append(f"-dict={work / 'fastsexpr.dict'}")
    print(f"fastsexpr fuzz: {n} seeds from {CORPUS} and examples/ in {seed_dir}; "
          f"new inputs in {paths[0]}; skip known bugs: {SKIP_KNOWN}", file=sys.stderr)
    # libFuzzer ends the process with C exit(), past Python's atexit: the
    # final counts are printed by a C exit handler.
    import ctypes
    global _AT_EXIT
    try:
        _AT_EXIT = ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_void_p)(
            lambda status, arg: _print_stats())
        ctypes.CDLL(None).on_exit(_AT_EXIT, None)
    except (AttributeError, OSError):  # not glibc: counts only as the run goes
        pass
    atheris.Setup([argv[0]] + flags + paths + [str(seed_dir)], _fuzz_one)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
