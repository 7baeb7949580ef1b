"""Automatic Persisted Queries: a client may send a document's SHA-256 instead of the document.

The protocol (Apollo's, also spoken by urql): a request whose
`extensions.persistedQuery` is `{"version": 1, "sha256Hash": "<hex>"}` and that
has no `query` is answered from the documents this server has seen; an unknown
hash gets a `PersistedQueryNotFound` error, and the client sends the hash again
with the document, which is then remembered once it has parsed and validated.
Hashes are checked, so nobody can file a document under another's hash. The
store is a bounded LRU per process; a restart empties it, which costs clients
one round trip per document.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import OrderedDict
from dataclasses import replace

from graphql import GraphQLError
from strawberry.http import GraphQLRequestData

MAX_DOCUMENTS = 1000
# Longer documents are run but not kept, so the store stays under ~20 MB.
MAX_DOCUMENT_LENGTH = 20_000
SUPPORTED_VERSION = 1


class PersistedQueryError(GraphQLError):
    """A persisted-query request that cannot be served, with Apollo's message and code."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message, extensions={"code": code})


def _not_found() -> PersistedQueryError:
    return PersistedQueryError("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")


def _bad_request(message: str) -> PersistedQueryError:
    return PersistedQueryError(message, "BAD_REQUEST")


def sha256_hex(document: str) -> str:
    # "surrogatepass": text with a lone surrogate is no document, but it must not crash the check.
    return hashlib.sha256(document.encode("utf-8", "surrogatepass")).hexdigest()


class PersistedQueries:
    """The documents clients have registered, by hash, least recently used dropped first."""

    def __init__(self, max_documents: int = MAX_DOCUMENTS) -> None:
        self.max_documents = max_documents
        self.documents: OrderedDict[str, str] = OrderedDict()

    def resolve(self, request: GraphQLRequestData) -> tuple[GraphQLRequestData, str | None]:
        """The request with its document filled in, and the hash to remember it under, if any.

        Raises PersistedQueryError when the hash is unknown, malformed or does not match.
        """
        extension = (request.extensions or {}).get("persistedQuery")
        if extension is None:
            return request, None
        if not isinstance(extension, dict) or extension.get("version") != SUPPORTED_VERSION:
            raise _bad_request(
                f"Unsupported persistedQuery extension; send version {SUPPORTED_VERSION}."
            )
        digest = extension.get("sha256Hash")
        if not isinstance(digest, str) or len(digest) != 64:
            raise _bad_request("persistedQuery.sha256Hash must be a SHA-256 hex digest.")
        digest = digest.lower()
        if request.query is None:
            document = self.documents.get(digest)
            if document is None:
                raise _not_found()
            self.documents.move_to_end(digest)
            return replace(request, query=document), None
        if not hmac.compare_digest(sha256_hex(request.query), digest):
            raise _bad_request("persistedQuery.sha256Hash does not match the query.")
        return request, digest

    def remember(self, digest: str, document: str) -> None:
        """Keeps a document that parsed and validated, under its (checked) hash."""
        if len(document) > MAX_DOCUMENT_LENGTH:
            return
        self.documents[digest] = document
        self.documents.move_to_end(digest)
        while len(self.documents) > self.max_documents:
            self.documents.popitem(last=False)
