"""SEXPR engine throughput: compiled, pure, sexpdata and sexp, in one run.

    .venv/bin/pytest bench/test_bench_sexpr.py --benchmark-only -q

Corpus: every ``sexpr2xmldata/*.sexpr`` input of libvirt 1.2.10
(continuations joined) that the strict xend reader accepts (four inputs
close more lists than they open, which only libvirt's reader forgives),
concatenated into one ``xm list --long``-style text repeated to about 4 MB.
Parsers that read one expression get the same text as its list of
documents.  The pure engine and sexpdata run on one copy of the documents
(about 27 kB): every figure is normalised to MB/s of its own input, kept in
``extra_info["MB/s"]`` and summed up in a table at the end of the run.

sexpdata has no single-quoted strings (``'`` is its quote operator), so it
reads the same documents written with double quotes.  ``sexp.parse`` builds
its own tree of Rust objects rather than Python lists, so it does less work
than the others: it is the bar the compiled ``libvirt`` reader is held to.
"""
from __future__ import annotations

import pytest
from corpus import CORPUS, documents

from fastsexpr.syntax import _pycore

sexpdata = pytest.importorskip("sexpdata")
sexp = pytest.importorskip("sexp")

TARGET = 4_000_000

def _documents():
    docs = []
    for text in documents("sexpr2xmldata", "sexpr"):
        try:
            _pycore.loads(text)
        except ValueError:
            continue
        docs.append(text)
    return docs


DOCS = _documents()
if not DOCS:
    pytest.skip(f"libvirt conformance corpus not found at {CORPUS}", allow_module_level=True)
COPIES = max(1, TARGET // sum(map(len, DOCS)))
MANY = DOCS * COPIES                  # ~4 MB as documents
TREES = [_pycore.loads(d) for d in DOCS]


def _nbytes(texts):
    return sum(len(t.encode("utf-8")) for t in texts)


def _double_quoted(tree):
    """The tree in sexpdata's syntax: every atom a double-quoted string."""
    if isinstance(tree, str):
        return '"' + tree.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return "(" + " ".join(_double_quoted(m) for m in tree) + ")"


SD_DOCS = [_double_quoted(t) for t in TREES]
SD_TREES = [sexpdata.loads(d) for d in SD_DOCS]


def _each(fn, items, **kw):
    def run():
        for item in items:
            fn(item, **kw)
    return run


# The pure twin reads one copy of the documents, the compiled engine many,
# so that each round lasts long enough to time.
def _copies(engine, items):
    return items * COPIES if engine.name == "compiled" else items


# -------------------------------------------------------------- libvirt dialect

def test_loads_libvirt_stream(benchmark, engine, record_mbps):
    benchmark.group = "loads libvirt"
    text = "".join(_copies(engine, DOCS))
    benchmark(engine.core.loads_all, text, dialect="libvirt")
    record_mbps(benchmark, _nbytes([text]))


def test_loads_libvirt(benchmark, engine, record_mbps):
    benchmark.group = "loads libvirt"
    docs = _copies(engine, DOCS)
    benchmark(_each(engine.core.loads, docs, dialect="libvirt"))
    record_mbps(benchmark, _nbytes(docs))


def test_loads_libvirt_sexp_parse(benchmark, record_mbps):
    benchmark.group = "loads libvirt"
    benchmark(_each(sexp.parse, MANY))
    record_mbps(benchmark, _nbytes(MANY))


# ----------------------------------------------------------------- xend dialect

def test_loads_xend_stream(benchmark, engine, record_mbps):
    benchmark.group = "loads xend"
    text = "".join(_copies(engine, DOCS))
    benchmark(engine.core.loads_all, text)
    record_mbps(benchmark, _nbytes([text]))


def test_loads_xend(benchmark, engine, record_mbps):
    benchmark.group = "loads xend"
    docs = _copies(engine, DOCS)
    benchmark(_each(engine.core.loads, docs))
    record_mbps(benchmark, _nbytes(docs))


def test_loads_xend_sexpdata(benchmark, record_mbps):
    benchmark.group = "loads xend"
    benchmark(_each(sexpdata.loads, SD_DOCS))
    record_mbps(benchmark, _nbytes(SD_DOCS))


# ------------------------------------------------------------------------ dumps
# Throughput of dumps is counted in bytes of text written.

def test_dumps(benchmark, engine, record_mbps):
    benchmark.group = "dumps"
    trees = _copies(engine, TREES)
    benchmark(_each(engine.core.dumps, trees))
    record_mbps(benchmark, _nbytes(engine.core.dumps(t) for t in trees))


def test_dumps_sexpdata(benchmark, record_mbps):
    benchmark.group = "dumps"
    benchmark(_each(sexpdata.dumps, SD_TREES))
    record_mbps(benchmark, _nbytes(sexpdata.dumps(t) for t in SD_TREES))
