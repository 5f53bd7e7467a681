"""Schemathesis checks of this project (loaded with SCHEMATHESIS_HOOKS=fuzz_hooks)."""

import schemathesis


@schemathesis.check
def rejections_are_problem_json(ctx, response, case) -> None:
    """Every 4xx/5xx answer is RFC 9457 problem+json with a status that matches the response."""
    if response.status_code < 400:
        return
    content_type = response.headers.get("content-type", [""])
    content_type = content_type[0] if isinstance(content_type, list) else content_type
    if not content_type.startswith("application/problem+json"):
        raise AssertionError(f"{response.status_code} answered with content-type {content_type!r}, not application/problem+json")
    body = response.json()
    if body.get("status") != response.status_code or not body.get("title"):
        raise AssertionError(f"problem body lacks a matching status or a title: {body}")
