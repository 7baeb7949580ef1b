"""Meilisearch's OpenAPI spec as a validator, for tests: routes, request and response checks.

Request checks are strict: every object schema that declares `properties` gets
`additionalProperties: false` (the published spec leaves most of them open, so a
misspelt search or settings parameter would otherwise pass). Responses are checked
against the spec as published.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

SPEC_FILE = Path(__file__).resolve().parent.parent / "data" / "meilisearch" / "openapi-1.53.json"
PUBLISHED = "urn:meilisearch-openapi:published"
STRICT = "urn:meilisearch-openapi:strict"
METHODS = ("get", "put", "post", "patch", "delete")

SPEC_ERRATA: dict[str, dict[str, Any]] = {
    # The server reads `AttributePatterns` (search `facets`) as a plain list of strings: the
    # Rust type is `#[serde(transparent)]` and deserialised from `Vec<String>`, and the docs
    # send `"facets": ["genres"]`. The generated 1.53 spec lost that and describes an object
    # `{"patterns": [...]}`, which the server would refuse. Checked by a test, so a spec
    # that fixes it shows this erratum can go.
    "AttributePatterns": {"type": "array", "items": {"type": "string"}},
}


def _rebase_refs(node: Any, uri: str) -> None:
    """Points every local `#/...` $ref at `uri`, so any sub-schema validates on its own."""
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str) and node["$ref"].startswith("#"):
            node["$ref"] = uri + node["$ref"]
        for value in node.values():
            _rebase_refs(value, uri)
    elif isinstance(node, list):
        for value in node:
            _rebase_refs(value, uri)


def _forbid_unknown_properties(schema: Any) -> None:
    """Sets `additionalProperties: false` on every object schema that declares `properties`,
    walking the schema keywords only (never the property names)."""
    if not isinstance(schema, dict):
        return
    for keyword in ("properties", "patternProperties", "$defs", "dependentSchemas"):
        for sub in (schema.get(keyword) or {}).values():
            _forbid_unknown_properties(sub)
    for keyword in ("allOf", "anyOf", "oneOf", "prefixItems"):
        for sub in schema.get(keyword) or []:
            _forbid_unknown_properties(sub)
    for keyword in ("items", "additionalProperties", "not", "if", "then", "else", "contains"):
        _forbid_unknown_properties(schema.get(keyword))
    if "properties" in schema:
        schema["additionalProperties"] = False


@dataclass(frozen=True)
class Route:
    template: str
    pattern: re.Pattern[str]
    item: dict[str, Any]

    @property
    def literal_weight(self) -> int:  # literal routes win over templated ones
        return self.template.count("{")


def _coerce(raw: str, schema: dict[str, Any]) -> Any:
    kinds = schema.get("type")
    kind = next((k for k in kinds if k != "null"), None) if isinstance(kinds, list) else kinds
    try:
        if kind == "integer":
            return int(raw)
        if kind == "number":
            return float(raw)
    except ValueError:
        return raw  # the schema check reports it
    if kind == "boolean":
        return {"true": True, "false": False}.get(raw, raw)
    if kind == "array":
        return raw.split(",")
    return raw


class OpenApiSpec:
    """Meilisearch's OpenAPI document: routes, strict request checks, response checks."""

    def __init__(
        self, document: dict[str, Any], errata: dict[str, dict[str, Any]] = SPEC_ERRATA
    ) -> None:
        self.document = document
        published, strict = copy.deepcopy(document), copy.deepcopy(document)
        for copied in (published, strict):
            copied["components"]["schemas"].update(copy.deepcopy(errata))
        _rebase_refs(published, PUBLISHED)
        _rebase_refs(strict, STRICT)
        for schema in strict["components"]["schemas"].values():
            _forbid_unknown_properties(schema)
        for item in strict["paths"].values():
            for method in METHODS:
                for media in (
                    item.get(method, {}).get("requestBody", {}).get("content", {}).values()
                ):
                    _forbid_unknown_properties(media.get("schema"))
        self.published, self.strict = published, strict
        self.registry = Registry().with_resources(
            [
                (PUBLISHED, DRAFT202012.create_resource(published)),
                (STRICT, DRAFT202012.create_resource(strict)),
            ]
        )
        self.routes = sorted(
            (
                Route(t, re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", t) + "$"), item)
                for t, item in strict["paths"].items()
            ),
            key=lambda route: route.literal_weight,
        )

    def errors(self, schema: Any, instance: Any) -> list[str]:
        validator = Draft202012Validator(schema, registry=self.registry)
        return [
            f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
            for e in validator.iter_errors(instance)
        ]

    def route(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        for route in self.routes:
            if (found := route.pattern.match(path)) and method.lower() in route.item:
                return route, found.groupdict()
        return None

    def body_problems(self, method: str, template: str, body: Any) -> list[str]:
        """What is wrong with a JSON body for this operation, strictly (unknown keys too)."""
        operation = self.strict["paths"][template][method.lower()]
        request_body = operation.get("requestBody")
        if request_body is None:
            return [] if body is None else ["the operation takes no body"]
        if body is None:
            return ["the operation needs a body"] if request_body.get("required") else []
        schema = request_body["content"]["application/json"]["schema"]
        return self.errors(schema, body)

    def published_body_problems(self, method: str, template: str, body: Any) -> list[str]:
        """The same check with the spec as published (unknown keys allowed)."""
        operation = self.published["paths"][template][method.lower()]
        return self.errors(operation["requestBody"]["content"]["application/json"]["schema"], body)

    def request_problems(self, request: httpx.Request) -> list[str]:
        found = self.route(request.method, request.url.path)
        if found is None:
            return [f"{request.method} {request.url.path} is no operation of the spec"]
        route, path_values = found
        operation = route.item[request.method.lower()]
        declared = {(p["in"], p["name"]): p for p in operation.get("parameters", [])}
        problems = []
        for name, raw in path_values.items():
            schema = declared[("path", name)]["schema"]
            problems += [f"path {name}: {e}" for e in self.errors(schema, _coerce(raw, schema))]
        for name, raw in request.url.params.multi_items():
            parameter = declared.get(("query", name))
            if parameter is None:
                problems.append(f"query parameter {name!r} is not declared by the spec")
                continue
            schema = parameter["schema"]
            problems += [f"query {name}: {e}" for e in self.errors(schema, _coerce(raw, schema))]
        for (where, name), parameter in declared.items():
            if where == "query" and parameter.get("required") and name not in request.url.params:
                problems.append(f"required query parameter {name!r} is missing")
        if request.content and request.headers.get("content-type") != "application/json":
            problems.append(f"body sent as {request.headers.get('content-type')!r}")
        body = json.loads(request.content) if request.content else None
        return problems + self.body_problems(request.method, route.template, body)

    def error_problems(self, body: Any) -> list[str]:
        """What is wrong with an error answer (Meilisearch's `ResponseError` object)."""
        return self.errors({"$ref": f"{PUBLISHED}#/components/schemas/ResponseError"}, body)

    def response_problems(self, method: str, template: str, status: int, body: Any) -> list[str]:
        responses = self.published["paths"][template][method.lower()]["responses"]
        if str(status) not in responses:
            return [f"the spec has no {status} answer for {method} {template}"]
        content = responses[str(status)].get("content", {}).get("application/json")
        return self.errors(content["schema"], body) if content else []


def load_spec() -> OpenApiSpec:
    return OpenApiSpec(json.loads(SPEC_FILE.read_text(encoding="utf-8")))
