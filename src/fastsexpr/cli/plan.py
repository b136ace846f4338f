"""From the command line to tasks: walking the input trees, telling the
formats apart, and naming the outputs (safely, never outside ``-o``)."""
from __future__ import annotations

import operator
import os
import re
import sys
from ..model.record import NamedTuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict, Iterator, List, Optional, Sequence, Tuple

# Which file names a directory walk picks up, and as what.
EXTS_BY_FORMAT = {"sexpr": (".sxp", ".sexpr", ".sexp"), "xml": (".xml",), "xm": (".cfg",)}
SEXPR_EXTS = EXTS_BY_FORMAT["sexpr"]
INPUT_EXTS = sum(EXTS_BY_FORMAT.values(), ())
FORMATS = tuple(EXTS_BY_FORMAT)
OUT_EXT = {fmt: exts[0] for fmt, exts in EXTS_BY_FORMAT.items()}
# The output format when -t is not given.
OTHER = {"xml": "sexpr", "sexpr": "xml", "xm": "xml"}
# An input's format, told by its first significant byte.
_FORMAT_BY_FIRST_BYTE = {ord("("): "sexpr", ord("<"): "xml"}

# Files detect_format recognises that are not domain definitions in a format
# we read, by the kind it names them, and what to tell the user.
NOT_CONVERTIBLE = {
    "xl": "an xl config file (it sets '{key}', a key xm never had): xl is not supported yet",
    "xend-config": "the xend daemon's configuration (xend-config.sxp), not a domain; the "
                   "domains are in /var/lib/xend/domains/*/config.sxp, or 'xm list --long'",
}
# The patterns below are compiled where they are used (re keeps them
# compiled): most runs need none of them, and compiling them all cost a
# one-file run of the command about 2% of its time.
# An xm/xl config is Python: `key = value` lines, and a domain's has some of these keys.
_XM_ASSIGNMENT = rb"[A-Za-z_][A-Za-z0-9_]*[ \t]*="
_XM_DOMAIN_KEY = (
    rb"(?m)^[ \t]*(?:name|memory|maxmem|vcpus|kernel|bootloader|builder|disk|vif|uuid)[ \t]*=")
# Keys of xl's domain config that xm never had: a config setting one is xl's.
_XL_ONLY_KEY = (
    rb"(?m)^[ \t]*(type|maxvcpus|device_model_version|device_model_override|nestedhvm|channel|p9"
    rb"|vdispl|vsnd|usbctrl|usbdev|rdm|vkb|max_grant_frames|max_maptrack_frames"
    rb"|max_event_channels|driver_domain|altp2m|gic_version|pvshim)[ \t]*=")
# xend-config.sxp: one (setting value) list per line, the settings named
# xend-* or one of these.
_SEXPR_HEAD = rb"\([ \t\r\n]*([A-Za-z0-9_.-]+)"
_XEND_DAEMON_SETTINGS = frozenset(b"""
    logfile loglevel network-script vif-script dom0-min-mem dom0-cpus enable-dom0-ballooning
    total_available_memory vncpasswd vnc-listen vnc-tls vnc-x509-cert-dir vnc-x509-verify
    keymap external-migration-tool enable-dump device-create-timeout device-destroy-timeout
    console-limit xen-api-server xsm_module_name pci-passthrough-strict-check
    resource-label-change-script qemu-dm-logrotate-count""".split())

# xend's managed-domain store keeps one domain per <uuid>/config.sxp.
_UUID_DIR = r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"
_UNSAFE = r"[^A-Za-z0-9._+@=-]+"
_NAME_MAX = 120

# (input path, path relative to the directory it was found under, or None)
Inputs = list[tuple[str, str | None]]
# (path, why a directory walk left it out), for -v
Skipped = list[tuple[str, str]]


class UsageError(Exception):
    """A command line that cannot be carried out (exit status 2)."""


class Task(NamedTuple):
    """One input and where its output(s) go.

    A tuple, not a dataclass: one is built per input and pickled to a worker,
    and a tuple is several times cheaper at both.
    """
    index: int
    path: str                  # as the user named it; "-" is stdin
    data: Optional[bytes]      # stdin's bytes, read by the parent
    out_file: Optional[str]    # -o FILE: exactly this name
    out_stem: Optional[str]    # mirrored name without extension
    out_final: Optional[str]   # the mirrored name, when no other input can want it
    by_name_dir: Optional[str] # outputs named after the domain, in this directory
    multi_dir: Optional[str]   # where the domains of a multi-domain dump go
    root: Optional[str]        # the output directory nothing may escape


