"""The role table of docs/ARCHITECTURE.md §4, checked through GraphQL: every role x action x entity type.

Each test is one row of the table: a role and an action tried on all eleven entity types, compared with
the expected outcome per type, so a failure shows the whole row.
"""

from __future__ import annotations

import pytest

from provgraph.domain.entities import EntityType
from provgraph.domain.principals import ROLES

from .documents import CLASSIFY, ENTITY, UPSERT
from .graph import upsert

ALL = frozenset(t.name for t in EntityType)
DATA_SIDE = frozenset({"DATASET", "DATASET_VERSION", "FEATURE", "PIPELINE", "PIPELINE_RUN"})
MODEL_SIDE = frozenset({"EXPERIMENT", "RUN", "MODEL", "MODEL_VERSION", "ARTIFACT", "DEPLOYMENT"})
NONE: frozenset[str] = frozenset()

# role -> action -> the entity types on which the action is allowed (docs/ARCHITECTURE.md §4, Access control)
TABLE: dict[str, dict[str, frozenset[str]]] = {
    "admin": {"read": ALL, "read restricted": ALL, "create": ALL, "update": ALL, "classify": ALL},
    "governance-reviewer": {"read": ALL, "read restricted": ALL, "create": NONE, "update": NONE, "classify": NONE},
    "data-engineer": {"read": ALL, "read restricted": NONE, "create": DATA_SIDE, "update": DATA_SIDE, "classify": ALL},
    "data-scientist": {"read": ALL, "read restricted": NONE, "create": MODEL_SIDE, "update": MODEL_SIDE, "classify": NONE},
    "viewer": {"read": ALL, "read restricted": NONE, "create": NONE, "update": NONE, "classify": NONE},
}


def test_the_table_covers_every_role():
    assert set(TABLE) == set(ROLES)


def one_of_each(admin, prefix: str) -> dict[str, str]:
    """An entity of every type, owned by nobody the test acts as: type name -> id."""
    created = upsert(admin, *({"type": t, "qualifiedName": f"{prefix}/{t.lower()}"} for t in sorted(ALL)))
    return {e["type"]: e["id"] for e in created}


def outcome(client, query: str, variables: dict, allowed_when) -> str:
    body = client.execute(query, variables)
    if body.get("errors"):
        [error] = body["errors"]
        return error["extensions"]["code"]
    return "allowed" if allowed_when(body["data"]) else "hidden"


def try_read(client, ids: dict[str, str]) -> dict[str, str]:
    return {t: outcome(client, ENTITY, {"id": i}, lambda d: d["entity"] is not None) for t, i in ids.items()}


def try_create(client) -> dict[str, str]:
    return {t: outcome(client, UPSERT, {"in": [{"type": t, "qualifiedName": f"new/{t.lower()}"}]}, bool) for t in sorted(ALL)}


def try_update(client, ids: dict[str, str]) -> dict[str, str]:
    return {
        t: outcome(client, UPSERT, {"in": [{"type": t, "qualifiedName": f"existing/{t.lower()}", "description": "edited"}]}, bool)
        for t in ids
    }


def try_classify(client, ids: dict[str, str]) -> dict[str, str]:
    return {t: outcome(client, CLASSIFY, {"id": i, "n": "CONFIDENTIAL"}, bool) for t, i in ids.items()}


def expected(allowed: frozenset[str], otherwise: str) -> dict[str, str]:
    return {t: "allowed" if t in allowed else otherwise for t in sorted(ALL)}


@pytest.mark.parametrize("role", ROLES)
def test_read(admin, as_role, role):
    ids = one_of_each(admin, "existing")
    assert try_read(as_role(role), ids) == expected(TABLE[role]["read"], "hidden")


@pytest.mark.parametrize("role", ROLES)
def test_read_restricted(admin, as_role, role):
    """A restricted entity the role may not read is absent (null), exactly like a missing one: never FORBIDDEN."""
    ids = one_of_each(admin, "existing")
    for entity_id in ids.values():
        admin.data(CLASSIFY, {"id": entity_id, "n": "PII"})
    assert try_read(as_role(role), ids) == expected(TABLE[role]["read restricted"], "hidden")


@pytest.mark.parametrize("role", ROLES)
def test_create(as_role, role):
    assert try_create(as_role(role)) == expected(TABLE[role]["create"], "FORBIDDEN")


@pytest.mark.parametrize("role", ROLES)
def test_update(admin, as_role, role):
    ids = one_of_each(admin, "existing")
    assert try_update(as_role(role), ids) == expected(TABLE[role]["update"], "FORBIDDEN")


@pytest.mark.parametrize("role", ROLES)
def test_classify(admin, as_role, role):
    ids = one_of_each(admin, "existing")
    assert try_classify(as_role(role), ids) == expected(TABLE[role]["classify"], "FORBIDDEN")
