"""What a worker process does with one input: read it, convert each of its
domains, and stage or install the outputs; and the failure record every
error becomes.

Everything sent to a worker lives here or in :mod:`.plan`: :class:`Settings`
and :class:`~.plan.Task`; the results are plain dicts.
"""
from __future__ import annotations

import codecs
import gc
import itertools
import os
import time
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import BinaryIO, Callable, Dict, Iterable, Iterator, List, Optional, Tuple

from ..errors import ConversionError, DomainXMLError, FastSexprError, SexprSyntaxError
from ..model.host import DEFAULT_HOST_ARCH
from ..model.record import record
from ..model.scalars import format_uuid
from ..xend.dumps import iter_domains
from ..xend.streaming import CHUNK
from .files import make_dump_dir, tmp_name, write_tmp
from .plan import (
    NOT_CONVERTIBLE, OTHER, OUT_EXT, Task, detect_format, empty_input, not_convertible, safe_name,
)


@record
class Settings:
    src: Optional[str]         # forced input format, or None to detect
    dst: Optional[str]         # forced output format, or None for the other one
    version: int
    token: str                 # names this run's temporary files
    to_stdout: bool
    force: bool = False
    # Whether every result must be sent back in full (for --report); without
    # it an input converted and installed by a worker comes back as DONE.
    detail: bool = True
    host_arch: str = DEFAULT_HOST_ARCH
    networks: Optional[Dict[str, str]] = None   # network name -> bridge
    strict: bool = False       # what libvirt's reader forgave is an error, not a warning
    # Whether each output is fsynced as it is written; if not, a Batch makes
    # many durable at once (files.Durability) before installing them.
    sync_each: bool = True
    # Whether the outputs' texts are sent back for the parent to write (the
    # worker writes no file; it makes a dump's directory): a lone long dump,
    # whose worker converts while the parent writes, one process per core,
    # where one process did both in turn.
    texts_back: bool = False
    # --fail-fast: a failure is handed on at once, so that the run stops
    # there; otherwise failures wait for their batch like any result (a
    # batch per failure cost a sync of the filesystem each).
    fail_fast: bool = False


def with_texts_back(settings: Settings) -> Settings:
    """The same settings, for a worker that sends its outputs' texts back."""
    copy = Settings(*(getattr(settings, name) for name in Settings.__slots__))
    copy.texts_back = True
    return copy


# What a long dump leaves alive grows with it (the names claimed for its
# outputs; before its results went out in parts, every result): every so
# many domains, everything alive is moved out of the cyclic GC's sight
# (gc.freeze), or its passes go over it again and again (a third of the
# time of a 100,000-domain dump when every Domain was held; 5% still with
# only the results).  Freed objects are freed all the same.
_FREEZE_EVERY = 4096


# What a worker sends back for an input that gave one domain, converted and
# installed under its planned name, when no report wants the details.
DONE = None


class WorkerDied(Exception):
    """A worker process ended before sending back the results of its inputs."""


# What each kind of error says, the most specific kind first; any other
# exception is a bug of ours.
_MESSAGES = (
    (WorkerDied, str),
    (SexprSyntaxError, lambda exc: exc.msg),
    (ConversionError, lambda exc: exc.reason),
    (OSError, lambda exc: exc.strerror or str(exc)),
    (UnicodeDecodeError, lambda exc: f"not UTF-8 text ({exc.reason})"),
)


def _message(exc: BaseException) -> str:
    for kind, message in _MESSAGES:
        if isinstance(exc, kind):
            return message(exc)
    return f"internal error, please report it: {exc}"


def _position(exc: BaseException, data: Optional[bytes]) -> Tuple[Optional[int], Optional[int]]:
    if isinstance(exc, UnicodeDecodeError) and data is not None \
            and getattr(exc, "lineno", None) is None:
        line = data.count(b"\n", 0, exc.start) + 1
        return line, exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
    line = getattr(exc, "lineno", None)
    col = getattr(exc, "colno", None)
    if line is None and getattr(exc, "position", None):
        line, col = exc.position[0], exc.position[1]
    return (line if isinstance(line, int) else None, col if isinstance(col, int) else None)


def failure(path: str, exc: BaseException, data: Optional[bytes] = None,
            unit: Optional[int] = None, domain: Optional[str] = None) -> dict:
    """The result for input ``path`` (its domain number ``unit`` when it
    holds several) that failed with ``exc``; ``data`` places a decoding
    error."""
    line, col = _position(exc, data)
    where = getattr(exc, "path", None) if isinstance(exc, ConversionError) else None
    io = isinstance(exc, OSError) and not isinstance(exc, FileExistsError)
    return {"path": path, "domain_index": unit, "ok": False, "output": None,
            "domain": domain, "error": type(exc).__name__, "message": _message(exc),
            "line": line, "column": col, "where": where, "io": io}


