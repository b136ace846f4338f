"""Results on their way to the collector: their outputs made durable a batch
at a time, then those with a reserved name installed where the batch is (a
worker, or the command's process for what it converted or wrote itself).

Nothing is under its final name before its data is on disk: a Batch syncs
the files it staged (one ``syncfs`` per filesystem, files.Durability)
before anything of it is installed, here or by the parent.
"""
from __future__ import annotations

import time
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import List

from .files import link_new, unlink_quiet
from .worker import DONE, Settings, install_failed, output_failed

# A batch is made durable and installed when it has this many inputs or is
# this old: a sync per filesystem costs a few milliseconds, and the outputs
# appear (and an interrupted run reports them) soon after they are written.
BATCH_INPUTS = 256
BATCH_SECONDS = 0.1

Results = list[dict] | None

# (index of the task in the run's list, its results or a part of them,
# whether they are its last)
Outcome = tuple[int, Results, bool]


def _install_reserved(res: dict) -> dict:
    """Install a durable output under the name planned for it, when no file
    has that name yet; an existing one is left to the parent, which knows
    the inputs (an output never replaces one) and what ``--force`` says."""
    del res["reserved"]
    final = res["final"]
    try:
        installed = link_new(res["tmp"], final)
    except OSError as exc:
        res.pop("tmp")
        return install_failed(res["path"], exc, final, res["domain_index"], res["domain"])
    if not installed:
        return res
    del res["tmp"], res["dir"], res["final"]
    res["output"] = final
    return res


class Batch:
    """The results of inputs (or parts of one) converted one after the
    other, their outputs staged (unsynced when ``settings.sync_each`` is
    false); :meth:`finish` makes them durable at once, then installs those
    with a reserved name."""

    def __init__(self, settings: Settings, durability):
        self.settings, self.durability = settings, durability
        self.items: List[Outcome] = []
        self._started = 0.0
        self._failed = False

    def add(self, index: int, results: Results, last: bool = True) -> None:
        if not self.items:
            self._started = time.monotonic()
        self.items.append((index, results, last))
        # With --fail-fast a failure ends the batch at once: the run stops there.
        self._failed = self.settings.fail_fast and results is not None \
            and not all(res["ok"] for res in results)

    def due(self) -> bool:
        return (self._failed or len(self.items) >= BATCH_INPUTS
                or time.monotonic() - self._started >= BATCH_SECONDS)

    def finish(self) -> List[Outcome]:
        """The outcomes, in order, once synced and installed; the batch is
        empty again."""
        items, self.items = self.items, []
        staged = [res["tmp"] for _, results, _ in items if results
                  for res in results if "tmp" in res]
        if not staged:
            return items
        try:
            self.durability.sync_staged(staged)
        except OSError as exc:
            return [(i, results and [_unsynced(res, exc) for res in results], last)
                    for i, results, last in items]
        return [(i, self._install(results), last) for i, results, last in items]

    def _install(self, results: Results) -> Results:
        if not results:
            return results
        results = [_install_reserved(res) if res.get("reserved") else res for res in results]
        res = results[0]
        if not self.settings.detail and len(results) == 1 and res["ok"] \
                and res["output"] is not None and not res.get("warnings"):
            return DONE
        return results


def _unsynced(res: dict, exc: OSError) -> dict:
    """The failure of a staged output whose data could not be made durable."""
    if "tmp" not in res:
        return res
    unlink_quiet(res["tmp"])
    return output_failed(res, exc)
