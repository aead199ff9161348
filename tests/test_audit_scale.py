"""The audit log at scale (issue 13): two app instances on one Neo4j under concurrent writers and
readers lose nothing and keep one verified chain; the sequencer lease fails over without losing a
pending event; signed anchors catch a chain rewritten from an edited event onwards; a backlog nobody
sequences is reported. The sequencer is driven by explicit calls, not by sleeping."""

from __future__ import annotations

import argparse
import asyncio
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from provgraph.api.app import create_app
from provgraph.cli.audit import audit_verify
from provgraph.cli.runtime import Runtime
from provgraph.governance.audit import backlog, event_hash, verify_chain
from provgraph.governance.audit_anchors import Anchoring, check_anchors, read_anchors
from provgraph.governance.audit_sequencer import AuditSequencer
from provgraph.store.database import native  # a driver DateTime or a datetime, as the codec in use hydrates it

from .documents import UPSERT
from .graph import dataset, upsert
from .support import ADMIN_TOKEN, GraphQLClient

RECORD = "mutation($in: ProcessInput!) { recordProcess(input: $in) { id } }"
LINEAGE = "query($id: ID!) { lineage(id: $id, direction: DOWNSTREAM, depth: 3) { nodes { id } } }"
WRITES = '{ auditEvents(action: "write", first: 1000) { totalCount edges { node { resourceId } } } }'
ANCHOR_KEY = "test-anchor-key-not-in-neo4j"


@pytest.fixture
def quiet_sequencer(services, http):
    """The session app's sequencer loop stopped (lease released) for the test, restarted after it."""
    http.portal.call(services.sequencer.stop)
    yield services.sequencer

    async def restart() -> None:
        services.sequencer.start()

    http.portal.call(restart)


def pending_count(http, services) -> int:
    return http.portal.call(backlog, services.db).pending


# -- two replicas ----------------------------------------------------------------------------------


def test_two_apps_with_concurrent_writers_and_readers_lose_nothing(admin, services, http, settings, neo4j_driver):
    [source] = upsert(admin, dataset("db://source"))
    admin.data('mutation($id: ID!) { classify(entityId: $id, name: "PII") { id } }', {"id": source["id"]})
    with TestClient(create_app(settings)) as second_http:
        replicas = [admin, GraphQLClient(second_http, ADMIN_TOKEN)]

        def plain_write(i: int) -> str:
            body = replicas[i % 2].execute(UPSERT, {"in": [dataset(f"db://plain/{i}")]})
            assert not body.get("errors"), body
            return body["data"]["upsertEntities"][0]["id"]

        def propagating_write(i: int) -> str:
            process = {"type": "RUN", "qualifiedName": f"runs/{i}", "inputs": [{"id": source["id"]}],
                       "outputs": [{"type": "DATASET", "qualifiedName": f"db://out/{i}"}]}
            body = replicas[i % 2].execute(RECORD, {"in": process})
            assert not body.get("errors"), body
            return body["data"]["recordProcess"]["id"]

        def read(i: int) -> int:
            body = replicas[i % 2].execute(LINEAGE, {"id": source["id"]})
            assert not body.get("errors"), body
            return len(body["data"]["lineage"]["nodes"])

        with ThreadPoolExecutor(max_workers=8) as pool:
            plain = pool.map(plain_write, range(24))
            runs = pool.map(propagating_write, range(12))
            reads = pool.map(read, range(24))
            plain, runs, reads = list(plain), list(runs), list(reads)

    assert all(n >= 1 for n in reads)
    with neo4j_driver.session() as session:
        stored = {r["qn"]: r["names"] for r in session.run(
            "MATCH (e:Entity) RETURN e.qualifiedName AS qn, coalesce(e.classificationNames, []) AS names").data()}
    # Every acknowledged write is there, and propagation is exact: the runs and their outputs carry PII.
    assert {f"db://plain/{i}" for i in range(24)} <= set(stored)
    assert all("PII" not in stored[f"db://plain/{i}"] for i in range(24))
    assert all("PII" in stored[f"runs/{i}"] and "PII" in stored[f"db://out/{i}"] for i in range(12))
    # Every write's event is in the log (auditEvents chains the backlog first), and the chain holds.
    written = {e["node"]["resourceId"] for e in admin.data(WRITES)["auditEvents"]["edges"]}
    assert set(plain) | set(runs) <= written
    assert http.portal.call(verify_chain, services.db).ok
    http.portal.call(services.sequencer.sequence_pending)
    assert pending_count(http, services) == 0


# -- the lease -------------------------------------------------------------------------------------


