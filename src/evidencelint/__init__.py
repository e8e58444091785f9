"""evidencelint: lint health content (pages, claims, references) before it is published."""

__version__ = "0.1.0"
