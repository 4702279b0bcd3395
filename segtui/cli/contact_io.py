"""Placeholder: filled by its issue."""


def register(groups, common):
    pass
