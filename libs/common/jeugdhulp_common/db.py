"""Database engine and sessions (SQLAlchemy async over asyncpg)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine


def make_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    # hide_parameters: SQL errors end up in logs; bound values may be personal data (domain guide §9 rule 6).
    return create_async_engine(url, pool_size=pool_size, max_overflow=10, pool_pre_ping=True, pool_recycle=1800, hide_parameters=True)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