def test_the_lease_fails_over_and_no_pending_event_is_lost(admin, services, http, quiet_sequencer):
    # Long leases, so a slow machine cannot let one expire by itself; expiry is simulated with `now`.
    first = AuditSequencer(services.db, holder="replica-a", lease_seconds=600)
    second = AuditSequencer(services.db, holder="replica-b", lease_seconds=600)
    assert http.portal.call(first.acquire) is True
    assert http.portal.call(second.acquire) is False  # exactly one holder
    upsert(admin, dataset("db://before"))
    http.portal.call(first.sequence_pending)
    # replica-a dies: it stops renewing, and events keep arriving while nobody sequences.
    created = upsert(admin, dataset("db://during-1"), dataset("db://during-2"))
    assert pending_count(http, services) == 2
    assert http.portal.call(second.acquire) is False  # a live lease is not taken
    after_expiry = datetime.now(UTC) + timedelta(seconds=601)  # past replica-a's lease
    assert http.portal.call(second.acquire, after_expiry) is True
    assert http.portal.call(first.acquire) is False  # replica-a comes back: it lost the lease
    assert http.portal.call(second.sequence_pending) == 2
    assert pending_count(http, services) == 0
    check = http.portal.call(verify_chain, services.db)
    assert check.ok, check.message
    written = {e["node"]["resourceId"] for e in admin.data(WRITES)["auditEvents"]["edges"]}
    assert {c["id"] for c in created} <= written


def test_the_loop_sequences_for_its_holder_and_releases_on_stop(admin, services, http, quiet_sequencer):
    looping = AuditSequencer(services.db, holder="replica-loop", interval=0.01)
    other = AuditSequencer(services.db, holder="replica-other")
    upsert(admin, dataset("db://x"))

    async def run_until_chained() -> None:
        looping.start()
        for _ in range(1000):  # bounded: a pass takes milliseconds
            if not (await backlog(services.db)).pending:
                break
            await asyncio.sleep(0.01)
        await looping.stop()

    http.portal.call(run_until_chained)
    assert pending_count(http, services) == 0
    assert http.portal.call(other.acquire) is True  # released on stop: taken over at once


HOLDER_PROCESS = """
import asyncio, sys
from provgraph.config import Settings
from provgraph.governance.audit_sequencer import AuditSequencer
from provgraph.store.database import Database

async def main() -> None:
    settings = Settings(NEO4J_URI=sys.argv[1])
    db = Database.connect(settings.neo4j_uri, **settings.neo4j_options())
    sequencer = AuditSequencer(db, holder="doomed-holder", lease_seconds=float(sys.argv[2]), interval=0.02)
    sequencer.start()
    while not sequencer.holding:
        await asyncio.sleep(0.05)
    print("holding", flush=True)
    await asyncio.Event().wait()  # sequences until it is killed

asyncio.run(main())
"""


