"""The propagation lock is taken only by mutations that can change propagation (services/propagation.py
lists them): while another transaction holds it, writes that create no propagation edge and change no
classification (plain upserts, run parameters, tags, metrics) still commit; an upsert that sets a
container (containment carries classifications) waits for it."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from .documents import UPSERT
from .graph import dataset, upsert
from .mlops import LOG_METRICS, LOG_PARAMS, SET_TAGS, start_run

HOLD_LOCK = "MERGE (l:PropagationLock {name: 'propagation'}) SET l.lockedAt = datetime() RETURN l.name"
WAIT = 120  # seconds: far beyond any write here; reaching it means the write waited on the lock


def blocked_transactions(neo4j_driver) -> int:
    with neo4j_driver.session() as session:
        rows = session.run("SHOW TRANSACTIONS YIELD status RETURN status").data()
    return sum(row["status"].startswith("Blocked") for row in rows)


def test_writes_that_cannot_change_propagation_do_not_wait_for_the_lock(admin, neo4j_driver):
    run = start_run(admin)
    upsert(admin, dataset("db://container"))
    with neo4j_driver.session() as session, session.begin_transaction() as holder, ThreadPoolExecutor(2) as pool:
        holder.run(HOLD_LOCK).consume()  # held until this transaction ends
        try:
            plain = [
                pool.submit(admin.data, UPSERT, {"in": [dataset("db://plain")]}),
                pool.submit(admin.data, LOG_PARAMS, {"run": run["id"], "p": {"lr": 0.1}}),
                pool.submit(admin.data, SET_TAGS, {"run": run["id"], "t": {"team": "a"}}),
                pool.submit(admin.data, LOG_METRICS, {"run": run["id"], "m": [{"name": "loss", "values": [0.5]}]}),
            ]
            for write in plain:
                write.result(timeout=WAIT)  # committed while the lock is held
            contained = pool.submit(
                admin.data, UPSERT,
                {"in": [{"type": "DATASET_VERSION", "qualifiedName": "db://container@1",
                         "container": {"type": "DATASET", "qualifiedName": "db://container"}}]},
            )
            deadline = time.monotonic() + WAIT
            while not blocked_transactions(neo4j_driver):  # the control: this one does wait for the lock
                assert time.monotonic() < deadline and not contained.done(), "the containment write did not wait"
                time.sleep(0.05)
        finally:
            holder.rollback()
        [version] = contained.result(timeout=WAIT)["upsertEntities"]
    assert version["qualifiedName"] == "db://container@1"
