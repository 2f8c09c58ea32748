from alembic import context

from fupin.db import make_engine
from fupin.models import Base

config = context.config
url = config.get_main_option("sqlalchemy.url") or ""
engine = make_engine(url)

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