def install_failed(path: str, exc: OSError, final: str, unit: Optional[int],
                   domain: Optional[str]) -> dict:
    """The failure to install an output of ``path`` as ``final``."""
    fail = failure(path, exc, None, unit, domain)
    if isinstance(exc, FileExistsError):
        fail["message"] = f"{final} exists (use --force to overwrite)"
    return fail


def _read_domains(data: bytes, src: str, dst: str, settings: Settings,
                  stream: Optional[BinaryIO] = None) -> Iterable[tuple]:
    """(domain or exception, its warnings) for each domain in the input, in
    order: every record of a dump is converted or reported.  Domain XML is
    checked for what the ``dst`` format cannot carry.  A SEXPR input too
    long to be read at once comes as ``stream`` (``data`` is its start),
    read a record at a time."""
    version = settings.version
    if src == "xml":
        try:
            if dst == "xml":
                from ..libvirt_xml import read_xml
                return [(read_xml(data, host_arch=settings.host_arch), [])]
            from ..libvirt_xml.carried import read_xml_checked
            return [read_xml_checked(data, target=dst, xend_config_version=version,
                                     host_arch=settings.host_arch, strict=settings.strict)]
        except DomainXMLError as exc:
            raise _second_document(exc, data) or exc
    if src == "xm":
        from ..xm import read_xm_checked   # imported for xm input only
        return [read_xm_checked(data, version, strict=settings.strict)]
    if stream is None:
        # A failure is "not UTF-8 text", with its place.
        return list(_dump_items(data.decode("utf-8"), settings))
    stream.seek(0)
    _check_utf8(stream)             # the same failure, before any output is written
    stream.seek(0)
    return _dump_items(stream, settings)


def _dump_items(source, settings: Settings) -> Iterator[tuple]:
    """(domain or exception, its warnings) for each record, as it is read."""
    ready: list = []
    warned: list = []

    def take(item) -> None:
        # iter_domains says a record's warnings just before the record.
        ready.append((item, warned[:]))
        warned.clear()

    for domain in iter_domains(source, xend_config_version=settings.version,
                               strict=settings.strict, on_error=take,
                               on_warning=warned.append):
        take(domain)
        yield from ready
        ready.clear()
    yield from ready


