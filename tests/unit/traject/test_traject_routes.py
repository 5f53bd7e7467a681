"""Every route of the traject service declares its response model (typed OpenAPI), lists answer the one page
envelope, and request and response models come from the service's schemas module."""

from __future__ import annotations

import pydantic
import pytest
from fastapi.routing import APIRoute

from jeugdhulp_common.paging import Page
from jeugdhulp_common.service import make_runtime
from traject.entrypoints import schemas
from traject.service import definition


@pytest.fixture
def routes(monkeypatch: pytest.MonkeyPatch) -> list[APIRoute]:
    monkeypatch.setenv("TRAJECT_DATABASE_URL", "postgresql+asyncpg://nobody@127.0.0.1:1/none")  # never connected
    rt = make_runtime(definition, definition.load_settings())
    return [r for router in definition.routers(rt) for r in router.routes if isinstance(r, APIRoute)]


def test_every_route_declares_a_response_model_from_schemas_and_lists_are_pages(routes: list[APIRoute]) -> None:
    assert len(routes) >= 26
    bodies = 0
    for r in routes:
        model = r.response_model
        assert isinstance(model, type) and issubclass(model, pydantic.BaseModel), r.path
        if issubclass(model, Page):
            assert "GET" in r.methods and {"limit", "offset"} <= {p.name for p in r.dependant.query_params}, r.path
            model = model.model_fields["items"].annotation.__args__[0]
        assert getattr(schemas, model.__name__) is model, r.path
        if r.body_field is not None:
            body = r.body_field.field_info.annotation
            assert getattr(schemas, body.__name__) is body, r.path
            bodies += 1
    assert bodies >= 20
