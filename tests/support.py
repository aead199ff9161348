"""Test helpers: a small GraphQL client over the ASGI test client."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

ADMIN_TOKEN = "pgt_test-admin-token-for-the-test-suite-only"


class GraphQLClient:
    def __init__(self, http: TestClient, token: str | None) -> None:
        self.http = http
        self.token = token

    def with_token(self, token: str | None) -> "GraphQLClient":
        return GraphQLClient(self.http, token)

    def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        response = self.http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
        body = response.json()
        body["_status"] = response.status_code
        return body

    def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = self.execute(query, variables)
        assert not body.get("errors"), body.get("errors")
        return body["data"]

    def error(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The single error the operation must fail with."""
        body = self.execute(query, variables)
        assert body.get("errors"), f"expected an error, got {body}"
        assert len(body["errors"]) == 1, body["errors"]
        return body["errors"][0]
