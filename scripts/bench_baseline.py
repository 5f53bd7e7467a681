"""Baseline for the intake benchmark: a bare FastAPI endpoint that INSERTs one row with asyncpg.

Run by scripts/bench.py exactly like a service (one uvicorn process, same host), so the ratio
service/baseline shows what the service's own work costs (auth, validation, domain, outbox, audit).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import uuid

import asyncpg
import uvicorn
from fastapi import FastAPI, Request

DSN = os.environ["BENCH_DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://")


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI):
    app.state.pool = await asyncpg.create_pool(DSN, min_size=5, max_size=10)
    async with app.state.pool.acquire() as conn:
        await conn.execute("CREATE TABLE IF NOT EXISTS bench_item (id uuid PRIMARY KEY, body jsonb NOT NULL)")
    yield
    await app.state.pool.close()


app = FastAPI(lifespan=lifespan)


@app.post("/items", status_code=201)
async def post_item(request: Request) -> dict[str, str]:
    body = await request.json()
    item_id = uuid.uuid4()
    async with request.app.state.pool.acquire() as conn:
        await conn.execute("INSERT INTO bench_item (id, body) VALUES ($1, $2)", item_id, json.dumps(body))
    return {"id": str(item_id)}


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    args = p.parse_args()
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)
