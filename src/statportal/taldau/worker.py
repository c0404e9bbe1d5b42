"""Taldau's task of the background worker: releases that hold only data.

The releases' own task (``release``, order -10) releases the confirmed entries due with
placements waiting; marking such an entry published fires its ``publish`` transition, and
:func:`statportal.taldau.embargo.on_published` makes its vintages public in that same
transaction. An entry with data but no placement waiting (a bundle of data only, or one
whose materials were all withdrawn or refused) is not released by that task: this one,
run right after it (order -9) and, like it, alone at each release's second (``due``: the
releases' next due moment), publishes its vintages by marking the entry published through
``releases.entries.mark_published``. It takes only entries with nothing pending, so the
two tasks never handle the same entry, and a published entry is no longer due: nothing is
published twice. Two workers at once write the same entry: one commit conflicts and is
retried against the new state, in which the entry is published.
"""

import logging

log = logging.getLogger(__name__)


def release_data(request, now):
    """Publish the data of every confirmed entry due at ``now`` that holds embargoed
    vintages and has no placement waiting."""
    from statportal.content.paths import path_of
    from statportal.content.resources import get_portal
    from statportal.releases.catalog import get_release_catalog
    from statportal.taldau.embargo import embargoed_of, release_now

    released, vintages = [], 0
    for entry in get_release_catalog(get_portal(request)).due(now):
        if entry.status == "confirmed" and not entry.pending() and embargoed_of(entry):
            vintages += release_now(request.registry, entry, now)
            released.append(path_of(entry))
    if released:
        request.tm.get().addAfterCommitHook(lambda committed: committed and log.info(
            "Released the data of %s at %s: %d vintage(s) made public.", ", ".join(released),
            now.isoformat(timespec="seconds"), vintages))
    return {"data_released": released, "vintages": vintages}


def includeme(config):
    from statportal.releases.worker import release_due

    config.include("statportal.worker")  # add_worker_task
    config.add_worker_task("taldau_release", release_data, due=release_due, order=-9)
