"""The published JSON Schemas (draft-07) of claim files and rules files.

They are generated from the pydantic models so that there is one definition
of each format; ``claimcheck schema NAME > checker/formats/schemas/NAME.schema.json`` refreshes the
copies shipped in ``checker/formats/schemas/``, and a test fails when they are out of date.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from pydantic import BaseModel

from checker.formats.acknowledgements import AcknowledgementsFile
from checker.formats.models import ClaimFile, RulesFile

DRAFT_07 = "http://json-schema.org/draft-07/schema#"
SCHEMAS: dict[str, type[BaseModel]] = {
    "claims": ClaimFile,
    "rules": RulesFile,
    "acknowledgements": AcknowledgementsFile,
}
_TITLES = {
    "claims": "claimcheck claim file: one source and the claims taken from it",
    "rules": "claimcheck rules file: metrics, entities and check settings",
    "acknowledgements": "claimcheck acknowledgements: reviewed discrepancies, each until it expires",
}


def _to_draft07(node: Any) -> Any:
    """Rewrite pydantic's 2020-12 output into draft-07 terms."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$defs":
                out["definitions"] = _to_draft07(value)
            elif key == "discriminator":
                continue  # an OpenAPI keyword; draft-07 tells the variants apart by their `kind` const
            elif key == "default" and value is None:
                continue  # an absent key, not a null to suggest
            elif key == "$ref" and isinstance(value, str):
                out["$ref"] = value.replace("#/$defs/", "#/definitions/")
            else:
                out[key] = _to_draft07(value)
        return out
    if isinstance(node, list):
        return [_to_draft07(item) for item in node]
    return node


def build_schema(name: str) -> dict[str, Any]:
    """Generate the draft-07 schema ``name`` ("claims" or "rules") from its model."""
    model = SCHEMAS[name]
    generated = _to_draft07(model.model_json_schema(by_alias=True, mode="validation"))
    schema = {
        "$schema": DRAFT_07,
        "$id": f"https://claimcheck.invalid/schemas/{name}.schema.json",
        "title": _TITLES[name],
    }
    schema.update({key: value for key, value in generated.items() if key != "title"})
    return schema


def render_schema(name: str) -> str:
    """The schema as the text of its published file."""
    return json.dumps(build_schema(name), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def published_schema(name: str) -> dict[str, Any]:
    """The schema file shipped with the package."""
    text = resources.files("checker.formats").joinpath(f"schemas/{name}.schema.json").read_text(encoding="utf-8")
    return json.loads(text)
