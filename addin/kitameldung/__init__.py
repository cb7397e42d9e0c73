"""kitameldung: reads the Brandenburg Personalmeldung in place, computes Personalbemessung and
Fachkraftquote, and validates every entry against the law."""

__version__ = "0.1.0"