def safe_name(name: Optional[str]) -> str:
    """A domain name made into one safe file name component.

    Path separators, control characters and the like become ``_``; a name
    cannot start with a dot (no ``..``, no hidden files); empty gives ``""``.
    """
    if not name:
        return ""
    out = re.sub(_UNSAFE, "_", name).lstrip(".")
    return out[:_NAME_MAX]


def _skip_space(data: bytes, i: int) -> int:
    n = len(data)
    while i < n and data[i] in b" \t\r\n\x0b\x0c":
        i += 1
    return i


def _first_significant(data: bytes) -> int:
    """Where the text starts after a byte order mark and white space
    (``len(data)`` when there is nothing else)."""
    return _skip_space(data, 3 if data.startswith(b"\xef\xbb\xbf") else 0)


def detect_format(data: bytes) -> Optional[str]:
    """What the input is: "sexpr" or "xml" (from the first significant
    character), "xm" (``key = value`` lines), "empty", a kind of file we
    know but do not convert (a key of NOT_CONVERTIBLE), or None."""
    i = _first_significant(data)
    if i == len(data):
        return "empty"
    fmt = _FORMAT_BY_FIRST_BYTE.get(data[i])
    if fmt == "sexpr":
        return "xend-config" if _is_xend_config(data, i) else fmt
    if fmt is None:
        # Config files start with comments; what follows them tells.
        i = _past_comments(data, i)
        if _is_xm_config(data, i):
            return "xl" if xl_only_key(data) else "xm"
        if data.startswith(b"(", i) and _is_xend_config(data, i):
            return "xend-config"
    return fmt


def _past_comments(data: bytes, i: int) -> int:
    """Where the first line that is neither blank nor a # comment starts."""
    while data.startswith(b"#", i):
        end = data.find(b"\n", i)
        if end < 0:
            return len(data)
        i = _skip_space(data, end + 1)
    return i


def _is_xm_config(data: bytes, i: int) -> bool:
    """Whether the text from ``i`` reads as an xm/xl domain config
    (``name = "web01"``, ``memory = 512``): it starts with an assignment
    and sets a domain's keys. The one place that recognises the format."""
    return (re.compile(_XM_ASSIGNMENT).match(data, i) is not None
            and re.compile(_XM_DOMAIN_KEY).search(data, i) is not None)


def xl_only_key(data: bytes) -> Optional[str]:
    """The first key of the config that only xl knows, or None."""
    m = re.search(_XL_ONLY_KEY, data)
    return m.group(1).decode("ascii") if m else None


def not_convertible(detected: str, data: bytes) -> str:
    """What to tell the user about a file of a kind we know but do not convert."""
    return NOT_CONVERTIBLE[detected].format(key=xl_only_key(data))


def _is_xend_config(data: bytes, i: int) -> bool:
    """Whether the expression at ``i`` is a setting of xend's own
    configuration file rather than a domain."""
    if data.startswith(b"(domain", i):
        return False  # nearly every input: no regular expression for it
    m = re.compile(_SEXPR_HEAD).match(data, i)
    if m is None:
        return False
    head = m.group(1)
    return head.startswith(b"xend-") or head in _XEND_DAEMON_SETTINGS


def empty_input(path: str, data: bytes) -> str:
    """The message for an input with nothing but white space in it."""
    if path == "-":
        what = "only white space was" if data else "nothing was"
        return f"empty input: {what} read from standard input"
    return f"empty input: the file {'holds only white space' if data else 'is empty'}"


def is_blank(data: bytes) -> bool:
    return _first_significant(data) == len(data)


def read_stdin(what: str) -> bytes:
    """All of standard input. On a terminal, a hint first: a command run
    without a file name otherwise just sits there, looking hung."""
    if sys.stdin is None:
        raise UsageError("standard input is closed")
    if sys.stdin.isatty():
        sys.stderr.write(f"fastsexpr: reading {what} from standard input (Ctrl-D to end)\n")
        sys.stderr.flush()
    return sys.stdin.buffer.read()


def _format_by_name(path: str) -> Optional[str]:
    low = path.lower()
    for fmt, exts in EXTS_BY_FORMAT.items():
        if low.endswith(exts):
            return fmt
    return None


