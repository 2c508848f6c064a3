"""The OpenAPI document is the contract: every answer the API gives is one it documents.

The same walk as ``test_api_datetimes`` (a market's whole life, then every GET as every
role) keeps every answer, success and error alike; each must have its status listed for its
operation, and its JSON must validate against that status's schema. The document lists the
error answers (``{"detail", "code"}``) truthfully: 413/415 only where a body is taken.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from jsonschema import Draft202012Validator

from opendps.core.calendar import LONDON
from opendps.core.tests.test_api_datetimes import Recorder, drive_the_api
from opendps.markets.questionnaire import questionnaire_parse
from opendps.testing.factories import TINY_PDF, good_answers, make_market

pytestmark = pytest.mark.django_db

ERROR = {"$ref": "#/components/schemas/ErrorOut"}
VALIDATION_ERROR = {"$ref": "#/components/schemas/ValidationErrorOut"}


def openapi() -> dict[str, Any]:
    return Client().get("/api/v1/openapi.json").json()


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
    ]


def json_schema(operation: dict[str, Any], status: int) -> dict[str, Any]:
    return operation["responses"][str(status)]["content"]["application/json"]["schema"]


def test_every_operation_documents_its_error_answers():
    spec = openapi()
    assert len(operations(spec)) >= 49
    for method, path, operation in operations(spec):
        statuses = {int(s) for s in operation["responses"]}
        where = f"{method.upper()} {path}"
        assert 401 in statuses, where  # a wrong token is refused everywhere
        assert json_schema(operation, 401) == ERROR, where
        has_body = "requestBody" in operation
        assert ({413, 415, 400} <= statuses) == has_body, where
        if "{" in path:
            assert json_schema(operation, 404) == ERROR, where
        if method != "get":
            assert {409, 422} <= statuses, where
            assert json_schema(operation, 422) == VALIDATION_ERROR, where
    public_key = spec["paths"]["/api/v1/receipts/public-key"]["get"]["responses"]
    assert set(public_key) == {"200", "401", "429"}
    error = spec["components"]["schemas"]["ErrorOut"]
    assert error["required"] == ["detail", "code"]


def validation_failures(spec: dict[str, Any], api: Recorder) -> list[str]:
    failures = []
    for role, method, path, status, body in api.answers:
        verb, template = api._operation(method, path)
        operation = spec["paths"][template][verb.lower()]
        where = f"{method} {path} as {role} answered {status}"
        documented = operation["responses"].get(str(status))
        if documented is None:
            failures.append(f"{where}: status not documented")
            continue
        if body is None:
            continue
        schema = documented.get("content", {}).get("application/json", {}).get("schema")
        if schema is None:
            failures.append(f"{where}: no JSON schema documented")
            continue
        validator = Draft202012Validator({**schema, "components": spec["components"]})
        failures.extend(
            f"{where}: {'/'.join(map(str, error.absolute_path))}: {error.message}"
            for error in validator.iter_errors(body)
        )
    return failures


def test_every_answer_matches_the_openapi_document(people, api_client_for):
    """Successes and errors, for every operation and every role, match their schemas."""
    spec = openapi()
    api = Recorder(api_client_for, people)
    drive_the_api(api, people, datetime(2027, 1, 11, 9, 30, tzinfo=LONDON))
    assert api.operations - api.succeeded == set()
    assert {status for *_, status, _ in api.answers} >= {200, 201, 401, 404}
    failures = validation_failures(spec, api)
    assert not failures, "\n".join(sorted(set(failures))[:40])


def test_an_application_with_documents_matches_the_document(people, api_client_for):
    """GET /applications/{id} lists its documents as the schema says (``original_name``)."""
    market = make_market(people)
    version = market.categories.get().questionnaire_versions.get()
    answers, file_ids = good_answers(questionnaire_parse({"questions": version.questions}))
    supplier = api_client_for(people.supplier_a_admin)
    form: dict[str, Any] = {
        "category_ids": [market.categories.get().pk],
        "answers": json.dumps(answers),
    }
    form |= {key: SimpleUploadedFile(f"{key}.pdf", TINY_PDF, "application/pdf") for key in file_ids}
    response = supplier.client.post(
        f"/api/v1/markets/{market.pk}/applications", form, headers=supplier._headers()
    )
    assert response.status_code == 201, response.json()
    [application] = response.json()
    spec = openapi()
    operation = spec["paths"]["/api/v1/applications/{application_id}"]["get"]
    body = supplier.get(f"/api/v1/applications/{application['id']}").json()
    assert [d["original_name"] for d in body["documents"]] == [f"{k}.pdf" for k in file_ids]
    validator = Draft202012Validator(
        {**json_schema(operation, 200), "components": spec["components"]}
    )
    assert [error.message for error in validator.iter_errors(body)] == []