def _check_utf8(stream: BinaryIO) -> None:
    """Raise UnicodeDecodeError, with its line and column, where the file is
    not UTF-8; read a chunk at a time."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, line, line_start = 0, 1, 0      # of the chunk; the line's first byte
    while True:
        chunk = stream.read(CHUNK)
        try:
            decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            # The decoder keeps the bytes of an unfinished character: they
            # come before the chunk.
            held = len(exc.object) - len(chunk)
            start = exc.start - held
            line += chunk.count(b"\n", 0, max(0, start))
            nl = chunk.rfind(b"\n", 0, max(0, start))
            if nl >= 0:
                line_start = offset + nl + 1
            exc.lineno, exc.colno = line, offset + start - line_start + 1
            raise
        if not chunk:
            return
        line += chunk.count(b"\n")
        nl = chunk.rfind(b"\n")
        if nl >= 0:
            line_start = offset + nl + 1
        offset += len(chunk)



# libxml2's words for what follows the root element, and where it points:
# at the extra markup, or just past an "<?xml". Where that is markup, a
# second document starts there.
_AFTER_ROOT = {"Extra content at the end of the document": b"<",
               "XML declaration allowed only at the start of the document": b"<?xml"}


def _second_document(exc: DomainXMLError, data: bytes) -> Optional[DomainXMLError]:
    """The error for two XML documents in one file (virsh dumpxml >> file),
    saying where the second starts; None for any other malformed XML."""
    start = next((s for words, s in _AFTER_ROOT.items() if words in exc.reason), None)
    if start is None or exc.lineno is None or exc.colno is None:
        return None
    line_start = 0
    for _ in range(exc.lineno - 1):
        line_start = data.find(b"\n", line_start) + 1
        if line_start == 0:
            return None
    col = exc.colno - 1 - (len(start) if start == b"<?xml" else 0)
    if col < 0 or not data.startswith(start, line_start + col):
        return None
    return DomainXMLError(f"two XML documents in one file: the second starts at line "
                          f"{exc.lineno}; give each domain its own file",
                          lineno=exc.lineno, colno=col + 1)


def _write_domain(domain, src: str, dst: str, settings: Settings) -> str:
    from ..libvirt_xml import write_xml
    from ..xend import write_sexpr

    if dst == "xml":
        # As xm_to_xml: libvirt's xm converter printed the VNC password.
        return write_xml(domain, secure=True) if src == "xm" else write_xml(domain)
    if dst == "xm":
        from ..xm import write_xm   # imported for xm output only
        return write_xm(domain, settings.version, networks=settings.networks)
    text = write_sexpr(domain, settings.version, networks=settings.networks)
    return text if text.endswith("\n") else text + "\n"


# A long input's results are handed on in parts, each made durable and
# installed (by the parent) while the next is converted: a part is due when
# it has this many domains or is this old, or, with --fail-fast, at a
# failure (the run stops there).
PART_DOMAINS = 256
PART_SECONDS = 0.1

# What _convert gives in place of the next domain when asked to stop.
_CUT = object()


def convert_parts(settings: Settings, task: Task, stopping: Callable[[], bool]
                  ) -> Iterator[Tuple[List[dict], bool]]:
    """Convert one input: (results, last) for each part of its results, in
    order; never raises for bad input or a failed write.

    An input is usually one part, with ``last`` true.  A dump's results come
    in parts as its domains are converted; when ``stopping()`` says so
    between two domains, its last part has ``last`` false (the input was
    cut short).

    The outputs are left as complete temporary files (or, with
    ``settings.texts_back``, as texts for the parent to write, pool.written_here):
    a Batch (.batch) makes them durable, then installs those whose name was
    reserved when the inputs were planned.  The others (named after their
    domain, or wanted by two inputs) the parent names in input order, which
    keeps name clashes and ``--force`` decisions deterministic however the
    pool schedules the work.
    """
    part: List[dict] = []
    started = time.monotonic()
    for res in _results(settings, task, stopping):
        if res is _CUT:
            if part:
                yield part, False
            return
        if part and (len(part) >= PART_DOMAINS or time.monotonic() - started >= PART_SECONDS):
            yield part, False
            part, started = [], time.monotonic()
        part.append(res)
        if settings.fail_fast and not res["ok"]:
            yield part, False
            part, started = [], time.monotonic()
    yield part, True


def _results(settings: Settings, task: Task, stopping: Callable[[], bool]) -> Iterator:
    """The result of each domain of an input (or its one failure), then
    _CUT if asked to stop before the input's end."""
    data = task.data
    try:
        if data is None:
            # Unbuffered: a file is read in one or a few large reads, a
            # buffer only costs.
            with open(task.path, "rb", buffering=0) as fh:
                # read(CHUNK) allocates CHUNK bytes whatever the file's size:
                # the usual small file is read whole, in one read of its size.
                small = os.fstat(fh.fileno()).st_size < CHUNK
                data = fh.readall() if small else fh.read(CHUNK)
                if not small and len(data) < CHUNK:
                    data += fh.readall()
                stream = fh if len(data) >= CHUNK else None
                yield from _convert(settings, task, data, stream, stopping)
                return
        yield from _convert(settings, task, data, None, stopping)
    except Exception as exc:
        # Bad input, a failed write or a bug of ours: reported, and the
        # other inputs go on.
        yield failure(task.path, exc, data)


def _convert(settings: Settings, task: Task, data: bytes, stream: Optional[BinaryIO],
             stopping: Callable[[], bool]) -> Iterator:
    """_results once the input is open: ``data`` is the whole input, or
    with ``stream`` (a long file) its start."""
    detected = detect_format(data)
    if stream is not None and detected != "sexpr":
        # Only a dump is read a record at a time.
        data += stream.readall()
        detected, stream = detect_format(data), None
    if detected == "empty":
        raise ConversionError(empty_input(task.path, data))
    if settings.src is None and detected in NOT_CONVERTIBLE:
        raise ConversionError(not_convertible(detected, data))
    src = settings.src or detected
    if src is None:
        raise ConversionError("cannot tell the format: the first significant character is "
                              "neither '(' (SEXPR) nor '<' (XML), and the text is not "
                              "'key = value' lines (xm); use -f")
    if stream is not None and src != "sexpr":
        data, stream = data + stream.readall(), None
    dst = settings.dst or OTHER[src]
    items = iter(_read_domains(data, src, dst, settings, stream))
    # Each domain is written as soon as it is read: whether there are
    # several is known from the first two.
    first = list(itertools.islice(items, 2))
    multi = len(first) > 1
    count = None if multi else len(first)
    if multi and _out_file_not_dir(task):
        # Every domain fails, with their count: the one case they are held.
        first += items
        count = len(first)
    dump_dir_error: List[Optional[BaseException]] = []  # made at the first domain staged
    for k, (item, warned) in enumerate(itertools.chain(first, items)):
        if k and stopping():
            # Between two domains: the ones written are kept and reported.
            yield _CUT
            return
        unit = k + 1 if multi else None
        res = _convert_one(settings, task, item, src, dst, data, unit, multi, count,
                           dump_dir_error)
        # The warnings' words go to the report, their lines to stderr.
        res["warnings"] = [str(w) for w in warned]
        res["warning_lines"] = [w.lineno for w in warned]
        yield res
        if (k + 1) % _FREEZE_EVERY == 0:
            gc.freeze()