def _is_managed(path: str, rel: Optional[str] = None) -> bool:
    """Whether ``path`` (found as ``rel`` under a walked directory) is
    <uuid>/config.sxp of xend's managed-domain store."""
    if not path.endswith("config.sxp") or os.path.basename(path) != "config.sxp":
        return False
    parent = rel.rpartition(os.sep)[0].rpartition(os.sep)[2] if rel else ""
    if not parent:
        # Named on the command line, or in the very directory walked: the
        # path tells (it may be "config.sxp" or "../config.sxp", so it is
        # made absolute first).
        parent = os.path.basename(os.path.dirname(os.path.abspath(path)))
    return bool(re.match(_UUID_DIR, parent))


def one_of(values) -> str:
    """'a, b or c'."""
    *most, last = map(str, values)
    return f"{', '.join(most)} or {last}" if most else last


def _is_file(entry: os.DirEntry) -> bool:
    """Whether the entry is a file to convert; one that cannot be looked at
    (a symlink loop, a dangling mount) is taken too, so that reading it
    reports it as failed while the run goes on."""
    try:
        return entry.is_file()
    except OSError:
        return True


def _skip_reason(entry: os.DirEntry, exts: Tuple[str, ...]) -> str:
    """Why the walk leaves a file out (for -v)."""
    try:
        if entry.is_dir():
            return "a symbolic link to a directory (not followed)"
    except OSError as exc:
        return f"cannot be looked at: {exc.strerror}"
    if not entry.name.lower().endswith(exts):
        return f"not a {one_of(exts)} file"
    return "not a regular file"


_entry_name = operator.attrgetter("name")


def _walk(root: str, skip: Optional[Tuple[int, int]], exts: Tuple[str, ...],
          skipped: Optional[Skipped]) -> Iterator[Tuple[str, str]]:
    """(path, path relative to ``root``) of the files named ``*exts`` under
    ``root``, in a stable order, without hidden entries, symlinked
    directories or the output tree (``skip`` is its inode and device); what
    is left out goes to ``skipped`` with the reason, when it is a list."""
    stack = [("", root)]
    while stack:
        rel_dir, directory = stack.pop()
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=_entry_name)
        except OSError as exc:
            raise UsageError(f"{directory}: {exc.strerror}") from None
        subdirs = []
        for e in entries:
            if e.name.startswith("."):
                if skipped is not None:
                    skipped.append((e.path, "hidden"))
                continue
            if e.is_dir(follow_symlinks=False):
                if skip is not None and e.inode() == skip[0] \
                        and e.stat(follow_symlinks=False).st_dev == skip[1]:
                    if skipped is not None:
                        skipped.append((e.path, "the output directory"))
                    continue
                subdirs.append(e)
            elif e.name.lower().endswith(exts) and _is_file(e):
                yield e.path, rel_dir + e.name
            elif skipped is not None:
                skipped.append((e.path, _skip_reason(e, exts)))
        for e in reversed(subdirs):
            stack.append((rel_dir + e.name + os.sep, e.path))


def path_key(path: str) -> str:
    # Every output name is built from the one -o string, so normalising
    # the text is enough to tell two names apart.
    return os.path.normcase(os.path.normpath(path))


def _output_is_dir(paths: Sequence[str], output: Optional[str]) -> bool:
    if output is None:
        return False
    return (output.endswith(("/", os.sep)) or os.path.isdir(output)
            or len(paths) > 1 or any(p != "-" and os.path.isdir(p) for p in paths))


def plan_inputs(paths: Sequence[str], recursive: bool, output: Optional[str],
                exts: Tuple[str, ...] = INPUT_EXTS, skipped: Optional[Skipped] = None
                ) -> Tuple[Inputs, bool]:
    """Expand the command line into (file, path under its root directory or
    None), and say whether the output is a directory. Directories give their
    files named ``*exts``; what they hold besides goes to ``skipped``, with
    the reason, when it is a list."""
    if not paths:
        paths = ["-"]
    if paths.count("-") > 1:
        raise UsageError("stdin ('-') can be read only once")
    out_is_dir = _output_is_dir(paths, output)
    skip = None
    if out_is_dir and os.path.isdir(output):
        st = os.stat(output)
        skip = (st.st_ino, st.st_dev)
    files: Inputs = []
    for p in paths:
        if p == "-":
            files.append((p, None))
        elif os.path.isdir(p):
            if not recursive:
                raise UsageError(f"{p}: is a directory (use -r to convert the files under it)")
            files.extend(_walk(p, skip, exts, skipped))
        elif os.path.exists(p):
            files.append((p, None))
        else:
            raise UsageError(f"{p}: no such file or directory")
    return files, out_is_dir