def test_a_killed_holder_process_is_replaced_and_the_chain_has_no_gap_or_duplicate(admin, services, http, neo4j_uri, neo4j_driver, quiet_sequencer):
    """A real second process holds the lease and sequences; it is SIGKILLed while writes go on (perhaps
    in the middle of a pass, which Neo4j then rolls back); once its lease expires another sequencer
    takes over and chains everything, each event exactly once."""
    lease_seconds = 8  # renewed every ~2.7 s: a busy machine does not let it lapse while the holder lives
    holder = subprocess.Popen([sys.executable, "-c", HOLDER_PROCESS, neo4j_uri, str(lease_seconds)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        successor = AuditSequencer(services.db, holder="successor", lease_seconds=600)
        assert http.portal.call(successor.acquire) is False  # the other process holds the lease
        created = upsert(admin, *(dataset(f"db://by-holder/{i}") for i in range(5)))
        for _ in range(600):  # bounded: the holder chains them within a pass or two
            if pending_count(http, services) == 0:
                break
            time.sleep(0.05)
        assert pending_count(http, services) == 0  # sequenced by the other process

        with ThreadPoolExecutor(max_workers=4) as pool:  # writes racing the kill
            racing = [pool.submit(upsert, admin, dataset(f"db://racing/{i}")) for i in range(12)]
            time.sleep(0.2)
            holder.send_signal(signal.SIGKILL)
            created += [entity for future in racing for entity in future.result()]
        holder.wait(timeout=60)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait(timeout=60)
    created += upsert(admin, dataset("db://after-the-kill"))  # nobody sequences this one yet
    assert pending_count(http, services) >= 1

    for _ in range(1200):  # bounded: the dead holder's lease runs out within `lease_seconds`
        if http.portal.call(successor.acquire):
            break
        time.sleep(0.1)
    assert successor.holding
    http.portal.call(successor.sequence_pending)
    assert pending_count(http, services) == 0
    check = http.portal.call(verify_chain, services.db)
    assert check.ok, check.message
    with neo4j_driver.session() as session:
        seqs = session.run("MATCH (e:AuditEvent) RETURN e.seq AS seq ORDER BY seq").value()
        ids = session.run("MATCH (e:AuditEvent) RETURN e.eventId AS id").value()
    assert seqs == list(range(1, len(seqs) + 1))  # no gap
    assert len(ids) == len(set(ids))  # no event chained twice
    writes = [e["node"]["resourceId"] for e in admin.data(WRITES)["auditEvents"]["edges"]]
    assert {c["id"] for c in created} <= set(writes)
    assert all(writes.count(c["id"]) == 1 for c in created), writes  # each write's event exactly once


# -- anchors ---------------------------------------------------------------------------------------


def rewrite_from(neo4j_driver, seq: int) -> None:
    """Edits event `seq` and recomputes its hash and every later one (and the head): the chain alone
    verifies again, as it would for an attacker with write access to Neo4j."""
    with neo4j_driver.session() as session:
        rows = session.run("MATCH (e:AuditEvent) WHERE e.seq >= $s RETURN e {.*} AS e ORDER BY e.seq", s=seq).data()
        prev = session.run("MATCH (e:AuditEvent {seq: $s}) RETURN e.hash AS h", s=seq - 1).single()["h"]
        for row in (r["e"] for r in rows):
            row = {**row, "time": native(row["time"]), "prevHash": prev}
            if row["seq"] == seq:
                row["principal"] = "someone-else"
            row["hash"] = event_hash(row)
            session.run("MATCH (e:AuditEvent {seq: $s}) SET e.principal = $p, e.prevHash = $ph, e.hash = $h",
                        s=row["seq"], p=row["principal"], ph=prev, h=row["hash"]).consume()
            prev = row["hash"]
        session.run("MATCH (h:AuditHead) SET h.hash = $h", h=prev).consume()


def test_a_rewritten_chain_verifies_alone_but_not_against_an_anchor(admin, services, http, neo4j_driver, tmp_path, quiet_sequencer):
    anchors_file = tmp_path / "anchors.jsonl"
    anchoring = Anchoring(services.db, ANCHOR_KEY, file=anchors_file)
    upsert(admin, dataset("db://a"), dataset("db://b"))
    http.portal.call(services.sequencer.sequence_pending)
    early = http.portal.call(anchoring.anchor)
    upsert(admin, dataset("db://c"), dataset("db://d"))
    http.portal.call(services.sequencer.sequence_pending)
    late = http.portal.call(anchoring.anchor)
    assert http.portal.call(anchoring.anchor) is None  # an unchanged head is not anchored twice
    anchors = read_anchors(anchors_file)
    assert [(a.seq, a.hash) for a in anchors] == [(early.seq, early.hash), (late.seq, late.hash)]
    assert http.portal.call(check_anchors, services.db, ANCHOR_KEY, anchors).ok

    rewrite_from(neo4j_driver, early.seq + 1)
    assert http.portal.call(verify_chain, services.db).ok  # the chain alone cannot tell
    check = http.portal.call(check_anchors, services.db, ANCHOR_KEY, anchors)
    assert not check.ok and check.first_broken_seq == late.seq
    assert f"event {late.seq}" in check.message and f"at event {early.seq}" in check.message


def test_the_cli_holds_the_chain_to_its_anchors(admin, services, http, neo4j_driver, neo4j_uri, tmp_path, monkeypatch, capsys, quiet_sequencer):
    anchors_file = tmp_path / "anchors.jsonl"
    upsert(admin, dataset("db://a"), dataset("db://b"))
    http.portal.call(services.sequencer.sequence_pending)
    anchor = http.portal.call(Anchoring(services.db, ANCHOR_KEY, file=anchors_file).anchor)
    monkeypatch.setenv("NEO4J_URI", neo4j_uri)
    monkeypatch.setenv("PROVGRAPH_AUDIT_ANCHOR_KEY", ANCHOR_KEY)
    args = argparse.Namespace(no_sequence=False, anchors=anchors_file)
    assert audit_verify(Runtime.from_environment(), args) == 0
    assert "1 anchors hold" in capsys.readouterr().out

    rewrite_from(neo4j_driver, 2)
    assert audit_verify(Runtime.from_environment(), args) == 1
    assert f"event {anchor.seq}" in capsys.readouterr().err

    monkeypatch.setenv("PROVGRAPH_AUDIT_ANCHOR_KEY", "another-key")  # or a forged anchor line
    assert audit_verify(Runtime.from_environment(), args) == 1
    assert "bad signature" in capsys.readouterr().err


# -- the backlog -----------------------------------------------------------------------------------


def test_verify_reports_a_backlog_older_than_the_bound(admin, neo4j_uri, monkeypatch, capsys, quiet_sequencer):
    upsert(admin, dataset("db://waiting"))  # pending: no sequencer runs
    monkeypatch.setenv("NEO4J_URI", neo4j_uri)
    monkeypatch.setenv("PROVGRAPH_AUDIT_BACKLOG_BOUND_SECONDS", "0")
    assert audit_verify(Runtime.from_environment(), argparse.Namespace(no_sequence=False, anchors=Path("/nonexistent"))) == 2
    assert "STALE" in capsys.readouterr().err
    assert audit_verify(Runtime.from_environment(), argparse.Namespace(no_sequence=False, anchors=Path("/nonexistent"))) == 0  # chained by the first
