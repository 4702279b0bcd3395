"""Reading many rows by key: IN (...) lists cut into chunks every driver accepts."""
CHUNK = 500  # values per IN (...) list, well under every driver's parameter limit


def chunks(items, size=CHUNK):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i:i + size]


def by_key(model, key_field, keys):
    """{key: row} of `model` for the non-blank `keys`."""
    out = {}
    keys = {k for k in keys if k}
    for part in chunks(sorted(keys)):
        for row in model.select().where(key_field.in_(part)):
            out[getattr(row, key_field.name)] = row
    return out
