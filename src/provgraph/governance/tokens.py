"""Bearer tokens: 32 random bytes, shown once, stored only as a SHA-256 digest.

A fast hash is right here: the token is 256 bits of randomness, so there is nothing to brute-force that
a slow password hash would protect.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_PREFIX = "pgt_"


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_matches(token: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_token(token), stored_hash)