def write_skipped(skipped: Skipped) -> None:
    """List what the directory walks left out (-v)."""
    sys.stderr.write("".join(f"skipped {path}: {why}\n" for path, why in skipped))


def dir_prefix(base: str) -> str:
    """What :func:`path_under` puts before a name: ``base`` and a separator
    (as os.path.join would), nothing for the current directory."""
    return "" if base == os.curdir else os.path.join(base, "")


def path_under(base: str, rel: str, prefix: Optional[str] = None) -> str:
    """``os.path.normpath(os.path.join(base, rel))`` for a normalised
    ``base`` and a ``rel`` made of plain names (as the walk gives): nothing
    left to normalise but the leading "./", at a fraction of the cost.
    ``prefix`` is ``dir_prefix(base)``, for a caller that makes many names."""
    if not rel:
        return base
    return (dir_prefix(base) if prefix is None else prefix) + rel


def _stdin_data(path: str) -> Optional[bytes]:
    return read_stdin("domain definitions") if path == "-" else None


def make_tasks(files: Inputs, out_is_dir: bool, output: Optional[str], to_stdout: bool,
               src: Optional[str] = None, dst: Optional[str] = None
               ) -> Tuple[List[Task], List[str], Dict[str, str]]:
    """Tasks, the output directories they need (created by the caller), and
    the output names reserved for them ({normalised path: input})."""
    if to_stdout:
        return ([Task(i, path, _stdin_data(path), None, None, None, None, None, None)
                 for i, (path, _) in enumerate(files)], [], {})
    if not out_is_dir:
        return [_file_task(i, path, output) for i, (path, _) in enumerate(files)], [], {}
    namer = _DirectoryNamer(output, src, dst)
    tasks = [namer.task(i, path, rel) for i, (path, rel) in enumerate(files)]
    return tasks, list(namer.dirs), namer.planned


def _file_task(i: int, path: str, output: str) -> Task:
    """The task of a single input whose output is the file ``-o`` names.

    Should the input turn out to hold several domains, ``-o`` names a
    directory after all, laid out as it would be with a trailing slash; the
    worker creates it then, since only reading the input tells.
    """
    as_dir = _DirectoryNamer(output, None, None).task(i, path, None)
    return as_dir._replace(out_file=output, out_stem=None, out_final=None, by_name_dir=None)


class _DirectoryNamer:
    """Where each input's outputs go in the output directory ``-o``."""

    def __init__(self, output: str, src: Optional[str], dst: Optional[str]):
        self.root = output
        self.base = os.path.normpath(output)
        self.prefix = dir_prefix(self.base)
        self.src, self.dst = src, dst
        self.dirs: Dict[str, None] = {}      # the directories needed, in first-use order
        self.planned: Dict[str, str] = {}    # reserved output key -> input

    def task(self, i: int, path: str, rel: Optional[str]) -> Task:
        root = self.root
        if path == "-":
            self.dirs[root] = None
            return Task(i, path, _stdin_data(path), None, None, None, root, root, root)
        if rel is None:
            rel = os.path.basename(path)
        if _is_managed(path, rel):
            d = path_under(self.base, os.path.dirname(os.path.dirname(rel)))
            self.dirs[d] = None
            return Task(i, path, None, None, None, None, d, d, root)
        stem = path_under(self.base, os.path.splitext(rel)[0], self.prefix)
        self.dirs[os.path.dirname(stem)] = None
        return Task(i, path, None, None, stem, self._reserve(path, stem), None, stem, root)

    def _reserve(self, path: str, stem: str) -> Optional[str]:
        """The mirrored output name, reserved now when it is known and no
        other input can want it, so that the worker installs it itself
        (sparing the parent a rename per file); None leaves the naming to
        the parent, in input order."""
        fmt = self.src or _format_by_name(path)
        if fmt is None:
            return None
        ext = OUT_EXT[self.dst or OTHER[fmt]]
        final = stem + ext
        key = os.path.normcase(final)  # already normalised: path_key(final)
        # Is it the input itself? Only if the names are the same, which
        # needs the same extension: most inputs are told apart at once.
        if key in self.planned or (path.endswith(ext)
                                   and os.path.basename(final) == os.path.basename(path)
                                   and os.path.abspath(final) == os.path.abspath(path)):
            return None
        self.planned[key] = path
        return final
