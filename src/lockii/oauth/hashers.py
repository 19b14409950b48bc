"""A fast hasher for OAuth client secrets (``OAUTH2_PROVIDER["CLIENT_SECRET_HASHER"]``).

Client secrets are 128 random characters, so brute force is hopeless and SHA-256 is enough. DOT's
``"default"`` means the first ``PASSWORD_HASHERS`` entry (Argon2, 131 ms of CPU per check), which with
open registration lets anyone burn CPU at /token (dot-notes 3.1). Django finds hashers only through
``PASSWORD_HASHERS``, so this class is listed there, never first: people's passwords keep Argon2.
"""

from __future__ import annotations

import hashlib

from django.contrib.auth.hashers import BasePasswordHasher, mask_hash
from django.utils.crypto import constant_time_compare


class ClientSecretSHA256Hasher(BasePasswordHasher):
    algorithm = "lockii_secret_sha256"

    def encode(self, password: str, salt: str) -> str:
        self._check_encode_args(password, salt)
        digest = hashlib.sha256(f"{salt}${password}".encode()).hexdigest()
        return f"{self.algorithm}${salt}${digest}"

    def decode(self, encoded: str) -> dict:
        algorithm, salt, digest = encoded.split("$", 2)
        assert algorithm == self.algorithm
        return {"algorithm": algorithm, "hash": digest, "salt": salt}

    def verify(self, password: str, encoded: str) -> bool:
        decoded = self.decode(encoded)
        return constant_time_compare(encoded, self.encode(password, decoded["salt"]))

    def safe_summary(self, encoded: str) -> dict:
        decoded = self.decode(encoded)
        return {"algorithm": decoded["algorithm"], "salt": mask_hash(decoded["salt"]),
                "hash": mask_hash(decoded["hash"])}

    def harden_runtime(self, password: str, encoded: str) -> None:
        pass
