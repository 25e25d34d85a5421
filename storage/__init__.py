"""Persistence of incidents, sources and digest subscriptions (SQLAlchemy 2.0 + Alembic).

SQLite file by default, PostgreSQL through ``DATABASE_URL=postgresql+psycopg://...``.
"""

from storage.records import IncidentRecord, NewReport, SourceRecord, StoreResult, Submission
from storage.uow import Store, UnitOfWork

__all__ = ["IncidentRecord", "NewReport", "SourceRecord", "Store", "StoreResult", "Submission", "UnitOfWork"]
