"""Extension objects. Imports nothing from the app, so no import cycles."""

from contextvars import ContextVar

from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from flask_wtf import CSRFProtect
from sqlalchemy import CompoundSelect, MetaData, Select, event
from sqlalchemy.orm import DeclarativeBase

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# The replica's engine while bureau.database.reading_replica() is in force, else None.
read_engine: ContextVar = ContextVar("bureau_read_engine", default=None)
WROTE = "bureau.wrote"


class Session(FlaskSession):
    """db.session. Inside database.reading_replica() a plain SELECT reads the replica;
    anything else — a flush, INSERT/UPDATE/DELETE, SELECT … FOR UPDATE, raw SQL — and
    every statement after a write in the same transaction (the replica has not got that
    write yet) goes to the primary."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if self._flushing or (clause is not None and not _plain_read(clause)):
            self.info[WROTE] = True  # the rest of this transaction reads the primary
        elif clause is not None and bind is None and not self.info.get(WROTE):
            bind = read_engine.get()  # the replica, or None: the primary as ever
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


def _plain_read(clause) -> bool:
    return isinstance(clause, Select | CompoundSelect) and clause._for_update_arg is None


@event.listens_for(Session, "after_transaction_end")
def _forget_writes(session, transaction) -> None:
    if transaction.parent is None:  # the whole transaction is over, not a savepoint
        session.info.pop(WROTE, None)


db = SQLAlchemy(model_class=Base, session_options={"class_": Session})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
bootstrap = Bootstrap5()
mail = Mail()
limiter = Limiter(key_func=get_remote_address)
# Computed statistics (bureau.domain.statistics.kept): memory, or Redis when configured.
cache = Cache()