def _out_file_not_dir(task: Task) -> bool:
    """Whether -o names something other than a directory, where several
    outputs of one input would go."""
    out = task.out_file
    return out is not None and os.path.lexists(out) and not os.path.isdir(out)


def _convert_one(settings: Settings, task: Task, item, src: str, dst: str, data: bytes,
                 unit: Optional[int], multi: bool, count: Optional[int],
                 dump_dir_error) -> dict:
    """The result of one domain of an input (or of the error in its place);
    ``count`` is how many domains it has, when known."""
    if isinstance(item, BaseException):
        return failure(task.path, item, data, unit)
    try:
        text = _write_domain(item, src, dst, settings)
    except FastSexprError as exc:
        return failure(task.path, exc, data, unit, item.name)
    res = {"path": task.path, "domain_index": unit, "ok": True, "output": None,
           "domain": item.name, "ext": OUT_EXT[dst]}
    if settings.to_stdout:
        res["text"] = text
        return res
    return _stage(settings, task, res, text, multi, count, item, dump_dir_error)


def _destination(task: Task, res: dict, multi: bool, count: Optional[int],
                 domain) -> Tuple[str, Optional[str]]:
    """(directory, final name or None when the parent names it after the
    domain) of one output."""
    if task.out_file is not None:
        if not multi:
            return os.path.dirname(task.out_file) or ".", task.out_file
        # Several outputs: -o names the directory they go in (task.multi_dir
        # in it), which must not replace a file.
        if _out_file_not_dir(task):
            raise ConversionError(f"the input holds {count} domains, which need -o to name "
                                  f"a directory, and {task.out_file} is a file")
    if multi or task.by_name_dir is not None:
        # The parent may need the uuid for the name.
        res["uuid"] = format_uuid(domain.uuid) if domain.uuid else None
        return (task.multi_dir if multi else task.by_name_dir), None
    return os.path.dirname(task.out_stem), task.out_stem + res["ext"]


def _stage(settings: Settings, task: Task, res: dict, text: str, multi: bool,
           count: Optional[int], domain, dump_dir_error: List[Optional[BaseException]],
) -> dict:
    """Write one output to its temporary file (or, with
    ``settings.texts_back``, leave that to the parent); record where it
    should go."""
    try:
        directory, final = _destination(task, res, multi, count, domain)
        if multi and task.by_name_dir is None:
            # The parent checked every directory it planned; this one is new.
            if not dump_dir_error:
                dump_dir_error.append(make_dump_dir(directory, task.root))
            if dump_dir_error[0] is not None:
                raise dump_dir_error[0]
    except (OSError, FastSexprError) as exc:
        return failure(task.path, exc, None, res["domain_index"], res["domain"])
    label = os.path.basename(final) if final else (safe_name(res["domain"]) or "domain") + res["ext"]
    res["tmp_name"] = tmp_name(label, f"{task.index}.{res['domain_index'] or 0}.{settings.token}")
    res["dir"], res["final"] = directory, final
    if settings.texts_back:
        res["text"] = text
    else:
        res = write_staged(res, text, settings.sync_each)
    if final is not None and final == task.out_final and res["ok"]:
        # Installed here once durable (Batch.finish), not by the parent.
        res["reserved"] = True
    return res


def write_staged(res: dict, text: str, sync: bool) -> dict:
    """Write the output of a result :func:`_stage` placed to its temporary
    file (``res["tmp"]``), or give the failure in its place."""
    try:
        res["tmp"] = write_tmp(res["dir"], res.pop("tmp_name"), text.encode("utf-8"), sync=sync)
    except OSError as exc:
        return output_failed(res, exc)
    return res


def output_failed(res: dict, exc: OSError) -> dict:
    """The failure of a converted domain whose output could not be written
    or made durable, with the warnings of its conversion."""
    fail = failure(res["path"], exc, None, res["domain_index"], res["domain"])
    fail["warnings"], fail["warning_lines"] = res.get("warnings"), res.get("warning_lines")
    return fail
