"""Time travel: `lineage(..., asOf: t)` answers as the graph stood at t (docs/ARCHITECTURE.md §4).

Ending an edge (unlinkLineage, or re-recording a process without it) sets its removedAt instead of
deleting it, and deleted entities keep their edges. Without asOf only live edges and live entities
count. Each test records moments between its mutations with `g.moment()`."""

from __future__ import annotations

from .documents import LINEAGE
from .graph import Graph


def test_an_unlinked_edge_is_gone_now_but_there_before(admin):
    g = Graph(admin, dataset="raw clean", run="etl")
    g.link("raw -> etl -> clean")
    before = g.moment()
    assert g.unlink("etl", "clean") is True
    assert g.lineage("raw", "DOWNSTREAM", 5).distances == {"raw": 0, "etl": 1}
    past = g.lineage("raw", "DOWNSTREAM", 5, asOf=before)
    assert past.distances == {"raw": 0, "etl": 1, "clean": 2}
    assert past.edges == {"raw -> etl", "etl -> clean"}


def test_before_an_edge_existed_it_does_not_count(admin):
    g = Graph(admin, dataset="raw clean", run="etl")
    g.link("raw -> etl")
    first = g.moment()
    g.link("etl -> clean")
    assert g.lineage("raw", "DOWNSTREAM", 5, asOf=first).distances == {"raw": 0, "etl": 1}
    assert g.lineage("raw", "DOWNSTREAM", 5, asOf=g.moment()).distances == {"raw": 0, "etl": 1, "clean": 2}


def test_re_recording_a_process_with_fewer_inputs_keeps_the_old_input_in_history(admin):
    #   before:  crm ─┐              after:  crm ─┐
    #            web ─┴─> join -> customers        join -> customers
    g = Graph(admin, dataset="crm web customers", run="join")
    g.record("join", ["crm", "web"], ["customers"])
    both_inputs = g.moment()
    g.record("join", ["crm"], ["customers"])
    assert g.lineage("customers", "UPSTREAM", 5).distances == {"customers": 0, "join": 1, "crm": 2}
    past = g.lineage("customers", "UPSTREAM", 5, asOf=both_inputs)
    assert past.distances == {"customers": 0, "join": 1, "crm": 2, "web": 2}
    assert past.edges == {"crm -> join", "web -> join", "join -> customers"}


def test_an_edge_removed_and_linked_again_appears_once_and_only_while_live(admin):
    g = Graph(admin, dataset="raw", run="etl")
    g.link("raw -> etl")
    first_life = g.moment()
    g.unlink("raw", "etl")
    gap = g.moment()
    g.link("raw -> etl")
    second_life = g.moment()
    for moment, expected in ((first_life, {"raw -> etl"}), (gap, set()), (second_life, {"raw -> etl"}), (None, {"raw -> etl"})):
        answer = g.lineage("raw", "BOTH", 3, asOf=moment)
        assert answer.edges == expected, moment
        assert answer.distances == ({"raw": 0, "etl": 1} if expected else {"raw": 0})


def test_a_deleted_entity_leaves_live_lineage_and_cuts_through_it(admin):
    g = Graph(admin, dataset="raw clean report", run="etl publish")
    g.link("raw -> etl -> clean -> publish -> report")
    alive = g.moment()
    g.delete("clean")
    assert g.lineage("raw", "DOWNSTREAM", 10).distances == {"raw": 0, "etl": 1}
    assert g.lineage("report", "UPSTREAM", 10).distances == {"report": 0, "publish": 1}
    past = g.lineage("raw", "DOWNSTREAM", 10, asOf=alive)
    assert past.distances == {"raw": 0, "etl": 1, "clean": 2, "publish": 3, "report": 4}
    assert len(past.edges) == 4


def test_after_its_deletion_a_deleted_entity_is_absent_from_the_past_too(admin):
    g = Graph(admin, dataset="raw clean", run="etl")
    g.link("raw -> etl -> clean")
    g.delete("clean")
    deleted = g.moment()
    assert g.lineage("raw", "DOWNSTREAM", 10, asOf=deleted).distances == {"raw": 0, "etl": 1}


def test_an_entity_created_later_is_absent_from_the_past(admin):
    g = Graph(admin, dataset="raw", run="etl")
    g.link("raw -> etl")
    early = g.moment()
    g.declare(dataset="late")
    g.link("etl -> late")
    assert g.lineage("raw", "DOWNSTREAM", 5, asOf=early).distances == {"raw": 0, "etl": 1}
    assert g.lineage("raw", "DOWNSTREAM", 5).distances == {"raw": 0, "etl": 1, "late": 2}


def test_a_deleted_root_can_be_asked_about_as_it_was(admin):
    g = Graph(admin, dataset="raw clean", run="etl")
    g.link("raw -> etl -> clean")
    alive = g.moment()
    g.delete("raw")
    assert g.lineage("raw", "DOWNSTREAM", 5, asOf=alive).distances == {"raw": 0, "etl": 1, "clean": 2}
    error = admin.error(LINEAGE, {"id": g.ids["raw"]})
    assert error["extensions"]["code"] == "NOT_FOUND"


def test_a_root_that_did_not_exist_yet_is_not_found_at_that_time(admin):
    early = Graph.moment()
    g = Graph(admin, dataset="raw")
    error = admin.error(LINEAGE, {"id": g.ids["raw"], "asOf": early})
    assert error["extensions"] == {"code": "NOT_FOUND", "field": "asOf"}
    assert "did not exist" in error["message"]


def test_as_of_without_an_offset_is_utc(admin):
    g = Graph(admin, dataset="raw clean", run="etl")
    g.link("raw -> etl")
    between = g.moment()
    g.link("etl -> clean")
    naive = between.removesuffix("+00:00")
    assert g.lineage("raw", "DOWNSTREAM", 5, asOf=naive).distances == {"raw": 0, "etl": 1}


def test_as_of_in_an_invalid_format_is_bad_input(admin):
    g = Graph(admin, dataset="raw")
    for bad in ("yesterday", "2024-13-01T00:00:00Z", "12/01/2024"):
        error = admin.error(LINEAGE, {"id": g.ids["raw"], "asOf": bad})
        assert error["extensions"]["code"] == "BAD_INPUT", error
        assert "asOf" in error["message"] or "DateTime" in error["message"]
    inline = admin.error(f'{{ lineage(id: "{g.ids["raw"]}", asOf: "not a time") {{ root }} }}')
    assert inline["extensions"]["code"] == "BAD_INPUT"
