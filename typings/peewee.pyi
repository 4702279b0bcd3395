# peewee's own stubs (peewee >= 4) type a select as an iterable of models, but our queries use
# .tuples(), .dicts() and .scalar() on the same select and fields as class descriptors: read as
# Any, so mypy checks our code and not peewee's dynamic query builder.
from typing import Any

def __getattr__(name: str) -> Any: ...
